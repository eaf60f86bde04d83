package org.revenant.source.manifest;

import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import org.revenant.avro.ManifestEntry;
import org.revenant.avro.Mirror;

/**
 * One snapshot read from a manifest file: the mirror, when it was observed, its README-like
 * text (possibly truncated), its entries in file order, and notes about anything adjusted on the
 * way (such as a truncated text) that a user should hear about but that is not an error.
 */
public record Manifest(
        Mirror mirror, Instant observedAt, String text, List<ManifestEntry> entries, List<String> notes) {

    public Manifest {
        Objects.requireNonNull(mirror, "mirror");
        Objects.requireNonNull(observedAt, "observedAt");
        // A million-entry list is not copied again; the reader hands over a list nobody else holds.
        entries = Collections.unmodifiableList(Objects.requireNonNull(entries, "entries"));
        notes = List.copyOf(notes);
    }

    public long totalBytes() {
        long total = 0;
        for (ManifestEntry entry : entries) {
            total += entry.getSize() == null ? 0 : entry.getSize();
        }
        return total;
    }
}
