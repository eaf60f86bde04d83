package org.revenant.source.torrent;

/**
 * A .torrent could not be downloaded. {@link #status()} is the HTTP status when the server
 * answered (so a crawler can map 404/410 to GONE and 451 to BLOCKED), or 0 otherwise.
 */
public class TorrentFetchException extends TorrentException {

    private static final long serialVersionUID = 1L;

    private final int status;

    public TorrentFetchException(String message, int status) {
        super(message);
        this.status = status;
    }

    public TorrentFetchException(String message, Throwable cause) {
        super(message, cause);
        this.status = 0;
    }

    public int status() {
        return status;
    }
}
