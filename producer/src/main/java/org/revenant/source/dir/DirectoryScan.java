package org.revenant.source.dir;

import java.util.Collections;
import java.util.List;
import java.util.Objects;
import org.revenant.avro.ManifestEntry;
import org.revenant.avro.Mirror;

/**
 * A scanned directory as a snapshot sees it.
 *
 * @param entries     every regular file that could be read, sorted by path
 * @param unreadable  files and directories skipped because they could not be read (each was reported)
 * @param notRegular  symbolic links (never followed), devices, pipes and sockets, skipped silently
 * @param bytes       bytes hashed
 */
public record DirectoryScan(Mirror mirror, List<ManifestEntry> entries, int unreadable, int notRegular, long bytes) {

    public DirectoryScan {
        Objects.requireNonNull(mirror, "mirror");
        entries = Collections.unmodifiableList(Objects.requireNonNull(entries, "entries"));
    }
}
