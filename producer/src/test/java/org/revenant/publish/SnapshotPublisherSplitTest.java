package org.revenant.publish;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.revenant.avro.EntryKind;
import org.revenant.avro.ManifestEntry;

class SnapshotPublisherSplitTest {

    private static ManifestEntry entry(String path) {
        return ManifestEntry.newBuilder().setPath(path).setSize(1L).setKind(EntryKind.FILE)
                .setSha256("a".repeat(64)).build();
    }

    @Test
    void emptySnapshotIsOneEmptyChunk() {
        List<List<ManifestEntry>> chunks = SnapshotPublisher.split(List.of(), 0);
        assertEquals(1, chunks.size());
        assertTrue(chunks.get(0).isEmpty());
    }

    @Test
    void chunksHoldAtMostTwoThousandEntries() {
        List<ManifestEntry> entries = new ArrayList<>();
        for (int i = 0; i < 4_001; i++) {
            entries.add(entry("f" + i));
        }
        List<List<ManifestEntry>> chunks = SnapshotPublisher.split(entries, 0);
        assertEquals(List.of(2000, 2000, 1), chunks.stream().map(List::size).toList());
    }

    @Test
    void longPathsSplitByEstimatedBytes() {
        List<ManifestEntry> entries = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) {
            entries.add(entry(i + "/" + "x".repeat(1_000)));
        }
        List<List<ManifestEntry>> chunks = SnapshotPublisher.split(entries, 0);
        assertTrue(chunks.size() > 1, "1000 entries of 1 KB paths exceed 512 KiB");
        assertEquals(1_000, chunks.stream().mapToInt(List::size).sum());
    }
}
