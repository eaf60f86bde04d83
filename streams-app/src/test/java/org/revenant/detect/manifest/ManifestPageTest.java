package org.revenant.detect.manifest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.revenant.avro.EntryKind;
import org.revenant.avro.ManifestEntry;
import org.revenant.avro.StoredEntry;
import org.revenant.wire.AvroSerdes;

class ManifestPageTest {

    private static ManifestEntry file(String path, long size, String sha256) {
        return ManifestEntry.newBuilder()
                .setPath(path)
                .setSize(size)
                .setKind(EntryKind.FILE)
                .setSha256(sha256)
                .build();
    }

    private static String hex(int seed, int length) {
        StringBuilder s = new StringBuilder();
        while (s.length() < length) {
            s.append(Integer.toHexString(Integer.hashCode(seed * 31 + s.length()) * 0x9e3779b1 | 0x10000000));
        }
        return s.substring(0, length);
    }

    private static List<ManifestEntry> typicalPage(int n) {
        List<ManifestEntry> entries = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            entries.add(file(String.format("data/images/part-%05d/img_%06d.jpg", i / 100, i), 10_000L + i, hex(i, 64)));
        }
        return entries;
    }

    @Test
    void everyFieldOfEveryEntrySurvivesAPage() {
        List<ManifestEntry> entries = List.of(
                ManifestEntry.newBuilder().setPath("").setKind(EntryKind.FILE).build(),
                ManifestEntry.newBuilder()
                        .setPath("README.md")
                        .setSize(0L)
                        .setKind(EntryKind.FILE)
                        .setSha256(hex(1, 64))
                        .setSha1(hex(2, 40))
                        .setMd5(hex(3, 32))
                        .setGitBlobSha1(hex(4, 40))
                        .setLfsSha256(hex(5, 64))
                        .build(),
                ManifestEntry.newBuilder()
                        .setPath("README.md.torrent")
                        .setKind(EntryKind.TORRENT_REF)
                        .setRef(hex(6, 40))
                        .build(),
                // Hashes that are not lowercase hex are kept as they came, not normalized.
                ManifestEntry.newBuilder()
                        .setPath("odd")
                        .setSize(Long.MAX_VALUE)
                        .setKind(EntryKind.FILE)
                        .setSha256("ABCDEF")
                        .setMd5("abc")
                        .setSha1("")
                        .build(),
                // Hex-like text that is not lowercase hex: a letter past f, and a non-ASCII character.
                ManifestEntry.newBuilder()
                        .setPath("odd2")
                        .setKind(EntryKind.FILE)
                        .setSha256("0g")
                        .setSha1("\u00e90")
                        .setMd5("\u0660\u0661")
                        .build(),
                ManifestEntry.newBuilder()
                        .setPath("\uFF5Ewide")
                        .setSize(-1L)
                        .setKind(EntryKind.LINK)
                        .setRef("https://example.org/x")
                        .build(),
                ManifestEntry.newBuilder()
                        .setPath("\uD83D\uDE00")
                        .setKind(EntryKind.MAGNET_REF)
                        .setRef("r")
                        .build());
        byte[] page = ManifestPage.encode(entries);
        assertEquals(entries, ManifestPage.decode(page));
        assertEquals(List.of(), ManifestPage.decode(ManifestPage.encode(List.of())));
        // What a merge reads of a page without decoding it.
        assertEquals("\uD83D\uDE00", ManifestPage.lastPath(page));
        assertEquals(entries.size(), ManifestPage.count(page));
        assertNull(ManifestPage.lastPath(ManifestPage.encode(List.of())));
        for (int n = 1; n <= 3; n++) {
            List<ManifestEntry> typical = typicalPage(n * 100);
            assertEquals(
                    typical.get(typical.size() - 1).getPath(), ManifestPage.lastPath(ManifestPage.encode(typical)));
        }
    }

    @Test
    void aPageIsUnderAQuarterOfTheBytesOfItsEntriesAsPerEntryRecords() {
        List<ManifestEntry> entries = typicalPage(ManifestPage.MAX_ENTRIES);
        byte[] page = ManifestPage.encode(entries);
        var serializer = AvroSerdes.of(StoredEntry.class).serializer();
        long perEntry = 0;
        for (ManifestEntry e : entries) {
            perEntry += serializer.serialize("t", new StoredEntry(e, "8a4e3f0c-0000-4000-8000-000000000000")).length
                    + e.getPath().length()
                    + 40; // value plus the mirror-scoped key
        }
        assertTrue(page.length * 4 < perEntry, page.length + " page bytes against " + perEntry + " per-entry bytes");
        assertTrue(page.length < 64 * 1024, "a full page of typical entries stays far under 1 MiB: " + page.length);
    }

    @Test
    void unsortedOrRepeatedPathsAreRefused() {
        assertThrows(
                IllegalArgumentException.class,
                () -> ManifestPage.encode(List.of(file("b", 1, null), file("a", 1, null))));
        assertThrows(
                IllegalArgumentException.class,
                () -> ManifestPage.encode(List.of(file("a", 1, null), file("a", 2, null))));
        // Sorted by UTF-16 units is not sorted by UTF-8 bytes.
        assertThrows(
                IllegalArgumentException.class,
                () -> ManifestPage.encode(List.of(file("\uD83D\uDE00", 1, null), file("\uFF5E", 1, null))));
    }

    @Test
    void aPageTooLongIsRefused() {
        assertThrows(
                IllegalArgumentException.class, () -> ManifestPage.encode(typicalPage(ManifestPage.MAX_ENTRIES + 1)));
        List<ManifestEntry> huge = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            huge.add(file(i + "x".repeat(400_000), 1, null));
        }
        assertThrows(IllegalArgumentException.class, () -> ManifestPage.encode(huge));
    }

    @Test
    void everyTruncationOrCorruptionOfAPageFailsWithAClearError() {
        byte[] page = ManifestPage.encode(typicalPage(20));
        for (int cut = 0; cut < page.length; cut++) {
            byte[] truncated = Arrays.copyOf(page, cut);
            IllegalArgumentException e =
                    assertThrows(IllegalArgumentException.class, () -> ManifestPage.decode(truncated), "cut at " + cut);
            assertTrue(e.getMessage() != null && !e.getMessage().isBlank());
            assertNull(ManifestPage.lastPath(truncated), "cut at " + cut);
            assertTrue(ManifestPage.count(truncated) <= ManifestPage.MAX_ENTRIES);
        }
        byte[] trailing = Arrays.copyOf(page, page.length + 1);
        assertThrows(IllegalArgumentException.class, () -> ManifestPage.decode(trailing));
        byte[] hugeCount = {'P', 1, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x07};
        assertThrows(IllegalArgumentException.class, () -> ManifestPage.decode(hugeCount));
        byte[] hugeLength = {'P', 1, 1, 0, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0x7f};
        assertThrows(IllegalArgumentException.class, () -> ManifestPage.decode(hugeLength));
        byte[] badShare = {'P', 1, 1, 5, 0, 0, 0};
        assertThrows(IllegalArgumentException.class, () -> ManifestPage.decode(badShare));
        byte[] badKind = {'P', 1, 1, 0, 0, 0, 99};
        assertThrows(IllegalArgumentException.class, () -> ManifestPage.decode(badKind));
        for (byte[] bad : List.of(trailing, hugeCount, hugeLength, badShare, badKind)) {
            assertNull(ManifestPage.lastPath(bad));
        }
        assertEquals(0, ManifestPage.count(hugeCount));
    }
}
