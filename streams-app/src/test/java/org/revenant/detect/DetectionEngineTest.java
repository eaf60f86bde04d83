package org.revenant.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.revenant.detect.Fixtures.file;
import static org.revenant.detect.Fixtures.mirror;
import static org.revenant.detect.Fixtures.snapshot;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.revenant.avro.AlertEvent;
import org.revenant.avro.AlertEventType;
import org.revenant.avro.ChangeKind;
import org.revenant.avro.EntryKind;
import org.revenant.avro.ManifestChange;
import org.revenant.avro.ManifestEntry;
import org.revenant.avro.Mirror;
import org.revenant.avro.MirrorStatus;
import org.revenant.avro.ReferenceFile;
import org.revenant.avro.RetractedDataset;
import org.revenant.avro.Severity;
import org.revenant.avro.Signature;
import org.revenant.avro.SignatureKind;
import org.revenant.avro.SnapshotChunk;
import org.revenant.registry.RegistryLoader;
import org.revenant.wire.Topics;

/** The detection engine against the real bundled registry: every signature kind, diffs, retroactive matching, false-positive controls. */
class DetectionEngineTest {

    @TempDir
    Path stateDir;

    private final Topics topics = Topics.defaults();
    private TopologyTestDriver driver;
    private TestInputTopic<String, RetractedDataset> registry;
    private TestInputTopic<String, SnapshotChunk> snapshots;
    private TestOutputTopic<String, AlertEvent> alerts;
    private TestOutputTopic<String, ManifestChange> changes;

    @BeforeEach
    void start() {
        Properties props =
                RevenantStreams.properties(DetectConfig.defaults(topics), new Properties(), "engine-test", stateDir);
        props.put("bootstrap.servers", "unused:9092");
        driver = new TopologyTestDriver(RevenantTopology.build(DetectConfig.defaults(topics)), props);
        registry = driver.createInputTopic(
                topics.registry.name(),
                Serdes.String().serializer(),
                topics.registry.valueSerde().serializer());
        snapshots = driver.createInputTopic(
                topics.snapshots.name(),
                Serdes.String().serializer(),
                topics.snapshots.valueSerde().serializer());
        alerts = driver.createOutputTopic(
                topics.alerts.name(),
                Serdes.String().deserializer(),
                topics.alerts.valueSerde().deserializer());
        changes = driver.createOutputTopic(
                topics.changes.name(),
                Serdes.String().deserializer(),
                topics.changes.valueSerde().deserializer());
        for (RetractedDataset dataset : RegistryLoader.load(Path.of("..", "registry"))) {
            registry.pipeInput(dataset.getId(), dataset);
        }
        settleRegistry();
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    private void settleRegistry() {
        driver.advanceWallClockTime(Duration.ofSeconds(2));
    }

    private void publish(List<SnapshotChunk> chunks) {
        for (SnapshotChunk chunk : chunks) {
            snapshots.pipeInput(chunk.getMirror().getKey(), chunk);
        }
    }

    private static List<SnapshotChunk> withText(List<SnapshotChunk> chunks, String text) {
        chunks.get(0).setText(text);
        return chunks;
    }

    private static Mirror github(String repo) {
        return mirror("github:" + repo, MirrorStatus.PRESENT, Map.of());
    }

    private static List<ManifestEntry> files(String folder, int count, long size) {
        List<ManifestEntry> entries = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            entries.add(file(folder + "/" + i + ".bin", size));
        }
        return entries;
    }

    // ---- manifest diffs --------------------------------------------------------------------

    @Test
    void manifestChangesAreAppearedChangedGoneReappeared() {
        Mirror m = github("someone/data");
        publish(snapshot(m, file("a.txt", 1), file("b.txt", 2)));
        publish(snapshot(m, file("a.txt", 1), file("b.txt", 2))); // unchanged: no event
        publish(snapshot(m, file("a.txt", 1), file("b.txt", 3), file("c.txt", 4))); // b modified, c added
        publish(snapshot(m, file("c.txt", 4))); // a and b removed
        publish(snapshot(Mirror.newBuilder(m).setStatus(MirrorStatus.GONE).build()));
        publish(snapshot(m, file("c.txt", 4)));

        List<ManifestChange> out = changes.readValuesToList();
        assertEquals(
                List.of(
                        ChangeKind.APPEARED,
                        ChangeKind.CHANGED,
                        ChangeKind.CHANGED,
                        ChangeKind.GONE,
                        ChangeKind.REAPPEARED),
                out.stream().map(ManifestChange::getKind).toList());
        assertEquals(2, out.get(0).getAdded());
        assertEquals(1, out.get(1).getAdded());
        assertEquals(1, out.get(1).getModified());
        assertEquals(2, out.get(2).getRemoved());
        assertEquals(
                List.of("REMOVED:a.txt", "REMOVED:b.txt"),
                out.get(2).getSamples().stream()
                        .map(s -> s.getOp() + ":" + s.getPath())
                        .sorted()
                        .toList());
        assertEquals(
                0,
                out.get(4).getAdded() + out.get(4).getRemoved() + out.get(4).getModified(),
                "the manifest kept while gone is the one compared with on return");
    }

    @Test
    void largeSnapshotsKeepSamplesBounded() {
        publish(snapshot(github("someone/many"), 2000, files("x", 5_000, 10)));
        ManifestChange change = changes.readValue();
        assertEquals(5_000, change.getAdded());
        assertEquals(10, change.getSamples().size());
    }

    // ---- signature kinds -------------------------------------------------------------------

    @Test
    void knownNameWithSizeInRangeCountsAndOutOfRangeDoesNot() {
        publish(snapshot(
                github("someone/retina"),
                file("ms1m/train.rec", 28_900_000_000L),
                file("ms1m/train.idx", 100_000_000L)));
        AlertEvent alert = alerts.readValue();
        assertEquals("ms1mv3", alert.getDatasetId());
        assertEquals("ms-celeb-1m", alert.getParentId());
        assertEquals(0.91, alert.getConfidence());
        assertTrue(alert.getEvidence().stream().allMatch(e -> e.getKind() == SignatureKind.FILE_NAME));
    }

    @Test
    void recordioDatasetOfAnotherFaceSetStaysSilent() {
        publish(snapshot(
                github("someone/webface-recordio"),
                file("faces_webface_112x112/train.rec", 3_200_000_000L),
                file("faces_webface_112x112/train.idx", 11_000_000L),
                file("faces_webface_112x112/property", 14L),
                file("faces_webface_112x112/lfw.bin", 52_000_000L),
                file("faces_webface_112x112/cfp_fp.bin", 61_000_000L)));
        assertTrue(alerts.isEmpty(), () -> alerts.readValuesToList().toString());
    }

    @Test
    void cifarCopyStaysSilent() {
        publish(snapshot(
                mirror("hf:datasets/someone/cifar10", MirrorStatus.PRESENT, Map.of()),
                file("cifar-10-batches-py/data_batch_1", 31_035_704L),
                file("cifar-10-batches-py/data_batch_2", 31_035_320L),
                file("cifar-10-batches-py/test_batch", 31_035_526L),
                file("cifar-10-batches-py/batches.meta", 158L),
                file("cifar-10-python.tar.gz", 170_498_071L)));
        assertTrue(alerts.isEmpty(), () -> alerts.readValuesToList().toString());
    }

    @Test
    void codeRepositoryThatOnlyMentionsTheDatasetStaysSilent() {
        publish(withText(
                snapshot(github("someone/face-recognition"), file("train.py", 4_000), file("README.md", 2_000)),
                "# ArcFace training\nTrain on MS1M (MS-Celeb-1M) or faces_emore, MS1MV2 or MS1M-RetinaFace. "
                        + "Download faces_emore from the insightface model zoo."));
        assertTrue(alerts.isEmpty(), () -> alerts.readValuesToList().toString());
    }

    @Test
    void aliasInTheNameOfAMirrorHoldingDataAlerts() {
        publish(snapshot(
                mirror("hf:datasets/someone/ms-celeb-1m", MirrorStatus.PRESENT, Map.of()),
                file("data/part-00000.parquet", 400_000_000L)));
        AlertEvent alert = alerts.readValue();
        assertEquals("ms-celeb-1m", alert.getDatasetId());
        assertEquals(Severity.POSSIBLE, alert.getSeverity());
        assertEquals(SignatureKind.ALIAS, alert.getEvidence().get(0).getKind());
    }

    @Test
    void aliasInTheNameOfAnEmptyMirrorStaysSilent() {
        publish(snapshot(
                mirror("hf:datasets/someone/ms-celeb-1m", MirrorStatus.PRESENT, Map.of()), file("README.md", 300)));
        assertTrue(alerts.isEmpty());
    }

    @Test
    void aliasesMatchOnTokenBoundariesOnly() {
        // "ms1mv2x" is not "MS1MV2", "ms1m" is not part of "ms1mplus".
        publish(snapshot(
                mirror("hf:datasets/someone/ms1mv2x-ms1mplus", MirrorStatus.PRESENT, Map.of()),
                file("data/big.bin", 400_000_000L)));
        assertTrue(alerts.isEmpty(), () -> alerts.readValuesToList().toString());
    }

    @Test
    void pathPatternNeedsItsMinimumCount() {
        List<ManifestEntry> boxes = new ArrayList<>();
        for (int i = 0; i < 99; i++) {
            boxes.add(file(String.format("imgs/%04d_c2_f%07d.jpg", i, 46_985 + i), 5_000));
        }
        Mirror m = github("someone/reid-images");
        publish(snapshot(m, 2000, boxes));
        assertTrue(alerts.isEmpty(), "99 of 100 required paths");
        boxes.add(file("imgs/0999_c8_f0000001.jpg", 5_000));
        publish(snapshot(m, 2000, boxes));
        AlertEvent alert = alerts.readValue();
        assertEquals("dukemtmc-reid", alert.getDatasetId());
        assertEquals(SignatureKind.PATH_PATTERN, alert.getEvidence().get(0).getKind());
        assertTrue(
                alert.getEvidence().get(0).getDetail().startsWith("100 "),
                alert.getEvidence().get(0).getDetail());
    }

    @Test
    void knownDownloadLinkInTheReadmeAlerts() {
        publish(withText(
                snapshot(github("someone/reid-baselines"), file("README.md", 3_000)),
                "Get the data: https://drive.google.com/file/d/1jjE85dRCMOgRtvJ5RQV9-Afs-2_5dY3O/view"));
        AlertEvent alert = alerts.readValue();
        assertEquals("dukemtmc-reid", alert.getDatasetId());
        assertEquals(SignatureKind.DOWNLOAD_LINK, alert.getEvidence().get(0).getKind());
        assertEquals(0.8, alert.getConfidence());
    }

    @Test
    void linkEntriesFoundByACrawlerMatchToo() {
        ManifestEntry link = ManifestEntry.newBuilder()
                .setPath("links/0")
                .setKind(EntryKind.LINK)
                .setRef("https://www.dropbox.com/s/wpx6tqjf0y5mf6r/faces_ms1m-refine-v2_112x112.zip?dl=0")
                .build();
        publish(snapshot(github("someone/links"), link));
        assertEquals("ms1mv2", alerts.readValue().getDatasetId());
    }

    @Test
    void sameFileListUnderAnotherInfohashMatchesTheReferenceManifest() {
        Signature reference = Signature.newBuilder()
                .setKind(SignatureKind.REFERENCE_MANIFEST)
                .setFiles(List.of(
                        new ReferenceFile("a.jpg", 1_000L),
                        new ReferenceFile("b.jpg", 2_000L),
                        new ReferenceFile("c.jpg", 3_000L),
                        new ReferenceFile("list.txt", 40L)))
                .build();
        registry.pipeInput("toy", Fixtures.dataset("toy", "Toy faces", null, "2020-01-01", reference));
        settleRegistry();
        publish(snapshot(
                Fixtures.torrent("2222222222222222222222222222222222222222"),
                file("Toy/A.JPG", 1_000L),
                file("Toy/b.jpg", 2_000L),
                file("Toy/c.jpg", 3_000L),
                file("Toy/list.txt", 40L)));
        AlertEvent alert = alerts.readValue();
        assertEquals("toy", alert.getDatasetId());
        assertEquals(
                SignatureKind.REFERENCE_MANIFEST, alert.getEvidence().get(0).getKind());
        assertEquals(0.9, alert.getConfidence());

        publish(snapshot(
                Fixtures.torrent("3333333333333333333333333333333333333333"),
                file("Other/a.jpg", 1_000L),
                file("Other/zzz.jpg", 9_000L),
                file("Other/y.txt", 41L),
                file("Other/q", 5L)));
        assertTrue(alerts.isEmpty(), "one pair in common is not similar enough");
    }

    // ---- retroactive matching --------------------------------------------------------------

    @Test
    void datasetAddedLaterFindsAMirrorPublishedEarlierWithoutARecrawl() {
        String sha = "ab".repeat(32);
        Mirror m = github("someone/early");
        publish(snapshot(
                m,
                ManifestEntry.newBuilder()
                        .setPath("blobs/x.tar")
                        .setSize(123L)
                        .setSha256(sha)
                        .setKind(EntryKind.FILE)
                        .build()));
        assertTrue(alerts.isEmpty());

        registry.pipeInput(
                "late",
                Fixtures.dataset(
                        "late", "Late Set", null, "2021-01-01", Fixtures.signature(SignatureKind.SHA256, sha, null)));
        settleRegistry();
        AlertEvent opened = alerts.readValue();
        assertEquals(AlertEventType.OPENED, opened.getEvent());
        assertEquals("late|github:someone/early", opened.getAlertKey());
        assertEquals("blobs/x.tar", opened.getEvidence().get(0).getPath());

        registry.pipeInput(
                "late",
                Fixtures.dataset(
                        "late", "Late Set", null, "2021-01-01", Fixtures.signature(SignatureKind.SHA256, sha, null)));
        settleRegistry();
        assertTrue(alerts.isEmpty(), "the same definition again changes nothing");

        registry.pipeInput("late", (RetractedDataset) null);
        settleRegistry();
        assertEquals(AlertEventType.RESOLVED, alerts.readValue().getEvent());
    }

    @Test
    void signatureAddedToAnExistingDatasetUpdatesItsAlert() {
        Mirror m = mirror("hf:datasets/someone/faces", MirrorStatus.PRESENT, Map.of());
        publish(snapshot(m, file("a.tsv", 91_124_295_076L), file("extra.bin", 777_777_777L)));
        assertEquals(AlertEventType.OPENED, alerts.readValue().getEvent());

        RetractedDataset msCeleb = RegistryLoader.load(Path.of("..", "registry", "ms-celeb-1m.yaml"))
                .get(0);
        List<Signature> more = new ArrayList<>(msCeleb.getSignatures());
        more.add(Fixtures.signature(SignatureKind.FILE_SIZE, null, 777_777_777L));
        registry.pipeInput(
                "ms-celeb-1m",
                RetractedDataset.newBuilder(msCeleb).setSignatures(more).build());
        settleRegistry();
        AlertEvent escalated = alerts.readValue();
        assertEquals(AlertEventType.ESCALATED, escalated.getEvent());
        assertEquals(Severity.CONFIRMED, escalated.getSeverity());
    }
}
