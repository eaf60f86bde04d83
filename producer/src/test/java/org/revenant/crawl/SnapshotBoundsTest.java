package org.revenant.crawl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.revenant.avro.EntryKind;
import org.revenant.avro.ManifestEntry;
import org.revenant.avro.Mirror;
import org.revenant.avro.MirrorStatus;

class SnapshotBoundsTest {

    static Mirror mirror() {
        return Mirror.newBuilder()
                .setKey("github:a/b")
                .setPlatform("github")
                .setLocator("a/b")
                .setStatus(MirrorStatus.PRESENT)
                .build();
    }

    static ManifestEntry file(String path, long size) {
        return ManifestEntry.newBuilder()
                .setPath(path)
                .setSize(size)
                .setKind(EntryKind.FILE)
                .build();
    }

    @Test
    void oneFileWithAHugeNameIsLeftOutAndTheRestIsPublishedPartial() {
        Snapshot s = new Snapshot(
                mirror(), List.of(file("faces.tsv", 91_124_295_076L), file("x".repeat(1_000_000), 1)), null);
        Snapshot bounded = SnapshotBounds.apply(s);
        assertEquals(
                List.of("faces.tsv"),
                bounded.entries().stream().map(ManifestEntry::getPath).toList());
        assertTrue(bounded.mirror().getPartial());
        assertEquals(
                "1 entries with a path over 4096 characters left out",
                bounded.mirror().getPartialReason());
    }

    @Test
    void anOrdinarySnapshotIsUntouched() {
        List<ManifestEntry> entries = List.of(
                file("a.bin", 10),
                ManifestEntry.newBuilder(file("b.bin", 20))
                        .setSha256("ab".repeat(32))
                        .build());
        Snapshot bounded = SnapshotBounds.apply(new Snapshot(mirror(), entries, "readme"));
        assertEquals(entries, bounded.entries());
        assertSame(entries.get(1), bounded.entries().get(1));
        assertFalse(bounded.mirror().getPartial());
        assertNull(bounded.mirror().getPartialReason());
        assertEquals("readme", bounded.text());
    }

    @Test
    void hostileStringsAreCappedAndImpossibleValuesDropped() {
        Map<String, String> ids = new HashMap<>();
        for (int i = 0; i < 1000; i++) {
            ids.put("k" + i, "v".repeat(10_000));
        }
        Mirror m = Mirror.newBuilder(mirror())
                .setTitle("t".repeat(10_000_000))
                .setDescription("d".repeat(10_000_000))
                .setOwner("o".repeat(100_000))
                .setIdentifiers(ids)
                .build();
        ManifestEntry weird = ManifestEntry.newBuilder(file("w.bin", -5))
                .setGitBlobSha1("f".repeat(100_000))
                .setMd5("0".repeat(32))
                .build();
        Snapshot bounded = SnapshotBounds.apply(new Snapshot(m, List.of(weird), "r".repeat(10_000_000)));
        assertEquals(SnapshotBounds.MAX_FIELD_CHARS, bounded.mirror().getTitle().length());
        assertEquals(
                SnapshotBounds.MAX_DESCRIPTION_CHARS,
                bounded.mirror().getDescription().length());
        assertEquals(SnapshotBounds.MAX_FIELD_CHARS, bounded.mirror().getOwner().length());
        assertEquals(
                SnapshotBounds.MAX_IDENTIFIERS,
                bounded.mirror().getIdentifiers().size());
        assertTrue(
                bounded.mirror().getIdentifiers().values().stream()
                        .allMatch(v -> v.length() == SnapshotBounds.MAX_IDENTIFIER_CHARS),
                "cut to what the detection app accepts");
        assertEquals(SnapshotBounds.MAX_TEXT_CHARS, bounded.text().length());
        ManifestEntry e = bounded.entries().get(0);
        assertNull(e.getSize(), "no file has a negative size");
        assertNull(e.getGitBlobSha1(), "no digest is 100,000 characters long");
        assertEquals("0".repeat(32), e.getMd5(), "a plausible digest is kept");
    }

    @Test
    void entriesPastTheCapAreCountedInTheReasonWhichKeepsTheSourcesOwn() {
        List<ManifestEntry> entries = new ArrayList<>();
        for (int i = 0; i < SnapshotBounds.MAX_ENTRIES + 3; i++) {
            entries.add(file("f" + i, i));
        }
        Mirror m = SnapshotBounds.partial(mirror(), "tree has more than 5000 directories");
        Snapshot bounded = SnapshotBounds.apply(new Snapshot(m, entries, null));
        assertEquals(SnapshotBounds.MAX_ENTRIES, bounded.entries().size());
        assertEquals(
                "tree has more than 5000 directories; more than 1000000 entries: 3 left out",
                bounded.mirror().getPartialReason());
    }
}
