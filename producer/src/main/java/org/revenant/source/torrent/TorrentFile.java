package org.revenant.source.torrent;

/**
 * One content file of a torrent. {@code path} is relative to the torrent root with components
 * joined by '/'; for a single-file torrent it is the file's own name.
 */
public record TorrentFile(String path, long size) {
    public TorrentFile {
        if (path == null || path.isEmpty()) {
            throw new IllegalArgumentException("path");
        }
        if (size < 0) {
            throw new IllegalArgumentException("size");
        }
    }
}
