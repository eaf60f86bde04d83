package org.revenant.detect.upgrade;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.revenant.avro.AlertEvent;
import org.revenant.avro.AlertEventType;
import org.revenant.avro.AlertState;
import org.revenant.avro.AlertStatus;
import org.revenant.avro.AssemblyState;
import org.revenant.avro.ChangeKind;
import org.revenant.avro.DecisionKind;
import org.revenant.avro.ManifestChange;
import org.revenant.avro.ManifestEntry;
import org.revenant.avro.RetractedDataset;
import org.revenant.avro.SnapshotChunk;
import org.revenant.detect.DetectConfig;
import org.revenant.detect.Fixtures;
import org.revenant.detect.RevenantStreams;
import org.revenant.detect.query.DetectionReads;
import org.revenant.detect.state.StateStores;
import org.revenant.health.Components;
import org.revenant.publish.SnapshotPublisher;
import org.revenant.testkit.KafkaBroker;
import org.revenant.wire.AvroSerdes;
import org.revenant.wire.TopicSetup;
import org.revenant.wire.Topics;

/**
 * Upgrading a deployment that holds manifests one record per entry (the release before paged
 * manifests, docs/decisions/014). The state that release wrote is put on the changelog topics:
 * {@code per-entry-layout.jsonl} holds every record of its detection stores after it was given
 * {@link UpgradeScenario}, written by that release itself (commit 98179fc, whose
 * {@code PerEntryLayoutFixtureWriter} ran the scenario through its topology and dumped the stores); this release restores it on a real broker and
 * goes on: no manifest, alert or decision is lost, no alert is opened twice, the snapshot that
 * was half received completes with the counts the old layout would have given, and every mirror
 * ends up paged, crawled again or not.
 */
@Tag("broker")
@Timeout(240)
class PerEntryLayoutUpgradeTest {

    @RegisterExtension
    static final KafkaBroker KAFKA = new KafkaBroker();

    @TempDir
    Path dir;

    @Test
    void theStateOfThePerEntryReleaseIsRestoredConvertedAndCarriedOn() throws Exception {
        String prefix = KafkaBroker.uniquePrefix("upgrade") + ".";
        Topics topics = new Topics(prefix);
        String appId = prefix + "detect";
        TopicSetup.ensure(KAFKA.admin(), topics, 1, (short) 1);
        List<JsonNode> fixture = fixture();
        String halfSnapshot = null;
        try (KafkaProducer<String, byte[]> changelogs =
                new KafkaProducer<>(KAFKA.producerProperties(), new StringSerializer(), new ByteArraySerializer())) {
            for (JsonNode line : fixture) {
                String store = line.get("store").asText();
                String topic = appId + "-" + store + "-changelog";
                byte[] value = Base64.getDecoder().decode(line.get("value").asText());
                if (store.equals(StateStores.ASSEMBLY)) {
                    halfSnapshot = AvroSerdes.of(AssemblyState.class)
                            .deserializer()
                            .deserialize(topic, value)
                            .getSnapshotId();
                }
                changelogs.send(new ProducerRecord<>(
                        topic,
                        0,
                        new String(Base64.getDecoder().decode(line.get("key").asText()), StandardCharsets.UTF_8),
                        value));
            }
        }
        assertNotNull(halfSnapshot, "the fixture holds the half-received snapshot");
        try (KafkaProducer<String, RetractedDataset> registry = new KafkaProducer<>(
                KAFKA.producerProperties(),
                new StringSerializer(),
                topics.registry.valueSerde().serializer())) {
            registry.send(new ProducerRecord<>(topics.registry.name(), "ms-celeb-1m", Fixtures.msCeleb()));
            registry.send(new ProducerRecord<>(topics.registry.name(), "ms-celeb-1m-v1c", Fixtures.ms1mv1c()));
        }

        try (RevenantStreams app = new RevenantStreams(
                DetectConfig.defaults(topics),
                KAFKA.adminProperties(),
                appId,
                dir.resolve("state"),
                org.revenant.detect.tap.DetectionTap.NONE,
                new Components())) {
            app.start();
            DetectionReads reads = new DetectionReads(new DetectionReads.StoreSource() {
                @Override
                public <V> ReadOnlyKeyValueStore<String, V> store(String name) {
                    return app.kafkaStreams()
                            .store(StoreQueryParameters.fromNameAndType(
                                    name, QueryableStoreTypes.<String, V>keyValueStore()));
                }
            });
            // Restored: what the old release held is readable before anything new arrives.
            AlertState decided = eventually(() ->
                    reads.alert(UpgradeScenario.DECIDED.getKey(), "ms-celeb-1m").orElse(null));
            assertEquals(DecisionKind.FALSE_POSITIVE, decided.getDecision());
            assertEquals("alice", decided.getDecidedBy());

            // The mirror nobody crawls again is converted by the punctuation, entries intact.
            eventually(() -> legacyEmpty(app) ? Boolean.TRUE : null);
            List<ManifestEntry> decidedFiles = reads.files(UpgradeScenario.DECIDED.getKey(), 1_000);
            assertEquals(UpgradeScenario.decidedFiles().size(), decidedFiles.size());
            assertEquals(
                    Fixtures.ALIGNED_TSV,
                    reads.file(UpgradeScenario.DECIDED.getKey(), "d/part-1.bin")
                            .orElseThrow()
                            .getSize());

            // The second chunk of the snapshot the old release had half received, as its publisher sent it.
            List<SnapshotChunk> second = Fixtures.snapshot(UpgradeScenario.HALF, 100, UpgradeScenario.halfSecond());
            SnapshotChunk rest = SnapshotChunk.newBuilder(second.get(1))
                    .setSnapshotId(halfSnapshot)
                    .build();
            try (KafkaProducer<String, SnapshotChunk> raw = new KafkaProducer<>(
                    KAFKA.producerProperties(),
                    new StringSerializer(),
                    topics.snapshots.valueSerde().serializer())) {
                raw.send(new ProducerRecord<>(topics.snapshots.name(), UpgradeScenario.HALF.getKey(), rest));
            }
            try (SnapshotPublisher publisher =
                    new SnapshotPublisher(KAFKA.adminProperties(), topics, "test", prefix + "tx")) {
                publisher.publish(UpgradeScenario.ALERTED, UpgradeScenario.alertedFiles(), null, Instant.now());
                List<ManifestEntry> fewer = new ArrayList<>(UpgradeScenario.decidedFiles());
                fewer.remove(fewer.size() - 1);
                publisher.publish(UpgradeScenario.DECIDED, fewer, null, Instant.now());
                publisher.publish(
                        Fixtures.mirror("github:upgrade/sentinel", org.revenant.avro.MirrorStatus.PRESENT, Map.of()),
                        List.of(Fixtures.file("x.txt", 1)),
                        null,
                        Instant.now());
            }

            Map<String, ManifestChange> changes = new HashMap<>();
            for (ConsumerRecord<String, byte[]> r :
                    KAFKA.readUntil(topics.changes.name(), prefix + "changes", rs -> rs.size() >= 3)) {
                ManifestChange change =
                        topics.changes.valueSerde().deserializer().deserialize(r.topic(), r.value());
                assertEquals(null, changes.put(change.getMirrorKey(), change), "one change per mirror");
            }
            ManifestChange half = changes.get(UpgradeScenario.HALF.getKey());
            assertEquals(ChangeKind.CHANGED, half.getKind());
            assertEquals(halfSnapshot, half.getSnapshotId());
            assertEquals(List.of(50L, 1L, 50L), List.of(half.getAdded(), half.getModified(), half.getRemoved()));
            ManifestChange fewer = changes.get(UpgradeScenario.DECIDED.getKey());
            assertEquals(List.of(0L, 0L, 1L), List.of(fewer.getAdded(), fewer.getModified(), fewer.getRemoved()));
            assertEquals(
                    ChangeKind.APPEARED, changes.get("github:upgrade/sentinel").getKind());
            assertFalse(changes.containsKey(UpgradeScenario.ALERTED.getKey()), "the unchanged mirror is unchanged");

            // No alert was opened again, and the decided one stayed silent.
            List<ConsumerRecord<String, byte[]>> events = readFor(topics.alerts.name(), prefix + "alerts");
            for (ConsumerRecord<String, byte[]> r : events) {
                AlertEvent event = topics.alerts.valueSerde().deserializer().deserialize(r.topic(), r.value());
                assertFalse(
                        event.getEvent() == AlertEventType.OPENED || event.getEvent() == AlertEventType.REAPPEARED,
                        "after the upgrade: " + event.getEvent() + " " + event.getAlertKey());
            }
            AlertState alerted =
                    reads.alert(UpgradeScenario.ALERTED.getKey(), "ms-celeb-1m").orElseThrow();
            assertEquals(AlertStatus.OPEN, alerted.getStatus());
            assertEquals(
                    DecisionKind.FALSE_POSITIVE,
                    reads.alert(UpgradeScenario.DECIDED.getKey(), "ms-celeb-1m")
                            .orElseThrow()
                            .getDecision());

            // Every manifest is there, paged, with the half-received snapshot's result.
            assertTrue(legacyEmpty(app));
            assertEquals(
                    250, reads.files(UpgradeScenario.ALERTED.getKey(), 1_000).size());
            assertEquals(
                    121, reads.files(UpgradeScenario.DECIDED.getKey(), 1_000).size());
            List<ManifestEntry> halfFiles = reads.files(UpgradeScenario.HALF.getKey(), 1_000);
            assertEquals(200, halfFiles.size());
            assertEquals(
                    99_999L,
                    reads.file(UpgradeScenario.HALF.getKey(), "c/f0005")
                            .orElseThrow()
                            .getSize());
            assertTrue(reads.file(UpgradeScenario.HALF.getKey(), "c/n0049").isPresent());
            assertTrue(reads.file(UpgradeScenario.HALF.getKey(), "c/f0150").isEmpty());
            assertEquals(KafkaStreams.State.RUNNING, app.kafkaStreams().state());
        }
    }

    private static boolean legacyEmpty(RevenantStreams app) {
        ReadOnlyKeyValueStore<String, Object> legacy = app.kafkaStreams()
                .store(StoreQueryParameters.fromNameAndType(
                        StateStores.MANIFEST_ENTRIES, QueryableStoreTypes.<String, Object>keyValueStore()));
        try (KeyValueIterator<String, Object> it = legacy.all()) {
            return !it.hasNext();
        }
    }

    private static <T> T eventually(Supplier<T> read) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (true) {
            try {
                T value = read.get();
                if (value != null) {
                    return value;
                }
            } catch (InvalidStateStoreException e) {
                // starting or restoring: ask again
            }
            assertTrue(System.nanoTime() < deadline, "not there in time");
            Thread.sleep(200);
        }
    }

    private static List<JsonNode> fixture() {
        List<JsonNode> lines = new ArrayList<>();
        ObjectMapper json = new ObjectMapper();
        try (InputStream in = PerEntryLayoutUpgradeTest.class.getResourceAsStream("per-entry-layout.jsonl")) {
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (!line.isBlank()) {
                    lines.add(json.readTree(line));
                }
            }
        } catch (java.io.IOException e) {
            throw new UncheckedIOException(e);
        }
        return lines;
    }

    /** Everything on the topic now (the changes read before were committed in the same transactions). */
    private static List<ConsumerRecord<String, byte[]>> readFor(String topic, String group) {
        List<ConsumerRecord<String, byte[]>> seen = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(
                KAFKA.consumerProperties(group), new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            long until = System.nanoTime() + Duration.ofSeconds(3).toNanos();
            while (System.nanoTime() < until) {
                consumer.poll(Duration.ofMillis(200)).forEach(seen::add);
            }
        }
        return seen;
    }
}
