package org.revenant.source.torrent;

import java.util.List;
import org.revenant.avro.ManifestEntry;
import org.revenant.avro.Mirror;

/** A torrent as a snapshot sees it: the mirror and its files (none for a bare magnet). */
public record TorrentManifest(Mirror mirror, List<ManifestEntry> entries) {
    public TorrentManifest {
        if (mirror == null) {
            throw new IllegalArgumentException("mirror");
        }
        entries = List.copyOf(entries);
    }

    public long totalBytes() {
        long total = 0;
        for (ManifestEntry entry : entries) {
            total += entry.getSize() == null ? 0 : entry.getSize();
        }
        return total;
    }
}
