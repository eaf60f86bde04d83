package org.revenant.publish;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.revenant.avro.EntryKind;
import org.revenant.avro.ManifestEntry;

class SnapshotPublisherSplitTest {

    private static ManifestEntry entry(String path) {
        return ManifestEntry.newBuilder()
                .setPath(path)
                .setSize(1L)
                .setKind(EntryKind.FILE)
                .setSha256("a".repeat(64))
                .build();
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

    @Test
    void entriesArePublishedInUtf8ByteOrderOfTheirPaths() {
        // U+FF5E sorts before U+1F600 in UTF-8 bytes and code points, after it in UTF-16 units.
        List<ManifestEntry> entries =
                List.of(entry("b"), entry("\uD83D\uDE00"), entry("a/z"), entry("\uFF5E"), entry("a"));
        List<String> paths = SnapshotPublisher.sorted(entries).stream()
                .map(ManifestEntry::getPath)
                .toList();
        assertEquals(List.of("a", "a/z", "b", "\uFF5E", "\uD83D\uDE00"), paths);
        List<byte[]> bytes =
                paths.stream().map(p -> p.getBytes(StandardCharsets.UTF_8)).toList();
        for (int i = 1; i < bytes.size(); i++) {
            assertTrue(
                    Arrays.compareUnsigned(bytes.get(i - 1), bytes.get(i)) < 0,
                    paths.get(i - 1) + " before " + paths.get(i));
        }
        assertEquals("b", entries.get(0).getPath(), "the caller's list is left as it was");
    }

    @Test
    void anAlreadySortedSnapshotIsNotCopied() {
        List<ManifestEntry> entries = List.of(entry("a"), entry("b"), entry("c"));
        assertTrue(SnapshotPublisher.sorted(entries) == entries);
    }
}
