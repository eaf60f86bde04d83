package org.revenant.crawl;

import java.util.List;
import java.util.Objects;
import org.revenant.avro.ManifestEntry;
import org.revenant.avro.Mirror;

/** What one crawl saw of one mirror: the mirror, its manifest and its README/description text. */
public record Snapshot(Mirror mirror, List<ManifestEntry> entries, String text) {

    public Snapshot {
        Objects.requireNonNull(mirror, "mirror");
        entries = List.copyOf(Objects.requireNonNull(entries, "entries"));
    }

    public static Snapshot status(Mirror mirror) {
        return new Snapshot(mirror, List.of(), null);
    }
}
