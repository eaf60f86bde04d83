package org.revenant.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.revenant.detect.Fixtures.MS_CELEB_BTIH;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.revenant.avro.AlertEvent;
import org.revenant.avro.AlertEventType;
import org.revenant.avro.RetractedDataset;
import org.revenant.avro.SnapshotChunk;
import org.revenant.deadletter.DeadLetters;
import org.revenant.detect.tap.DetectionTap;
import org.revenant.health.Component;
import org.revenant.health.ComponentState;
import org.revenant.health.Components;
import org.revenant.publish.SnapshotPublisher;
import org.revenant.testkit.KafkaBroker;
import org.revenant.wire.TopicSetup;
import org.revenant.wire.Topics;

/**
 * The reported poison, for real: a registry record with a null infohash, one with a broken regex
 * and a chunk claiming 2^31-1 chunks are on the topics before the app starts. It comes up RUNNING,
 * dead-letters all three with their provenance, still alerts on a valid snapshot, and comes up
 * RUNNING again on the same state directory.
 */
@Tag("broker")
@Timeout(240)
class HostileRecordsOnBrokerTest {

    @RegisterExtension
    static final KafkaBroker KAFKA = new KafkaBroker();

    @TempDir
    Path dir;

    @Test
    void poisonRegistryRecordsAndAnAbsurdChunkAreDeadLetteredAndTheAppStaysRunningAcrossARestart() throws Exception {
        String prefix = KafkaBroker.uniquePrefix("hostile") + ".";
        Topics topics = new Topics(prefix);
        TopicSetup.ensure(KAFKA.admin(), topics, 1, (short) 1);
        try (KafkaProducer<String, RetractedDataset> registry = new KafkaProducer<>(
                        KAFKA.producerProperties(),
                        new StringSerializer(),
                        topics.registry.valueSerde().serializer());
                KafkaProducer<String, SnapshotChunk> snapshots = new KafkaProducer<>(
                        KAFKA.producerProperties(),
                        new StringSerializer(),
                        topics.snapshots.valueSerde().serializer())) {
            registry.send(new ProducerRecord<>(topics.registry.name(), "ms-celeb-1m", Fixtures.msCeleb()));
            registry.send(
                    new ProducerRecord<>(topics.registry.name(), "poison", HostileInputTest.nullInfohash("poison")));
            registry.send(new ProducerRecord<>(
                    topics.registry.name(), "bad-regex", HostileInputTest.brokenRegex("bad-regex")));
            SnapshotChunk absurd = SnapshotChunk.newBuilder(Fixtures.snapshot(
                                    Fixtures.torrent("0123456789abcdef0123456789abcdef01234567"),
                                    Fixtures.file("x.bin", 10))
                            .get(0))
                    .setChunkIndex(2147483646)
                    .setChunkCount(2147483647)
                    .build();
            snapshots.send(new ProducerRecord<>(
                    topics.snapshots.name(), absurd.getMirror().getKey(), absurd));
            registry.flush();
            snapshots.flush();
        }

        Path state = dir.resolve("state");
        Properties client = KAFKA.adminProperties();
        Components components = new Components();
        try (RevenantStreams app = new RevenantStreams(
                DetectConfig.defaults(topics), client, prefix + "detect", state, DetectionTap.NONE, components)) {
            app.start();
            awaitRunning(app);

            try (SnapshotPublisher publisher =
                    new SnapshotPublisher(KAFKA.adminProperties(), topics, "test", prefix + "tx")) {
                publisher.publish(
                        Fixtures.torrent(MS_CELEB_BTIH),
                        List.of(Fixtures.file("MS-Celeb-1M/README.md", 1160)),
                        null,
                        Instant.now());
            }
            List<ConsumerRecord<String, byte[]>> alerts =
                    KAFKA.readUntil(topics.alerts.name(), prefix + "alerts", rs -> !rs.isEmpty());
            AlertEvent alert = topics.alerts
                    .valueSerde()
                    .deserializer()
                    .deserialize(topics.alerts.name(), alerts.get(0).value());
            assertEquals(AlertEventType.OPENED, alert.getEvent());
            assertEquals("ms-celeb-1m|torrent:" + MS_CELEB_BTIH, alert.getAlertKey());

            List<ConsumerRecord<String, byte[]>> letters =
                    KAFKA.readUntil(topics.dlq.name(), prefix + "dlq", rs -> rs.size() >= 3);
            Map<String, String> byTopic = new TreeMap<>();
            for (ConsumerRecord<String, byte[]> letter : letters) {
                byTopic.merge(
                        header(letter, DeadLetters.TOPIC),
                        letter.key() + "@" + header(letter, DeadLetters.PARTITION) + "/"
                                + header(letter, DeadLetters.OFFSET),
                        (a, b) -> a + "," + b);
            }
            assertEquals(
                    Map.of(
                            topics.registry.name(),
                            "poison@0/1,bad-regex@0/2",
                            topics.snapshots.name(),
                            absurd().getMirror().getKey() + "@0/0"),
                    byTopic);
            assertEquals(1, app.deadLetteredChunks());
            assertEquals(2, app.skippedRegistryRecords());
            assertEquals(KafkaStreams.State.RUNNING, app.kafkaStreams().state());
            assertEquals(ComponentState.UP, component(components, "streams").state());
            assertTrue(
                    component(components, "registry").snapshot().reason().startsWith("2 registry record(s) skipped"),
                    component(components, "registry").snapshot().reason());
        }

        Components again = new Components();
        try (RevenantStreams app = new RevenantStreams(
                DetectConfig.defaults(topics), client, prefix + "detect", state, DetectionTap.NONE, again)) {
            app.start();
            awaitRunning(app);
            assertEquals(2, app.skippedRegistryRecords());
            assertEquals(ComponentState.UP, component(again, "streams").state());
            assertEquals(ComponentState.DEGRADED, component(again, "registry").state());
        }
    }

    private static SnapshotChunk absurd() {
        return Fixtures.snapshot(
                        Fixtures.torrent("0123456789abcdef0123456789abcdef01234567"), Fixtures.file("x.bin", 10))
                .get(0);
    }

    private static Component component(Components components, String name) {
        return components.register(name, false);
    }

    private static void awaitRunning(RevenantStreams app) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (app.kafkaStreams().state() != KafkaStreams.State.RUNNING) {
            assertTrue(
                    System.nanoTime() < deadline,
                    "not RUNNING: " + app.kafkaStreams().state());
            assertTrue(app.kafkaStreams().state() != KafkaStreams.State.ERROR, "streams went to ERROR");
            Thread.sleep(100);
        }
    }

    private static String header(ConsumerRecord<?, ?> record, String name) {
        var h = record.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
