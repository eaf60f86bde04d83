package org.revenant.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.revenant.detect.Fixtures.MS_CELEB_BTIH;
import static org.revenant.detect.Fixtures.file;
import static org.revenant.detect.Fixtures.snapshot;
import static org.revenant.detect.Fixtures.torrent;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.IntStream;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.revenant.avro.AlertEvent;
import org.revenant.avro.AlertEventType;
import org.revenant.avro.AnalystDecision;
import org.revenant.avro.AssemblyState;
import org.revenant.avro.DecisionKind;
import org.revenant.avro.ManifestEntry;
import org.revenant.avro.Mirror;
import org.revenant.avro.MirrorRecord;
import org.revenant.avro.MirrorStatus;
import org.revenant.avro.RetractedDataset;
import org.revenant.avro.Signature;
import org.revenant.avro.SignatureKind;
import org.revenant.avro.SnapshotChunk;
import org.revenant.deadletter.DeadLetters;
import org.revenant.detect.decide.DecisionApplier;
import org.revenant.detect.match.ChunkLimits;
import org.revenant.detect.registry.RegistryView;
import org.revenant.detect.state.StateStores;
import org.revenant.detect.tap.DetectionTap;
import org.revenant.wire.Topics;

/** Hostile records on every input: each is set aside with its reason, and detection carries on. */
class HostileInputTest {

    private static final String OTHER_BTIH = "0123456789abcdef0123456789abcdef01234567";

    @TempDir
    Path stateDir;

    private final Topics topics = Topics.defaults();
    private final RegistryView view = new RegistryView();
    private final List<ProducerRecord<byte[], byte[]>> registryDeadLetters =
            Collections.synchronizedList(new ArrayList<>());
    private final List<String> tapped = Collections.synchronizedList(new ArrayList<>());
    private TopologyTestDriver driver;
    private TestInputTopic<String, RetractedDataset> registry;
    private TestInputTopic<String, SnapshotChunk> snapshots;
    private TestInputTopic<String, AnalystDecision> decisions;
    private TestInputTopic<String, byte[]> rawDecisions;
    private TestOutputTopic<String, AlertEvent> alerts;
    private TestOutputTopic<byte[], byte[]> dlq;

    @BeforeEach
    void start() {
        Properties props =
                RevenantStreams.properties(DetectConfig.defaults(topics), new Properties(), "hostile-test", stateDir);
        props.put("bootstrap.servers", "unused:9092");
        DetectionTap tap = new DetectionTap() {
            @Override
            public void registryRecordSkipped(String key, String reason) {
                tapped.add("registry " + key + ": " + reason);
            }

            @Override
            public void deadLettered(String sourceTopic, String reason) {
                tapped.add("dlq " + sourceTopic + ": " + reason);
            }
        };
        driver = new TopologyTestDriver(
                RevenantTopology.build(DetectConfig.defaults(topics), view, tap, registryDeadLetters::add), props);
        registry = driver.createInputTopic(
                topics.registry.name(),
                Serdes.String().serializer(),
                topics.registry.valueSerde().serializer());
        snapshots = driver.createInputTopic(
                topics.snapshots.name(),
                Serdes.String().serializer(),
                topics.snapshots.valueSerde().serializer());
        decisions = driver.createInputTopic(
                topics.decisions.name(),
                Serdes.String().serializer(),
                topics.decisions.valueSerde().serializer());
        rawDecisions = driver.createInputTopic(
                topics.decisions.name(),
                Serdes.String().serializer(),
                Serdes.ByteArray().serializer());
        alerts = driver.createOutputTopic(
                topics.alerts.name(),
                Serdes.String().deserializer(),
                topics.alerts.valueSerde().deserializer());
        dlq = driver.createOutputTopic(
                topics.dlq.name(),
                Serdes.ByteArray().deserializer(),
                Serdes.ByteArray().deserializer());
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    static RetractedDataset withSignature(String id, Signature signature) {
        return Fixtures.dataset(id, id, null, "2020-01-01", signature);
    }

    static RetractedDataset nullInfohash(String id) {
        return withSignature(
                id,
                Signature.newBuilder()
                        .setKind(SignatureKind.BTIH)
                        .setValue(null)
                        .build());
    }

    static RetractedDataset brokenRegex(String id) {
        return withSignature(
                id,
                Signature.newBuilder()
                        .setKind(SignatureKind.PATH_PATTERN)
                        .setValue("faces/(unclosed")
                        .setMinCount(1)
                        .build());
    }

    private void publish(List<SnapshotChunk> chunks) {
        for (SnapshotChunk chunk : chunks) {
            snapshots.pipeInput(chunk.getMirror().getKey(), chunk);
        }
    }

    private static String header(Headers headers, String name) {
        Header h = headers.lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    private void assertMsCelebStillAlerts(String btih) {
        publish(snapshot(
                torrent(btih), file("faces/a.tsv", Fixtures.ALIGNED_TSV), file("faces/b.tsv", Fixtures.CROPPED_TSV)));
        List<AlertEvent> events = alerts.readValuesToList();
        assertEquals(1, events.size(), events.toString());
        assertEquals(AlertEventType.OPENED, events.get(0).getEvent());
        assertEquals("ms-celeb-1m", events.get(0).getDatasetId());
    }

    @Test
    void infohashWithoutValueIsSkippedAndDeadLetteredWhileOtherDatasetsKeepMatching() {
        registry.pipeInput("ms-celeb-1m", Fixtures.msCeleb());
        registry.pipeInput("poison", nullInfohash("poison"));

        assertEquals(1, view.current().size());
        assertEquals(
                Map.of("poison", "signature 1 (BTIH): missing required field 'value'"),
                view.current().skipped());
        assertEquals(1, registryDeadLetters.size());
        ProducerRecord<byte[], byte[]> letter = registryDeadLetters.get(0);
        assertEquals(topics.dlq.name(), letter.topic());
        assertEquals("poison", new String(letter.key(), StandardCharsets.UTF_8));
        assertEquals(
                nullInfohash("poison"),
                topics.registry.valueSerde().deserializer().deserialize(topics.registry.name(), letter.value()));
        assertEquals(topics.registry.name(), header(letter.headers(), DeadLetters.TOPIC));
        assertEquals("0", header(letter.headers(), DeadLetters.PARTITION));
        assertEquals("1", header(letter.headers(), DeadLetters.OFFSET));
        assertTrue(header(letter.headers(), DeadLetters.MESSAGE).contains("missing required field 'value'"));
        assertTrue(
                tapped.contains("registry poison: signature 1 (BTIH): missing required field 'value'"),
                tapped.toString());

        assertMsCelebStillAlerts(MS_CELEB_BTIH);
    }

    @Test
    void pathPatternThatDoesNotCompileIsSkippedAndDeadLetteredWhileOtherDatasetsKeepMatching() {
        registry.pipeInput("bad-regex", brokenRegex("bad-regex"));
        registry.pipeInput("ms-celeb-1m", Fixtures.msCeleb());

        assertEquals(1, view.current().size());
        assertTrue(view.current()
                .skipped()
                .get("bad-regex")
                .startsWith("signature 1 (PATH_PATTERN): regex does not compile"));
        assertEquals(1, registryDeadLetters.size());
        assertEquals("0", header(registryDeadLetters.get(0).headers(), DeadLetters.OFFSET));

        assertMsCelebStillAlerts(OTHER_BTIH);
    }

    @Test
    void laterValidVersionOfASkippedRecordReplacesItAndATombstoneRemovesIt() {
        registry.pipeInput("ms-celeb-1m", nullInfohash("ms-celeb-1m"));
        assertEquals(0, view.current().size());
        registry.pipeInput("ms-celeb-1m", Fixtures.msCeleb());
        assertEquals(1, view.current().size());
        assertTrue(view.current().skipped().isEmpty());

        registry.pipeInput("poison", brokenRegex("poison"));
        assertEquals(1, view.current().skipped().size());
        registry.pipeInput("poison", (RetractedDataset) null);
        assertTrue(view.current().skipped().isEmpty());
        assertMsCelebStillAlerts(MS_CELEB_BTIH);
    }

    @Test
    void invalidVersionOfADatasetLeavesItsOpenAlertsAloneUntilAValidVersionReturns() {
        registry.pipeInput("ms-celeb-1m", Fixtures.msCeleb());
        driver.advanceWallClockTime(Duration.ofSeconds(2));
        publish(snapshot(torrent(MS_CELEB_BTIH), file("a.tsv", Fixtures.ALIGNED_TSV)));
        assertEquals(AlertEventType.OPENED, alerts.readValue().getEvent());

        registry.pipeInput("ms-celeb-1m", nullInfohash("ms-celeb-1m"));
        driver.advanceWallClockTime(Duration.ofSeconds(2));
        publish(snapshot(torrent(MS_CELEB_BTIH), file("a.tsv", Fixtures.ALIGNED_TSV)));
        driver.advanceWallClockTime(Duration.ofSeconds(2));
        assertTrue(alerts.isEmpty(), "no RESOLVED while the registry record is invalid");

        registry.pipeInput("ms-celeb-1m", (RetractedDataset) null);
        driver.advanceWallClockTime(Duration.ofSeconds(2));
        assertEquals(AlertEventType.RESOLVED, alerts.readValue().getEvent(), "a tombstone does remove it");
    }

    @Test
    void decisionWithNullFieldsIsNamedNotThrown() {
        AnalystDecision empty = new AnalystDecision();
        assertEquals("alert key is missing or longer than 2048 characters", DecisionApplier.violation(empty));
        empty.setAlertKey("ms-celeb-1m|torrent:x");
        assertEquals("decision without a kind", DecisionApplier.violation(empty));
        empty.setDecision(DecisionKind.CONFIRMED);
        assertEquals("'by' is missing or longer than 256 characters", DecisionApplier.violation(empty));
        empty.setBy("analyst");
        empty.setAt(Instant.EPOCH);
        empty.setUntil(Instant.EPOCH);
        assertEquals("'until' goes with FALSE_POSITIVE and ALLOWLISTED only", DecisionApplier.violation(empty));
        empty.setDecision(DecisionKind.ALLOWLISTED);
        assertNull(DecisionApplier.violation(empty));
    }

    @Test
    void recordKeyedUnderAnotherDatasetsIdIsSkipped() {
        registry.pipeInput("ms-celeb-1m", Fixtures.msCeleb());
        registry.pipeInput("ms-celeb-1m-copy", Fixtures.msCeleb());
        assertEquals(1, view.current().size());
        assertEquals(
                "record key 'ms-celeb-1m-copy' is not the dataset id 'ms-celeb-1m'",
                view.current().skipped().get("ms-celeb-1m-copy"));
    }

    @Test
    void absurdChunkIndexGoesToTheDeadLetterTopicWithItsProvenanceAndWritesNoState() {
        registry.pipeInput("ms-celeb-1m", Fixtures.msCeleb());
        Mirror mirror = torrent(OTHER_BTIH);
        SnapshotChunk absurd = SnapshotChunk.newBuilder(
                        snapshot(mirror, file("x.bin", 10)).get(0))
                .setChunkIndex(2147483646)
                .setChunkCount(2147483647)
                .build();
        snapshots.pipeInput(mirror.getKey(), absurd);

        TestRecord<byte[], byte[]> letter = dlq.readRecord();
        assertEquals(mirror.getKey(), new String(letter.key(), StandardCharsets.UTF_8));
        assertEquals(
                absurd,
                topics.snapshots.valueSerde().deserializer().deserialize(topics.snapshots.name(), letter.value()));
        assertEquals(topics.snapshots.name(), header(letter.headers(), DeadLetters.TOPIC));
        assertEquals("0", header(letter.headers(), DeadLetters.PARTITION));
        assertEquals("0", header(letter.headers(), DeadLetters.OFFSET));
        assertEquals(
                "org.revenant.detect.guard.RejectedRecordException", header(letter.headers(), DeadLetters.EXCEPTION));
        assertEquals(
                "snapshot chunk rejected: chunk count 2147483647 is not in [1, " + ChunkLimits.MAX_CHUNK_COUNT + "]",
                header(letter.headers(), DeadLetters.MESSAGE));
        assertTrue(dlq.isEmpty());
        KeyValueStore<String, AssemblyState> assemblies = driver.getKeyValueStore(StateStores.ASSEMBLY);
        assertNull(assemblies.get(mirror.getKey()));
        assertTrue(
                tapped.stream().anyMatch(t -> t.startsWith("dlq " + topics.snapshots.name() + ": chunk count")),
                tapped.toString());

        assertMsCelebStillAlerts(OTHER_BTIH);
    }

    @Test
    void chunkIndexBeyondItsCountIsDeadLettered() {
        Mirror mirror = torrent(OTHER_BTIH);
        snapshots.pipeInput(
                mirror.getKey(),
                SnapshotChunk.newBuilder(snapshot(mirror, file("x.bin", 10)).get(0))
                        .setChunkIndex(5)
                        .setChunkCount(3)
                        .build());
        assertEquals(
                "snapshot chunk rejected: chunk index 5 is not in [0, 3)",
                header(dlq.readRecord().headers(), DeadLetters.MESSAGE));
    }

    @Test
    void enormousEntryListAndOverlongPathAreDeadLetteredAndNothingIsStored() {
        registry.pipeInput("ms-celeb-1m", Fixtures.msCeleb());
        Mirror mirror = torrent(OTHER_BTIH);
        List<ManifestEntry> many = IntStream.range(0, ChunkLimits.MAX_ENTRIES_PER_CHUNK + 1)
                .mapToObj(i -> file("f/" + i, 1))
                .toList();
        snapshots.pipeInput(
                mirror.getKey(),
                snapshot(mirror, ChunkLimits.MAX_ENTRIES_PER_CHUNK + 1, many).get(0));
        assertTrue(header(dlq.readRecord().headers(), DeadLetters.MESSAGE)
                .contains((ChunkLimits.MAX_ENTRIES_PER_CHUNK + 1) + " entries"));

        String longPath = "a/".repeat(ChunkLimits.MAX_PATH) + "x.tsv";
        publish(snapshot(mirror, file(longPath, Fixtures.ALIGNED_TSV)));
        assertTrue(header(dlq.readRecord().headers(), DeadLetters.MESSAGE)
                .contains("entry 0: path is missing or longer than 4096"));
        assertTrue(alerts.isEmpty());
        KeyValueStore<String, MirrorRecord> mirrors = driver.getKeyValueStore(StateStores.MANIFEST_MIRRORS);
        assertNull(mirrors.get(mirror.getKey()));

        assertMsCelebStillAlerts(OTHER_BTIH);
    }

    @Test
    void mirrorKeyWithANulCannotReachAnotherMirrorsManifest() {
        registry.pipeInput("ms-celeb-1m", Fixtures.msCeleb());
        Mirror victim = torrent(OTHER_BTIH);
        publish(snapshot(victim, file("notes.txt", 10)));
        Mirror intruder = Fixtures.mirror(victim.getKey() + "\u0000x", MirrorStatus.PRESENT, Map.of());
        publish(snapshot(intruder, file("a.tsv", Fixtures.ALIGNED_TSV), file("b.tsv", Fixtures.CROPPED_TSV)));
        assertEquals(
                "snapshot chunk rejected: mirror key contains a NUL character",
                header(dlq.readRecord().headers(), DeadLetters.MESSAGE));

        publish(snapshot(victim, file("notes.txt", 10)));
        assertTrue(alerts.isEmpty(), "nothing alerts: the intruder was rejected, the victim holds only its notes.txt");
    }

    @Test
    void hugeReadmeAndDescriptionAreCutInStateNotRejected() {
        registry.pipeInput("ms-celeb-1m", Fixtures.msCeleb());
        Mirror mirror = Mirror.newBuilder(torrent(OTHER_BTIH))
                .setDescription("д".repeat(100_000))
                .build();
        SnapshotChunk chunk = SnapshotChunk.newBuilder(snapshot(
                                mirror,
                                file("faces/a.tsv", Fixtures.ALIGNED_TSV),
                                file("faces/b.tsv", Fixtures.CROPPED_TSV))
                        .get(0))
                .setText("数".repeat(400_000))
                .build();
        snapshots.pipeInput(mirror.getKey(), chunk);

        assertTrue(dlq.isEmpty());
        assertEquals(AlertEventType.OPENED, alerts.readValue().getEvent());
        KeyValueStore<String, MirrorRecord> mirrors = driver.getKeyValueStore(StateStores.MANIFEST_MIRRORS);
        MirrorRecord stored = mirrors.get(mirror.getKey());
        assertNotNull(stored);
        assertTrue(stored.getText().getBytes(StandardCharsets.UTF_8).length <= ChunkLimits.MAX_TEXT_BYTES);
        assertTrue(stored.getText().length() > 80_000, "cut, not dropped");
        assertEquals(
                ChunkLimits.MAX_DESCRIPTION, stored.getMirror().getDescription().length());
    }

    @Test
    void decisionsWithGarbageKeysGoToTheDeadLetterTopicAndValidOnesStillApply() {
        registry.pipeInput("ms-celeb-1m", Fixtures.msCeleb());
        publish(snapshot(torrent(MS_CELEB_BTIH), file("a.tsv", Fixtures.ALIGNED_TSV)));
        assertEquals(AlertEventType.OPENED, alerts.readValue().getEvent());

        decisions.pipeInput("k", decision("no-bar-here"));
        decisions.pipeInput("k", decision("ms-celeb-1m|" + "x".repeat(1_000_000)));
        decisions.pipeInput("k", decision("|"));
        // Undecodable bytes are the deserialization handler's (its dead letters are checked on a real broker).
        rawDecisions.pipeInput("k", new byte[] {(byte) 0xC3, 0x01, 1, 2, 3});
        decisions.pipeInput("k", (AnalystDecision) null);
        List<TestRecord<byte[], byte[]>> letters = dlq.readRecordsToList();
        assertEquals(
                3,
                letters.size(),
                letters.stream()
                        .map(l -> header(l.headers(), DeadLetters.MESSAGE))
                        .toList()
                        .toString());
        assertEquals(
                "decision rejected: alert key is not <datasetId>|<mirrorKey>",
                header(letters.get(0).headers(), DeadLetters.MESSAGE));
        assertTrue(header(letters.get(1).headers(), DeadLetters.MESSAGE).contains("longer than 2048"));
        assertEquals(topics.decisions.name(), header(letters.get(2).headers(), DeadLetters.TOPIC));
        assertEquals("2", header(letters.get(2).headers(), DeadLetters.OFFSET));

        // A well-formed key in another script is only an unknown alert; the real one still takes decisions.
        decisions.pipeInput("k", decision("датасет|github:用户/数据集"));
        decisions.pipeInput("k", decision("ms-celeb-1m|torrent:" + MS_CELEB_BTIH));
        assertTrue(dlq.isEmpty());
        AlertEvent updated = alerts.readValue();
        assertEquals(AlertEventType.UPDATED, updated.getEvent());
        assertEquals(DecisionKind.CONFIRMED, updated.getDecision());
        assertTrue(alerts.isEmpty());
    }

    private static AnalystDecision decision(String alertKey) {
        return AnalystDecision.newBuilder()
                .setAlertKey(alertKey)
                .setDecision(DecisionKind.CONFIRMED)
                .setBy("analyst")
                .setAt(Instant.parse("2026-11-23T00:00:00Z"))
                .build();
    }
}
