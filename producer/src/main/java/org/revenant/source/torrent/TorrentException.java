package org.revenant.source.torrent;

/**
 * A .torrent file, magnet link or download that Revenant cannot use. The message is one line a
 * user can act on, e.g. {@code truncated byte string at offset 123}; crawlers record it as the
 * reason of a failed crawl.
 */
public class TorrentException extends Exception {

    private static final long serialVersionUID = 1L;

    public TorrentException(String message) {
        super(message);
    }

    public TorrentException(String message, Throwable cause) {
        super(message, cause);
    }

    /** An error tied to a position in the input. */
    static TorrentException at(long offset, String what) {
        return new TorrentException(what + " at offset " + offset);
    }
}
