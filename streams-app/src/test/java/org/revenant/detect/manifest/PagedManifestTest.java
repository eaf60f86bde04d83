package org.revenant.detect.manifest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.revenant.detect.Fixtures.file;
import static org.revenant.detect.Fixtures.snapshot;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.revenant.avro.AlertState;
import org.revenant.avro.AlertStatus;
import org.revenant.avro.ChangeKind;
import org.revenant.avro.EntryKind;
import org.revenant.avro.ManifestChange;
import org.revenant.avro.ManifestEntry;
import org.revenant.avro.Mirror;
import org.revenant.avro.MirrorRecord;
import org.revenant.avro.MirrorStatus;
import org.revenant.avro.RetractedDataset;
import org.revenant.avro.SnapshotChunk;
import org.revenant.detect.DetectConfig;
import org.revenant.detect.Fixtures;
import org.revenant.detect.RevenantStreams;
import org.revenant.detect.RevenantTopology;
import org.revenant.detect.lifecycle.AlertLifecycle;
import org.revenant.detect.state.AlertKey;
import org.revenant.detect.state.MirrorScopedKey;
import org.revenant.detect.state.StateStores;
import org.revenant.http.metrics.RevenantMetrics;
import org.revenant.wire.Topics;

/**
 * The paged manifest through the whole topology (docs/decisions/014): what an unchanged re-crawl
 * writes, how pages are cut, and a model check of diffs over random snapshot histories, sorted
 * and not, partial and abandoned.
 */
class PagedManifestTest {

    private static final String APP = "paged-test";
    private static final String PAGES_CHANGELOG = APP + "-" + StateStores.MANIFEST_PAGES + "-changelog";

    @TempDir
    Path stateDir;

    private final Topics topics = Topics.defaults();
    private TopologyTestDriver driver;
    private TestInputTopic<String, SnapshotChunk> snapshots;
    private TestOutputTopic<String, ManifestChange> changes;
    private TestOutputTopic<String, byte[]> pageChangelog;

    @BeforeEach
    void start() {
        Properties props = RevenantStreams.properties(DetectConfig.defaults(topics), new Properties(), APP, stateDir);
        props.put("bootstrap.servers", "unused:9092");
        driver = new TopologyTestDriver(RevenantTopology.build(DetectConfig.defaults(topics)), props);
        snapshots = driver.createInputTopic(
                topics.snapshots.name(),
                Serdes.String().serializer(),
                topics.snapshots.valueSerde().serializer());
        changes = driver.createOutputTopic(
                topics.changes.name(),
                Serdes.String().deserializer(),
                topics.changes.valueSerde().deserializer());
        pageChangelog = driver.createOutputTopic(
                PAGES_CHANGELOG,
                Serdes.String().deserializer(),
                Serdes.ByteArray().deserializer());
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    private void publish(List<SnapshotChunk> chunks) {
        for (SnapshotChunk chunk : chunks) {
            snapshots.pipeInput(chunk.getMirror().getKey(), chunk);
        }
    }

    private TestInputTopic<String, RetractedDataset> registryTopic() {
        return driver.createInputTopic(
                topics.registry.name(),
                Serdes.String().serializer(),
                topics.registry.valueSerde().serializer());
    }

    private TestOutputTopic<String, AlertState> alertStates() {
        return driver.createOutputTopic(
                topics.alertState.name(),
                Serdes.String().deserializer(),
                topics.alertState.valueSerde().deserializer());
    }

    private static Mirror github(String repo) {
        return Fixtures.mirror("github:" + repo, MirrorStatus.PRESENT, Map.of());
    }

    private static List<ManifestEntry> numbered(int count) {
        List<ManifestEntry> entries = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            entries.add(file(String.format("data/part-%03d/img_%06d.jpg", i / 1000, i), 10_000 + i));
        }
        return entries;
    }

    private Map<String, ManifestEntry> held(String mirrorKey) {
        Map<String, ManifestEntry> held = new TreeMap<>(ManifestPages.PATH_ORDER);
        KeyValueStore<String, byte[]> pages = driver.getKeyValueStore(StateStores.MANIFEST_PAGES);
        ManifestPages.forEach(pages, mirrorKey, e -> held.put(e.getPath(), e));
        return held;
    }

    private List<List<ManifestEntry>> pagesOf(String mirrorKey) {
        List<List<ManifestEntry>> all = new ArrayList<>();
        KeyValueStore<String, byte[]> pages = driver.getKeyValueStore(StateStores.MANIFEST_PAGES);
        try (KeyValueIterator<String, byte[]> it = MirrorScopedKey.range(pages, mirrorKey)) {
            while (it.hasNext()) {
                KeyValue<String, byte[]> kv = it.next();
                List<ManifestEntry> page = ManifestPage.decode(kv.value);
                assertEquals(
                        MirrorScopedKey.of(mirrorKey, page.get(0).getPath()),
                        kv.key,
                        "a page is keyed by its first path");
                all.add(page);
            }
        }
        return all;
    }

    @Test
    void anUnchangedRecrawlWritesNoPageAndAChangedOneOnlyThePagesThatChanged() {
        Mirror m = github("big/data");
        List<ManifestEntry> entries = numbered(5_000);
        publish(snapshot(m, 2_000, entries));
        int written = pageChangelog.readRecordsToList().size();
        assertTrue(written >= 5_000 / ManifestPage.MAX_ENTRIES, "the first crawl wrote " + written + " pages");
        assertEquals(ChangeKind.APPEARED, changes.readValue().getKind());

        publish(snapshot(m, 2_000, entries));
        assertTrue(pageChangelog.isEmpty(), "an unchanged re-crawl writes no manifest page");
        assertTrue(changes.isEmpty(), "and tells no change");

        List<ManifestEntry> changed = new ArrayList<>(entries);
        changed.set(2_500, file(entries.get(2_500).getPath(), 1)); // one file in the middle
        publish(snapshot(m, 2_000, changed));
        List<String> rewritten =
                pageChangelog.readKeyValuesToList().stream().map(kv -> kv.key).toList();
        assertEquals(1, rewritten.size(), "one changed file rewrites its one page: " + rewritten);
        ManifestChange change = changes.readValue();
        assertEquals(1, change.getModified());
        assertEquals(0, change.getAdded() + change.getRemoved());
        assertEquals(5_000, held(m.getKey()).size());
    }

    @Test
    void aPageThatDoesNotDecodeCostsOnlyItsOwnEntriesIsCountedAndIsWrittenAgain() {
        Mirror m = github("poisoned/pages");
        List<ManifestEntry> entries = numbered(3_000);
        publish(snapshot(m, 1_000, entries));
        assertEquals(ChangeKind.APPEARED, changes.readValue().getKind());
        pageChangelog.readRecordsToList();

        // Bytes no page decodes to, as anyone with write access to the changelog could leave them.
        KeyValueStore<String, byte[]> pages = driver.getKeyValueStore(StateStores.MANIFEST_PAGES);
        String victim;
        try (KeyValueIterator<String, byte[]> it = MirrorScopedKey.range(pages, m.getKey())) {
            it.next();
            victim = it.next().key; // the second page
        }
        int lost = ManifestPage.decode(pages.get(victim)).size();
        pages.put(victim, new byte[] {'P', 1, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x07});
        long before = ManifestStore.unreadablePages();

        publish(snapshot(m, 1_000, entries));
        assertTrue(ManifestStore.unreadablePages() > before, "the unreadable page is counted");
        ManifestChange change = changes.readValue();
        assertEquals(lost, change.getAdded(), "only the bad page's entries are new again");
        assertEquals(0, change.getRemoved() + change.getModified());
        assertEquals(3_000, held(m.getKey()).size(), "and they are held again");
        pagesOf(m.getKey()); // every page decodes again

        try (RevenantMetrics metrics = new RevenantMetrics()) {
            assertTrue(metrics.scrape().contains("revenant_manifest_pages_unreadable_total"), "exposed as a metric");
        }
    }

    @Test
    void anAlertSeenAgainUnchangedIsNotRewrittenYetReadsAsSeenAtTheNewSnapshot() {
        TestInputTopic<String, RetractedDataset> registry = registryTopic();
        TestOutputTopic<String, AlertState> states = alertStates();
        TestOutputTopic<String, byte[]> alertChangelog = driver.createOutputTopic(
                APP + "-" + StateStores.ALERTS + "-changelog",
                Serdes.String().deserializer(),
                Serdes.ByteArray().deserializer());
        registry.pipeInput("ms-celeb-1m", Fixtures.msCeleb());
        Mirror m = github("seen/again");
        List<ManifestEntry> entries = new ArrayList<>(numbered(3_000));
        entries.add(file("data/zz/FaceImageCroppedWithAlignment.tsv", Fixtures.ALIGNED_TSV));
        publish(snapshot(m, 1_000, entries));
        AlertState opened = states.readValue();
        assertEquals(AlertStatus.OPEN, opened.getStatus());
        alertChangelog.readRecordsToList();
        pageChangelog.readRecordsToList();
        changes.readValuesToList();

        List<SnapshotChunk> again = snapshot(m, 1_000, entries);
        publish(again);
        assertTrue(states.isEmpty(), "an unchanged alert is not told again");
        assertTrue(alertChangelog.isEmpty(), "nor rewritten");
        assertTrue(pageChangelog.isEmpty());
        KeyValueStore<String, AlertState> alerts = driver.getKeyValueStore(StateStores.ALERTS);
        KeyValueStore<String, MirrorRecord> mirrors = driver.getKeyValueStore(StateStores.MANIFEST_MIRRORS);
        AlertState stored = alerts.get(new AlertKey("ms-celeb-1m", m.getKey()).storeKey());
        assertEquals(opened.getLastSnapshotId(), stored.getLastSnapshotId());
        AlertState seen = AlertLifecycle.asSeen(stored, mirrors.get(m.getKey()));
        assertEquals(again.get(0).getSnapshotId(), seen.getLastSnapshotId(), "read as seen at the re-crawl");

        // The file goes: the alert resolves, written and told as ever, and is no longer read as seen.
        List<SnapshotChunk> without = snapshot(m, 1_000, entries.subList(0, 3_000));
        publish(without);
        AlertState resolved = states.readValue();
        assertEquals(AlertStatus.RESOLVED, resolved.getStatus());
        assertEquals(without.get(0).getSnapshotId(), resolved.getLastSnapshotId());
        assertEquals(
                resolved,
                AlertLifecycle.asSeen(
                        alerts.get(new AlertKey("ms-celeb-1m", m.getKey()).storeKey()), mirrors.get(m.getKey())));
    }

    /**
     * The evidence gathered from the chunks as they come (kept in memory) and the evidence read
     * back from the held pages when that was lost (here: the registry index changed mid-snapshot)
     * are the same.
     */
    @Test
    void evidenceFromTheChunksEqualsEvidenceReadBackFromThePages() {
        TestInputTopic<String, RetractedDataset> registry = registryTopic();
        TestOutputTopic<String, AlertState> states = alertStates();
        registry.pipeInput("ms-celeb-1m", Fixtures.msCeleb());
        List<ManifestEntry> entries = new ArrayList<>(numbered(3_000));
        entries.add(file("data/part-001/FaceImageCroppedWithAlignment.tsv", Fixtures.ALIGNED_TSV));
        entries.add(file("data/part-002/x/Top1M_MidList.Name.tsv", 110_000_000L));
        entries.add(file("data/zz/cropped.bin", Fixtures.CROPPED_TSV));
        entries.sort((a, b) -> ManifestPages.PATH_ORDER.compare(a.getPath(), b.getPath()));

        publish(snapshot(github("evidence/kept"), 1_000, entries));
        AlertState kept = states.readValue();

        List<SnapshotChunk> chunks = snapshot(github("evidence/read-back"), 1_000, entries);
        publish(chunks.subList(0, 1));
        registry.pipeInput(
                "unrelated",
                Fixtures.dataset(
                        "unrelated",
                        "Unrelated",
                        null,
                        "2020-01-01",
                        Fixtures.signature(org.revenant.avro.SignatureKind.FILE_SIZE, null, 123_456_789_012L)));
        publish(chunks.subList(1, chunks.size()));
        AlertState readBack = states.readValue();

        assertEquals(3, kept.getEvidence().size(), kept.getEvidence().toString());
        assertEquals(kept.getEvidence(), readBack.getEvidence());
        assertEquals(kept.getSeverity(), readBack.getSeverity());
        assertEquals(kept.getConfidence(), readBack.getConfidence());
    }

    @Test
    void pagesStayWithinTheirBoundsAsAManifestGrowsAndShrinks() {
        Mirror m = github("grows/shrinks");
        publish(snapshot(m, 1_000, numbered(10_000)));
        List<List<ManifestEntry>> pages = pagesOf(m.getKey());
        assertTrue(pages.stream().allMatch(p -> p.size() <= ManifestPage.MAX_ENTRIES));
        assertTrue(pages.size() <= 10_000 / ManifestStore.MIN_ENTRIES, pages.size() + " pages");

        // Every other file goes: pages shrink and small ones are joined.
        List<ManifestEntry> half = new ArrayList<>();
        List<ManifestEntry> all = numbered(10_000);
        for (int i = 0; i < all.size(); i += 2) {
            half.add(all.get(i));
        }
        publish(snapshot(m, 1_000, half));
        changes.readValuesToList();
        assertEquals(5_000, held(m.getKey()).size());
        pages = pagesOf(m.getKey());
        assertTrue(pages.stream().allMatch(p -> !p.isEmpty() && p.size() <= ManifestPage.MAX_ENTRIES));

        // A burst of files inside one page splits it.
        List<ManifestEntry> burst = new ArrayList<>(half);
        for (int i = 0; i < 3_000; i++) {
            burst.add(file(String.format("data/part-004/img_004000.jpg.%05d", i), i));
        }
        publish(snapshot(m, 1_000, burst));
        ManifestChange change = changes.readValue();
        assertEquals(3_000, change.getAdded());
        pages = pagesOf(m.getKey());
        assertTrue(pages.stream().allMatch(p -> !p.isEmpty() && p.size() <= ManifestPage.MAX_ENTRIES));
        assertEquals(8_000, held(m.getKey()).size());
    }

    @Test
    void longPathsAndRefsAreCutIntoPagesUnderTheByteCeiling() {
        Mirror m = github("long/paths");
        List<ManifestEntry> entries = new ArrayList<>();
        String dir = "d".repeat(3_900);
        for (int i = 0; i < 600; i++) {
            entries.add(ManifestEntry.newBuilder()
                    .setPath(dir + "/" + String.format("%05d", i))
                    .setSize((long) i)
                    .setKind(EntryKind.FILE)
                    .setRef("r".repeat(8_000) + i)
                    .build());
        }
        publish(snapshot(m, 200, entries));
        assertEquals(ChangeKind.APPEARED, changes.readValue().getKind());
        KeyValueStore<String, byte[]> pages = driver.getKeyValueStore(StateStores.MANIFEST_PAGES);
        try (KeyValueIterator<String, byte[]> it = MirrorScopedKey.range(pages, m.getKey())) {
            it.forEachRemaining(kv -> assertTrue(kv.value.length <= ManifestPage.MAX_BYTES));
        }
        assertEquals(600, held(m.getKey()).size());
    }

    /**
     * Random histories of a few mirrors against a plain map: after every snapshot the change
     * event's counts and the held manifest are what the map says. Snapshots come sorted or
     * shuffled (a publisher that does not sort), whole or partial, and some are abandoned
     * halfway by a newer one. Bounded by count.
     */
    @Test
    void diffsMatchAModelOverRandomHistories() {
        Random random = new Random(20261204L);
        String[] parts = {"a", "b", "z", "ß", "日本", "\uFF5E", "\uD83D\uDE00", "A", "0", "a b"};
        Map<String, Map<String, ManifestEntry>> model = new HashMap<>();
        for (int round = 0; round < 100; round++) {
            Mirror m = github("model/m" + random.nextInt(4));
            Map<String, ManifestEntry> before = model.computeIfAbsent(m.getKey(), k -> new HashMap<>());
            // The next listing: most held files kept, some changed, some new.
            Map<String, ManifestEntry> listing = new HashMap<>();
            for (ManifestEntry e : before.values()) {
                int fate = random.nextInt(10);
                if (fate < 7) {
                    listing.put(e.getPath(), e);
                } else if (fate < 8) {
                    listing.put(e.getPath(), file(e.getPath(), e.getSize() + 1));
                }
            }
            int fresh = random.nextInt(round % 10 == 0 ? 1_500 : 60);
            for (int i = 0; i < fresh; i++) {
                String path = parts[random.nextInt(parts.length)] + "/" + parts[random.nextInt(parts.length)]
                        + random.nextInt(3_000);
                listing.put(path, file(path, random.nextInt(1_000)));
            }
            List<ManifestEntry> entries = new ArrayList<>(listing.values());
            boolean sorted = random.nextInt(4) != 0;
            if (sorted) {
                entries.sort((a, b) -> ManifestPages.PATH_ORDER.compare(a.getPath(), b.getPath()));
            } else {
                Collections.shuffle(entries, random);
            }
            boolean partial = random.nextInt(6) == 0;
            Mirror mirror = Mirror.newBuilder(m).setPartial(partial).build();
            int chunkSize = 1 + random.nextInt(300);
            List<SnapshotChunk> chunks = snapshot(mirror, chunkSize, entries);

            if (chunks.size() > 1 && random.nextInt(8) == 0) {
                // Abandoned halfway: what arrived is merged, what it skipped is still held.
                int arrived = 1 + random.nextInt(chunks.size() - 1);
                publish(chunks.subList(0, arrived));
                for (SnapshotChunk c : chunks.subList(0, arrived)) {
                    c.getEntries().forEach(e -> before.put(e.getPath(), e));
                }
                assertTrue(changes.isEmpty());
                abandoned.add(m.getKey());
                continue;
            }
            abandoned.remove(m.getKey());
            publish(chunks);
            long added = listing.keySet().stream()
                    .filter(p -> !before.containsKey(p))
                    .count();
            long modified = listing.values().stream()
                    .filter(e -> before.containsKey(e.getPath())
                            && !before.get(e.getPath()).equals(e))
                    .count();
            long removed = partial
                    ? 0
                    : before.keySet().stream()
                            .filter(p -> !listing.containsKey(p))
                            .count();
            boolean first = !modelSeen.contains(m.getKey());
            modelSeen.add(m.getKey());
            String what = "round " + round + (sorted ? " sorted" : " shuffled") + (partial ? " partial" : "")
                    + " in chunks of " + chunkSize;
            if (first || added + modified + removed > 0) {
                ManifestChange change = changes.readValue();
                assertEquals(first ? ChangeKind.APPEARED : ChangeKind.CHANGED, change.getKind(), what);
                assertEquals(added, change.getAdded(), what + ": added");
                assertEquals(modified, change.getModified(), what + ": modified");
                assertEquals(removed, change.getRemoved(), what + ": removed");
            }
            assertTrue(changes.isEmpty(), what + ": one change at most");
            if (!partial) {
                before.clear();
            }
            before.putAll(listing);
            Map<String, ManifestEntry> expected = new TreeMap<>(ManifestPages.PATH_ORDER);
            expected.putAll(before);
            assertEquals(expected, held(m.getKey()), what + ": held manifest");
            assertTrue(
                    pagesOf(m.getKey()).stream().allMatch(p -> !p.isEmpty() && p.size() <= ManifestPage.MAX_ENTRIES));
        }
        KeyValueStore<String, byte[]> pending = driver.getKeyValueStore(StateStores.MANIFEST_PENDING);
        try (KeyValueIterator<String, byte[]> it = pending.all()) {
            it.forEachRemaining(kv -> assertTrue(
                    abandoned.contains(kv.key.substring(0, kv.key.indexOf(MirrorScopedKey.SEP))),
                    "only a snapshot still being merged parks entries"));
        }
    }

    private final Set<String> modelSeen = new HashSet<>();
    private final Set<String> abandoned = new HashSet<>();
}
