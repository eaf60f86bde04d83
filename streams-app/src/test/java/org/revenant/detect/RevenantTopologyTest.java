package org.revenant.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.revenant.detect.Fixtures.ALIGNED_TSV;
import static org.revenant.detect.Fixtures.CROPPED_TSV;
import static org.revenant.detect.Fixtures.MS_CELEB_BTIH;
import static org.revenant.detect.Fixtures.file;
import static org.revenant.detect.Fixtures.snapshot;
import static org.revenant.detect.Fixtures.torrent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.IntStream;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.revenant.avro.AlertEvent;
import org.revenant.avro.AlertEventType;
import org.revenant.avro.AlertState;
import org.revenant.avro.AlertStatus;
import org.revenant.avro.AnalystDecision;
import org.revenant.avro.DecisionKind;
import org.revenant.avro.EntryKind;
import org.revenant.avro.ManifestEntry;
import org.revenant.avro.Mirror;
import org.revenant.avro.MirrorStatus;
import org.revenant.avro.RetractedDataset;
import org.revenant.avro.Severity;
import org.revenant.avro.SignatureKind;
import org.revenant.avro.SnapshotChunk;
import org.revenant.testkit.CloudEventRules;
import org.revenant.wire.Topics;

class RevenantTopologyTest {

    @TempDir
    Path stateDir;

    private final Topics topics = Topics.defaults();
    private TopologyTestDriver driver;
    private TestInputTopic<String, RetractedDataset> registry;
    private TestInputTopic<String, SnapshotChunk> snapshots;
    private TestOutputTopic<String, AlertEvent> alerts;
    private TestOutputTopic<String, AlertState> states;
    private TestOutputTopic<String, String> alertsJson;
    private TestInputTopic<String, AnalystDecision> decisions;

    @BeforeEach
    void start() {
        Properties props =
                RevenantStreams.properties(DetectConfig.defaults(topics), new Properties(), "topology-test", stateDir);
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
        states = driver.createOutputTopic(
                topics.alertState.name(),
                Serdes.String().deserializer(),
                topics.alertState.valueSerde().deserializer());
        alertsJson = driver.createOutputTopic(
                topics.alertsJson.name(),
                Serdes.String().deserializer(),
                Serdes.String().deserializer());
        decisions = driver.createInputTopic(
                topics.decisions.name(),
                Serdes.String().serializer(),
                topics.decisions.valueSerde().serializer());
        registry.pipeInput("ms-celeb-1m", Fixtures.msCeleb());
        registry.pipeInput("ms-celeb-1m-v1c", Fixtures.ms1mv1c());
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

    @Test
    void knownInfohashOpensConfirmedAlert() {
        publish(snapshot(torrent(MS_CELEB_BTIH), file("MS-Celeb-1M/README.md", 1160)));

        AlertEvent alert = alerts.readValue();
        assertEquals(AlertEventType.OPENED, alert.getEvent());
        assertEquals("ms-celeb-1m|torrent:" + MS_CELEB_BTIH, alert.getAlertKey());
        assertEquals(Severity.CONFIRMED, alert.getSeverity());
        assertEquals(1.0, alert.getConfidence());
        assertTrue(alert.getPostRetraction());
        assertEquals(SignatureKind.BTIH, alert.getEvidence().get(0).getKind());
        assertEquals(MS_CELEB_BTIH, alert.getEvidence().get(0).getSignature());
        assertTrue(alerts.isEmpty());
    }

    @Test
    void renamedFilesOfKnownSizesUnderNewInfohashOpenAlertWithFilesAsEvidence() {
        String reseeded = "0123456789abcdef0123456789abcdef01234567";
        publish(snapshot(
                torrent(reseeded),
                file("faces/part1.bin", ALIGNED_TSV),
                file("faces/part2.bin", CROPPED_TSV),
                file("faces/notes.txt", 1160)));

        AlertEvent alert = alerts.readValue();
        assertEquals(AlertEventType.OPENED, alert.getEvent());
        assertEquals("ms-celeb-1m", alert.getDatasetId());
        assertEquals(0.99, alert.getConfidence());
        assertEquals(Severity.CONFIRMED, alert.getSeverity());
        assertEquals(
                List.of("faces/part1.bin", "faces/part2.bin"),
                alert.getEvidence().stream().map(e -> e.getPath()).sorted().toList());
        assertTrue(alert.getEvidence().stream().allMatch(e -> e.getKind() == SignatureKind.FILE_SIZE));
    }

    @Test
    void oneRenamedFileOfKnownSizeIsLikely() {
        publish(snapshot(
                Fixtures.mirror("hf:datasets/someone/faces", MirrorStatus.PRESENT, Map.of()),
                file("data/train-00000.parquet", ALIGNED_TSV)));
        AlertEvent alert = alerts.readValue();
        assertEquals(Severity.LIKELY, alert.getSeverity());
        assertEquals(0.9, alert.getConfidence());
    }

    @Test
    void sameSnapshotPublishedTwiceYieldsOneAlert() {
        Mirror mirror = torrent(MS_CELEB_BTIH);
        publish(snapshot(mirror, file("a.tsv", ALIGNED_TSV)));
        publish(snapshot(mirror, file("a.tsv", ALIGNED_TSV)));
        assertEquals(1, alerts.readValuesToList().size());
    }

    @Test
    void unrelatedTorrentRaisesNothing() {
        publish(snapshot(
                torrent("463c4a35a4b3b19b7fd4d4ce4c8c1f0e6e4d3a2b"),
                file("cifar-10-batches-py/data_batch_1", 31_035_704),
                file("cifar-10-batches-py/test_batch", 31_035_526),
                file("cifar-10-batches-py/batches.meta", 158)));
        assertTrue(alerts.isEmpty());
        assertTrue(states.isEmpty());
    }

    @Test
    void contentHashesMatchWhateverTheFileIsCalled() {
        ManifestEntry archive = ManifestEntry.newBuilder()
                .setPath("x/renamed.tar.gz")
                .setSize(12L)
                .setMd5("C5B668F2204C400099B14F367069AEF5")
                .setKind(EntryKind.FILE)
                .build();
        publish(snapshot(Fixtures.mirror("ia:some-item", MirrorStatus.PRESENT, Map.of()), archive));
        AlertEvent alert = alerts.readValue();
        assertEquals("ms-celeb-1m-v1c", alert.getDatasetId());
        assertEquals("ms-celeb-1m", alert.getParentId());
        assertEquals("MS-Celeb-1M", alert.getParentName());
        assertEquals(SignatureKind.MD5, alert.getEvidence().get(0).getKind());
        assertEquals("x/renamed.tar.gz", alert.getEvidence().get(0).getPath());
    }

    @Test
    void everyContentHashKindMatches() {
        String sha256 = "a1".repeat(32);
        String sha1 = "b2".repeat(20);
        String blob = "c3".repeat(20);
        registry.pipeInput(
                "hashes",
                Fixtures.dataset(
                        "hashes",
                        "Hash set",
                        null,
                        "2020-01-01",
                        Fixtures.signature(SignatureKind.SHA256, sha256, null),
                        Fixtures.signature(SignatureKind.SHA1, sha1, null),
                        Fixtures.signature(SignatureKind.GIT_BLOB, blob, null),
                        Fixtures.signature(SignatureKind.BTIH, "d4".repeat(20), null)));
        List<ManifestEntry> byKind = List.of(
                ManifestEntry.newBuilder()
                        .setPath("lfs/data.parquet")
                        .setSize(9L)
                        .setLfsSha256(sha256)
                        .setKind(EntryKind.FILE)
                        .build(),
                ManifestEntry.newBuilder()
                        .setPath("x.bin")
                        .setSize(9L)
                        .setSha1(sha1.toUpperCase())
                        .setKind(EntryKind.FILE)
                        .build(),
                ManifestEntry.newBuilder()
                        .setPath("y.bin")
                        .setSize(9L)
                        .setGitBlobSha1(blob)
                        .setKind(EntryKind.FILE)
                        .build(),
                ManifestEntry.newBuilder()
                        .setPath("README.md#magnet")
                        .setKind(EntryKind.MAGNET_REF)
                        .setRef("d4".repeat(20))
                        .build());
        List<SignatureKind> expected =
                List.of(SignatureKind.SHA256, SignatureKind.SHA1, SignatureKind.GIT_BLOB, SignatureKind.BTIH);
        for (int i = 0; i < byKind.size(); i++) {
            publish(snapshot(Fixtures.mirror("github:someone/h" + i, MirrorStatus.PRESENT, Map.of()), byKind.get(i)));
            AlertEvent alert = alerts.readValue();
            assertEquals("hashes", alert.getDatasetId());
            assertEquals(expected.get(i), alert.getEvidence().get(0).getKind());
            assertEquals(Severity.CONFIRMED, alert.getSeverity());
        }
    }

    @Test
    void sameNameAndSizeMatchesAfterNormalization() {
        publish(snapshot(
                Fixtures.mirror("github:someone/lists", MirrorStatus.PRESENT, Map.of()),
                file("meta/TOP1M-MIDLIST name.TSV", 110_000_000L)));
        AlertEvent alert = alerts.readValue();
        assertEquals(SignatureKind.FILE_NAME_SIZE, alert.getEvidence().get(0).getKind());
        assertEquals(Severity.LIKELY, alert.getSeverity());
    }

    @Test
    void torrentFileInsideMirrorMatchesByItsInfohash() {
        ManifestEntry ref = ManifestEntry.newBuilder()
                .setPath("downloads/ms1m.torrent")
                .setSize(2_350_882L)
                .setKind(EntryKind.TORRENT_REF)
                .setRef(MS_CELEB_BTIH.toUpperCase())
                .build();
        publish(snapshot(Fixtures.mirror("github:someone/mirror", MirrorStatus.PRESENT, Map.of()), ref));
        AlertEvent alert = alerts.readValue();
        assertEquals(Severity.CONFIRMED, alert.getSeverity());
        assertEquals("downloads/ms1m.torrent", alert.getEvidence().get(0).getPath());
    }

    @Test
    void alertComesOnlyWhenTheLastChunkArrivesAndCountsEvidenceAcrossChunks() {
        List<ManifestEntry> entries = new ArrayList<>();
        IntStream.range(0, 4_500).forEach(i -> entries.add(file("img/" + i + ".jpg", 20_000 + i)));
        entries.set(10, file("big/one.tsv", ALIGNED_TSV));
        entries.set(4_400, file("big/two.tsv", CROPPED_TSV));
        List<SnapshotChunk> chunks = snapshot(torrent("1111111111111111111111111111111111111111"), 2000, entries);
        assertEquals(3, chunks.size());

        snapshots.pipeInput(chunks.get(0).getMirror().getKey(), chunks.get(0));
        snapshots.pipeInput(chunks.get(1).getMirror().getKey(), chunks.get(1));
        snapshots.pipeInput(chunks.get(1).getMirror().getKey(), chunks.get(1)); // redelivered
        assertTrue(alerts.isEmpty(), "no alert before the snapshot is complete");
        snapshots.pipeInput(chunks.get(2).getMirror().getKey(), chunks.get(2));

        List<AlertEvent> out = alerts.readValuesToList();
        assertEquals(1, out.size());
        assertEquals(2, out.get(0).getEvidence().size());
    }

    @Test
    void goneMirrorResolvesAndItsReturnReappears() {
        Mirror present = torrent(MS_CELEB_BTIH);
        publish(snapshot(present, file("a.tsv", ALIGNED_TSV)));
        Mirror gone = Mirror.newBuilder(present).setStatus(MirrorStatus.GONE).build();
        publish(snapshot(gone));
        publish(snapshot(present, file("a.tsv", ALIGNED_TSV)));

        List<AlertEvent> events = alerts.readValuesToList();
        assertEquals(
                List.of(AlertEventType.OPENED, AlertEventType.RESOLVED, AlertEventType.REAPPEARED),
                events.stream().map(AlertEvent::getEvent).toList());
        assertEquals(1, events.get(2).getReappearances());
        AlertState last = lastState();
        assertEquals(AlertStatus.OPEN, last.getStatus());
        assertEquals(1, last.getReappearances());
    }

    @Test
    void newEvidenceUpdatesAndStrongerEvidenceEscalates() {
        Mirror mirror = Fixtures.mirror("hf:datasets/x/y", MirrorStatus.PRESENT, Map.of());
        publish(snapshot(mirror, file("a", ALIGNED_TSV))); // 0.9 LIKELY
        publish(snapshot(mirror, file("a", ALIGNED_TSV), file("b", CROPPED_TSV))); // 0.99 CONFIRMED
        publish(snapshot(
                mirror,
                file("a", ALIGNED_TSV),
                file("b", CROPPED_TSV),
                file("Top1M_MidList.Name.tsv", 110_000_000L))); // new file, same severity
        assertEquals(
                List.of(AlertEventType.OPENED, AlertEventType.ESCALATED, AlertEventType.UPDATED),
                alerts.readValuesToList().stream().map(AlertEvent::getEvent).toList());
    }

    @Test
    void mirrorThatNoLongerMatchesResolves() {
        Mirror mirror = Fixtures.mirror("hf:datasets/x/y", MirrorStatus.PRESENT, Map.of());
        publish(snapshot(mirror, file("a", ALIGNED_TSV)));
        publish(snapshot(mirror, file("README.md", 10)));
        assertEquals(
                List.of(AlertEventType.OPENED, AlertEventType.RESOLVED),
                alerts.readValuesToList().stream().map(AlertEvent::getEvent).toList());
    }

    @Test
    void failedCrawlChangesNothing() {
        Mirror mirror = torrent(MS_CELEB_BTIH);
        publish(snapshot(mirror, file("a.tsv", ALIGNED_TSV)));
        alerts.readValuesToList();
        publish(snapshot(Mirror.newBuilder(mirror).setStatus(MirrorStatus.ERROR).build()));
        assertTrue(alerts.isEmpty());
    }

    @Test
    void aMirrorStatusFromANewerReleaseChangesNothing() {
        Mirror mirror = torrent(MS_CELEB_BTIH);
        publish(snapshot(mirror, file("a.tsv", ALIGNED_TSV)));
        alerts.readValuesToList();
        publish(snapshot(
                Mirror.newBuilder(mirror).setStatus(MirrorStatus.UNKNOWN).build()));
        assertTrue(alerts.isEmpty());
        publish(snapshot(Mirror.newBuilder(mirror).setStatus(MirrorStatus.GONE).build()));
        assertEquals(
                List.of(AlertEventType.RESOLVED),
                alerts.readValuesToList().stream().map(AlertEvent::getEvent).toList());
    }

    @Test
    void allowedMirrorNeverAlerts() {
        RetractedDataset withAllowList = RetractedDataset.newBuilder(Fixtures.msCeleb())
                .setAllowedMirrors(List.of("hf:datasets/legit/*"))
                .build();
        registry.pipeInput("ms-celeb-1m", withAllowList);
        publish(snapshot(
                Fixtures.mirror("hf:datasets/legit/copy", MirrorStatus.PRESENT, Map.of()), file("a", ALIGNED_TSV)));
        assertTrue(alerts.isEmpty());
        publish(snapshot(
                Fixtures.mirror("hf:datasets/other/copy", MirrorStatus.PRESENT, Map.of()), file("a", ALIGNED_TSV)));
        assertEquals(1, alerts.readValuesToList().size());
    }

    @Test
    void registrySeverityCapsWhatAMatchCanProve() {
        RetractedDataset unverified = RetractedDataset.newBuilder(Fixtures.dataset(
                        "glint360k",
                        "Glint360K",
                        "ms-celeb-1m",
                        null,
                        Fixtures.signature(SignatureKind.BTIH, "e5f46ee502b9e76da8cc3a0e4f7c17e4000c7b1e", null)))
                .setSeverity(Severity.POSSIBLE)
                .build();
        registry.pipeInput("glint360k", unverified);
        publish(snapshot(torrent("e5f46ee502b9e76da8cc3a0e4f7c17e4000c7b1e")));
        AlertEvent alert = alerts.readValue();
        assertEquals("glint360k", alert.getDatasetId());
        assertEquals(Severity.POSSIBLE, alert.getSeverity());
        assertEquals(1.0, alert.getConfidence());
    }

    @Test
    void datasetRemovedFromRegistryNoLongerMatches() {
        registry.pipeInput("ms-celeb-1m", (RetractedDataset) null);
        publish(snapshot(torrent(MS_CELEB_BTIH), file("a.tsv", ALIGNED_TSV)));
        assertTrue(alerts.isEmpty());
    }

    @Test
    void jsonProjectionCarriesTheDesignFields() throws Exception {
        publish(snapshot(torrent(MS_CELEB_BTIH), file("a.tsv", ALIGNED_TSV)));
        JsonNode json = new ObjectMapper().readTree(alertsJson.readValue());
        for (String field : List.of(
                "alertKey",
                "event",
                "datasetId",
                "datasetName",
                "mirrorKey",
                "platform",
                "mirrorUrl",
                "severity",
                "confidence",
                "postRetraction",
                "reappearances",
                "observedAt",
                "snapshotId",
                "evidence")) {
            assertTrue(json.has(field), field);
        }
        assertEquals("OPENED", json.get("event").asText());
        assertEquals("2026-11-22T00:00:00Z", json.get("observedAt").asText());
        assertEquals("BTIH", json.get("evidence").get(0).get("kind").asText());
        assertTrue(json.get("evidence").get(0).has("path"));
    }

    @Test
    void jsonProjectionCarriesTheCloudEventsKafkaBindingHeaders() throws Exception {
        publish(snapshot(torrent(MS_CELEB_BTIH), file("a.tsv", ALIGNED_TSV)));
        TestRecord<String, String> record = alertsJson.readRecord();
        Map<String, String> attributes = new LinkedHashMap<>();
        String contentType = null;
        for (Header header : record.headers()) {
            String value = new String(header.value(), StandardCharsets.UTF_8);
            if (header.key().startsWith("ce_")) {
                attributes.put(header.key().substring(3), value);
            } else if (header.key().equals("content-type")) {
                contentType = value;
            }
        }
        CloudEventRules.check(attributes);
        JsonNode json = new ObjectMapper().readTree(record.value());
        assertEquals(json.get("eventId").asText(), attributes.get("id"));
        assertEquals(json.get("alertKey").asText(), attributes.get("subject"));
        assertEquals("org.revenant.alert.opened", attributes.get("type"));
        assertEquals(
                "urn:revenant:" + topics.prefix().substring(0, topics.prefix().length() - 1), attributes.get("source"));
        assertEquals("2026-11-22T00:00:00Z", attributes.get("time"));
        assertEquals("application/json", contentType);
        assertEquals(
                List.of("ce_specversion", "ce_id", "ce_source", "ce_type", "ce_subject", "ce_time", "content-type"),
                Arrays.stream(record.headers().toArray()).map(Header::key).toList(),
                "only the binding's headers, once each: nothing inherited from the snapshot record");
    }

    @Test
    void alertStateTopicCarriesTheCurrentState() {
        publish(snapshot(torrent(MS_CELEB_BTIH), file("a.tsv", ALIGNED_TSV)));
        AlertState state = lastState();
        assertNotNull(state);
        assertEquals(AlertStatus.OPEN, state.getStatus());
        assertNull(state.getDecision());
    }

    // ---- analyst decisions -----------------------------------------------------------------

    private void decide(String alertKey, DecisionKind decision, String note) {
        decisions.pipeInput(
                alertKey,
                AnalystDecision.newBuilder()
                        .setAlertKey(alertKey)
                        .setDecision(decision)
                        .setNote(note)
                        .setBy("analyst")
                        .setAt(Instant.parse("2026-11-22T01:00:00Z"))
                        .build());
    }

    @Test
    void falsePositiveStaysSilentUntilItsEvidenceGrows() {
        Mirror mirror = Fixtures.mirror("hf:datasets/x/y", MirrorStatus.PRESENT, Map.of());
        publish(snapshot(mirror, file("a", ALIGNED_TSV)));
        String key = alerts.readValue().getAlertKey();

        decide(key, DecisionKind.FALSE_POSITIVE, "a benchmark of the same size");
        AlertEvent decided = alerts.readValue();
        assertEquals(AlertEventType.UPDATED, decided.getEvent());
        assertEquals(DecisionKind.FALSE_POSITIVE, decided.getDecision());
        assertEquals(AlertStatus.SUPPRESSED, lastState().getStatus());

        publish(snapshot(mirror, file("a", ALIGNED_TSV)));
        publish(Fixtures.snapshot(
                Mirror.newBuilder(mirror).setStatus(MirrorStatus.GONE).build()));
        publish(snapshot(mirror, file("a", ALIGNED_TSV)));
        assertTrue(alerts.isEmpty(), "same evidence: silent, even across a takedown");

        publish(snapshot(mirror, file("a", ALIGNED_TSV), file("b", CROPPED_TSV)));
        AlertEvent reopened = alerts.readValue();
        assertEquals(AlertEventType.ESCALATED, reopened.getEvent());
        assertEquals(AlertStatus.OPEN, lastState().getStatus());
    }

    @Test
    void aTakedownRequestStillOpenAfterTwoWeeksSendsOneReminder() {
        publish(snapshot(torrent(MS_CELEB_BTIH), file("a.tsv", ALIGNED_TSV)));
        String key = alerts.readValue().getAlertKey();
        Instant sent = Instant.now().minus(Duration.ofDays(15));
        decisions.pipeInput(
                key,
                AnalystDecision.newBuilder()
                        .setAlertKey(key)
                        .setDecision(DecisionKind.TAKEDOWN_REQUESTED)
                        .setBy("analyst")
                        .setAt(Instant.now())
                        .setReference("DMCA #4711")
                        .setRequestedAt(sent)
                        .build());
        AlertEvent decided = alerts.readValue();
        assertEquals("DMCA #4711", decided.getTakedownReference());
        assertEquals(sent.toEpochMilli(), decided.getTakedownRequestedAt().toEpochMilli());

        driver.advanceWallClockTime(Duration.ofMinutes(1));
        AlertEvent reminder = alerts.readValue();
        assertEquals(AlertEventType.TAKEDOWN_OVERDUE, reminder.getEvent());
        assertEquals("DMCA #4711", reminder.getTakedownReference());
        assertTrue(lastState().getTakedownOverdueNotified());

        driver.advanceWallClockTime(Duration.ofMinutes(5));
        assertTrue(alerts.isEmpty(), "one reminder per request");
    }

    @Test
    void aRecentTakedownRequestIsNotOverdue() {
        publish(snapshot(torrent(MS_CELEB_BTIH), file("a.tsv", ALIGNED_TSV)));
        String key = alerts.readValue().getAlertKey();
        decisions.pipeInput(
                key,
                AnalystDecision.newBuilder()
                        .setAlertKey(key)
                        .setDecision(DecisionKind.TAKEDOWN_REQUESTED)
                        .setBy("analyst")
                        .setAt(Instant.now())
                        .setReference("ticket 1")
                        .build());
        alerts.readValue();
        driver.advanceWallClockTime(Duration.ofMinutes(2));
        assertTrue(alerts.isEmpty());
    }

    @Test
    void confirmationIsRecordedOnTheAlertAndShownOnItsEvents() {
        publish(snapshot(torrent(MS_CELEB_BTIH), file("a.tsv", ALIGNED_TSV)));
        String key = alerts.readValue().getAlertKey();
        decide(key, DecisionKind.TAKEDOWN_REQUESTED, "DMCA sent");
        AlertEvent decided = alerts.readValue();
        assertEquals(DecisionKind.TAKEDOWN_REQUESTED, decided.getDecision());
        AlertState state = lastState();
        assertEquals(AlertStatus.OPEN, state.getStatus());
        assertEquals("DMCA sent", state.getDecisionNote());

        decide(key, DecisionKind.TAKEDOWN_REQUESTED, "DMCA sent");
        assertTrue(alerts.isEmpty(), "the same decision twice is one event");

        publish(Fixtures.snapshot(Mirror.newBuilder(torrent(MS_CELEB_BTIH))
                .setStatus(MirrorStatus.GONE)
                .build()));
        AlertEvent resolved = alerts.readValue();
        assertEquals(AlertEventType.RESOLVED, resolved.getEvent());
        assertEquals(DecisionKind.TAKEDOWN_REQUESTED, resolved.getDecision());
    }

    @Test
    void allowlistedMirrorNeverAlertsAgain() {
        Mirror mirror = Fixtures.mirror("hf:datasets/x/y", MirrorStatus.PRESENT, Map.of());
        publish(snapshot(mirror, file("a", ALIGNED_TSV)));
        decide(alerts.readValue().getAlertKey(), DecisionKind.ALLOWLISTED, "licensed research copy");
        alerts.readValue();
        publish(snapshot(mirror, file("a", ALIGNED_TSV), file("b", CROPPED_TSV)));
        assertTrue(alerts.isEmpty());
    }

    private void suppressUntil(String alertKey, DecisionKind decision, Instant until) {
        decisions.pipeInput(
                alertKey,
                AnalystDecision.newBuilder()
                        .setAlertKey(alertKey)
                        .setDecision(decision)
                        .setNote("looks like a benchmark")
                        .setBy("second-analyst")
                        .setAt(Instant.now())
                        .setUntil(until)
                        .build());
    }

    @Test
    void aSuppressionWithAnEndReturnsTheAlertWhenItLapsesIfItsEvidenceStillHolds() {
        Mirror mirror = Fixtures.mirror("hf:datasets/x/y", MirrorStatus.PRESENT, Map.of());
        publish(snapshot(mirror, file("a", ALIGNED_TSV)));
        String key = alerts.readValue().getAlertKey();
        Instant until = Instant.now().plus(Duration.ofMinutes(3));
        suppressUntil(key, DecisionKind.FALSE_POSITIVE, until);
        AlertEvent decided = alerts.readValue();
        assertEquals(until.toEpochMilli(), decided.getSuppressedUntil().toEpochMilli());
        assertEquals(AlertStatus.SUPPRESSED, lastState().getStatus());

        publish(snapshot(mirror, file("a", ALIGNED_TSV))); // re-crawled while suppressed: silent
        driver.advanceWallClockTime(Duration.ofMinutes(1));
        assertTrue(alerts.isEmpty(), "not yet");

        driver.advanceWallClockTime(Duration.ofMinutes(3));
        AlertEvent lapsed = alerts.readValue();
        assertEquals(AlertEventType.SUPPRESSION_LAPSED, lapsed.getEvent());
        assertNull(lapsed.getDecision());
        assertNull(lapsed.getSuppressedUntil());
        assertEquals(1, lapsed.getEvidence().size());
        AlertState open = lastState();
        assertEquals(AlertStatus.OPEN, open.getStatus());
        assertNull(open.getSuppressedUntil());

        driver.advanceWallClockTime(Duration.ofMinutes(5));
        publish(snapshot(mirror, file("a", ALIGNED_TSV)));
        assertTrue(alerts.isEmpty(), "told once; an open alert re-crawled unchanged stays quiet");
        publish(Fixtures.snapshot(
                Mirror.newBuilder(mirror).setStatus(MirrorStatus.GONE).build()));
        assertEquals(AlertEventType.RESOLVED, alerts.readValue().getEvent(), "and resolves like any open alert");
    }

    @Test
    void aSuppressionThatLapsesAfterTheMirrorWentAwayResolvesSilentlyAndAReturnIsAReappearance() {
        Mirror mirror = Fixtures.mirror("hf:datasets/x/y", MirrorStatus.PRESENT, Map.of());
        publish(snapshot(mirror, file("a", ALIGNED_TSV)));
        String key = alerts.readValue().getAlertKey();
        suppressUntil(key, DecisionKind.ALLOWLISTED, Instant.now().plus(Duration.ofMinutes(2)));
        alerts.readValue();
        publish(Fixtures.snapshot(
                Mirror.newBuilder(mirror).setStatus(MirrorStatus.GONE).build()));
        assertTrue(alerts.isEmpty());

        driver.advanceWallClockTime(Duration.ofMinutes(3));
        assertTrue(alerts.isEmpty(), "nothing holds: nothing to tell");
        AlertState resolved = lastState();
        assertEquals(AlertStatus.RESOLVED, resolved.getStatus());
        assertNull(resolved.getDecision());

        publish(snapshot(mirror, file("a", ALIGNED_TSV)));
        assertEquals(AlertEventType.REAPPEARED, alerts.readValue().getEvent());
    }

    @Test
    void aSuppressionWhoseMirrorStoppedMatchingResolvesSilentlyWhenItLapses() {
        Mirror mirror = Fixtures.mirror("hf:datasets/x/y", MirrorStatus.PRESENT, Map.of());
        publish(snapshot(mirror, file("a", ALIGNED_TSV)));
        String key = alerts.readValue().getAlertKey();
        suppressUntil(key, DecisionKind.FALSE_POSITIVE, Instant.now().plus(Duration.ofMinutes(2)));
        alerts.readValue();
        publish(snapshot(mirror, file("README.md", 10))); // still there, no longer the dataset
        driver.advanceWallClockTime(Duration.ofMinutes(3));
        assertTrue(alerts.isEmpty());
        assertEquals(AlertStatus.RESOLVED, lastState().getStatus());
    }

    @Test
    void aSuppressionWithoutAnEndNeverLapses() {
        Mirror mirror = Fixtures.mirror("hf:datasets/x/y", MirrorStatus.PRESENT, Map.of());
        publish(snapshot(mirror, file("a", ALIGNED_TSV)));
        decide(alerts.readValue().getAlertKey(), DecisionKind.FALSE_POSITIVE, null);
        alerts.readValue();
        driver.advanceWallClockTime(Duration.ofDays(400));
        assertTrue(alerts.isEmpty());
        assertEquals(AlertStatus.SUPPRESSED, lastState().getStatus());
    }

    @Test
    void decisionForAnUnknownAlertIsIgnored() {
        decide("ms-celeb-1m|github:nobody/nothing", DecisionKind.CONFIRMED, null);
        decide("not-an-alert-key", DecisionKind.CONFIRMED, null);
        assertTrue(alerts.isEmpty());
        assertTrue(states.isEmpty());
    }

    private AlertState lastState() {
        AlertState last = null;
        while (!states.isEmpty()) {
            last = states.readValue();
        }
        return last;
    }
}
