package org.revenant.cli;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.revenant.avro.AlertEvent;
import org.revenant.avro.EntryKind;
import org.revenant.avro.ManifestEntry;
import org.revenant.avro.Mirror;
import org.revenant.avro.MirrorStatus;
import org.revenant.avro.RetractedDataset;
import org.revenant.avro.Signature;
import org.revenant.avro.SignatureKind;
import org.revenant.avro.Source;
import org.revenant.publish.RegistryPublisher;
import org.revenant.publish.SnapshotPublisher;
import org.revenant.testkit.KafkaBroker;
import org.revenant.wire.Topics;

/**
 * A steady stream of mirrors for crash tests: a one-dataset registry whose signature is one exact
 * file size, and mirrors of 301 files each, one of them that size, so every mirror must raise
 * exactly one OPENED alert. Reads topics back whole to count what came out.
 */
final class KnownSizeMirrors {

    static final long KNOWN_SIZE = 555_555_555_555L;

    private final KafkaBroker kafka;
    private final Topics topics;
    private final Properties client = new Properties();

    KnownSizeMirrors(KafkaBroker kafka, Topics topics) {
        this.kafka = kafka;
        this.topics = topics;
        client.put("bootstrap.servers", kafka.bootstrapServers());
    }

    void loadRegistry() {
        RegistryPublisher.publish(
                client,
                topics,
                List.of(RetractedDataset.newBuilder()
                        .setId("known-size-set")
                        .setName("Known size test set")
                        .setRetractedOn("2020-01-01")
                        .setReasons(List.of("ethical"))
                        .setSources(List.of(new Source("test", "https://example.org")))
                        .setSignatures(List.of(Signature.newBuilder()
                                .setKind(SignatureKind.FILE_SIZE)
                                .setSize(KNOWN_SIZE)
                                .build()))
                        .build()));
    }

    /** Publishes {@code count} mirrors {@code github:<locatorPrefix><i>}, one every ~15 ms. */
    Thread publishInBackground(String locatorPrefix, int count) {
        Thread publisher = new Thread(() -> publish(locatorPrefix, count), "publisher");
        publisher.start();
        return publisher;
    }

    private void publish(String locatorPrefix, int count) {
        try (SnapshotPublisher publisher = new SnapshotPublisher(client, topics, "test", "test-" + System.nanoTime())) {
            for (int i = 0; i < count; i++) {
                String locator = locatorPrefix + i;
                Mirror mirror = Mirror.newBuilder()
                        .setKey("github:" + locator)
                        .setPlatform("github")
                        .setLocator(locator)
                        .setStatus(MirrorStatus.PRESENT)
                        .build();
                List<ManifestEntry> entries = new ArrayList<>();
                for (int f = 0; f < 300; f++) {
                    entries.add(ManifestEntry.newBuilder()
                            .setPath("files/" + f + ".dat")
                            .setSize(1_000L + f)
                            .setKind(EntryKind.FILE)
                            .build());
                }
                entries.add(ManifestEntry.newBuilder()
                        .setPath("big/archive.bin")
                        .setSize(KNOWN_SIZE)
                        .setKind(EntryKind.FILE)
                        .build());
                publisher.publish(mirror, entries, null, Instant.now());
                Thread.sleep(15);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Polls the alert topic until it holds {@code count} alerts or the time is up; returns what it holds. */
    List<AlertEvent> awaitAlerts(int count, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<AlertEvent> alerts = alerts();
        while (alerts.size() < count && System.nanoTime() < deadline) {
            Thread.sleep(500);
            alerts = alerts();
        }
        return alerts;
    }

    List<AlertEvent> alerts() {
        return readAll(topics.alerts.name()).stream()
                .map(topics.alerts::deserializeValue)
                .toList();
    }

    /** Every committed record value of a topic, from the beginning to its current end. */
    List<byte[]> readAll(String topic) {
        Properties props = kafka.consumerProperties(KafkaBroker.uniquePrefix("reader"));
        List<byte[]> values = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            var end = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    values.add(r.value());
                }
            }
        }
        return values;
    }
}
