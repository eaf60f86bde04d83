package org.revenant.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.revenant.avro.AlertEvent;
import org.revenant.avro.ChangeKind;
import org.revenant.avro.EntryKind;
import org.revenant.avro.ManifestChange;
import org.revenant.avro.ManifestEntry;
import org.revenant.avro.Mirror;
import org.revenant.avro.MirrorStatus;
import org.revenant.avro.RetractedDataset;
import org.revenant.avro.Signature;
import org.revenant.avro.SignatureKind;
import org.revenant.avro.Source;
import org.revenant.detect.DetectConfig;
import org.revenant.detect.RevenantStreams;
import org.revenant.publish.RegistryPublisher;
import org.revenant.publish.SnapshotPublisher;
import org.revenant.testkit.KafkaBroker;
import org.revenant.wire.TopicSetup;
import org.revenant.wire.Topics;

/**
 * A 1,000,000-file mirror through the real topology with every producer capped at 1 MiB per
 * request: a single record over 1 MiB anywhere (snapshot chunks, changelogs, repartitions,
 * outputs) would fail the producer and this test with it.
 */
@Tag("broker")
@Timeout(600)
class MillionEntrySnapshotTest {

    @RegisterExtension
    static final KafkaBroker KAFKA = new KafkaBroker();

    static final int ENTRIES = 1_000_000;
    static final int ONE_MIB = 1024 * 1024;

    @TempDir
    Path dir;

    @Test
    void millionEntrySnapshotIsDiffedAndMatchedWithNoRecordOverOneMebibyte() throws Exception {
        String prefix = KafkaBroker.uniquePrefix("million") + ".";
        Topics topics = new Topics(prefix);
        TopicSetup.ensure(KAFKA.admin(), topics, 2, (short) 1);
        Properties client = new Properties();
        client.put("bootstrap.servers", KAFKA.bootstrapServers());
        RegistryPublisher.publish(
                client,
                topics,
                List.of(RetractedDataset.newBuilder()
                        .setId("big-set")
                        .setName("Big set")
                        .setRetractedOn("2020-01-01")
                        .setReasons(List.of("ethical"))
                        .setSources(List.of(new Source("test", "https://example.org")))
                        .setSignatures(List.of(
                                Signature.newBuilder()
                                        .setKind(SignatureKind.FILE_SIZE)
                                        .setSize(444_444_444_444L)
                                        .build(),
                                Signature.newBuilder()
                                        .setKind(SignatureKind.PATH_PATTERN)
                                        .setValue("^m\\.[0-9a-z_]+/\\d+-FaceId-\\d+\\.jpg$")
                                        .setMinCount(50)
                                        .build()))
                        .build()));

        Properties capped = new Properties();
        capped.putAll(client);
        capped.put(StreamsConfig.producerPrefix(ProducerConfig.MAX_REQUEST_SIZE_CONFIG), ONE_MIB);
        capped.put(StreamsConfig.consumerPrefix("session.timeout.ms"), 60_000);
        try (RevenantStreams streams =
                new RevenantStreams(DetectConfig.defaults(topics), capped, prefix + "detect", dir)) {
            streams.start();
            StandaloneCommand.awaitRunning(streams.kafkaStreams());

            List<ManifestEntry> entries = new ArrayList<>(ENTRIES);
            for (int i = 0; i < ENTRIES - 1; i++) {
                entries.add(ManifestEntry.newBuilder()
                        .setPath(String.format("m.%06x/%d-FaceId-%d.jpg", i / 100, i % 100, i % 7))
                        .setSize(10_000L + i % 5_000)
                        .setKind(EntryKind.FILE)
                        .build());
            }
            entries.add(ManifestEntry.newBuilder()
                    .setPath("archive/faces.tsv")
                    .setSize(444_444_444_444L)
                    .setKind(EntryKind.FILE)
                    .build());
            Mirror mirror = Mirror.newBuilder()
                    .setKey("http:big.example.org/faces")
                    .setPlatform("http")
                    .setLocator("big.example.org/faces")
                    .setStatus(MirrorStatus.PRESENT)
                    .build();

            Properties publisherProps = new Properties();
            publisherProps.putAll(client);
            publisherProps.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, ONE_MIB);
            long start = System.nanoTime();
            SnapshotPublisher.Published published;
            try (SnapshotPublisher publisher =
                    new SnapshotPublisher(publisherProps, topics, "million-test", prefix + "publisher")) {
                published = publisher.publish(mirror, entries, null, Instant.now());
            }
            entries = null;
            assertTrue(published.chunks() >= 500, "chunks of at most 2,000 entries: " + published.chunks());

            ManifestChange change = null;
            AlertEvent alert = null;
            Properties props = KAFKA.consumerProperties(prefix + "reader");
            try (KafkaConsumer<byte[], byte[]> consumer =
                    new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
                consumer.subscribe(List.of(topics.changes.name(), topics.alerts.name()));
                long deadline = System.nanoTime() + Duration.ofMinutes(8).toNanos();
                while ((change == null || alert == null) && System.nanoTime() < deadline) {
                    assertEquals(
                            KafkaStreams.State.RUNNING, streams.kafkaStreams().state(), "no record was too large");
                    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                        if (r.topic().equals(topics.changes.name())) {
                            change = topics.changes.deserializeValue(r.value());
                        } else {
                            alert = topics.alerts.deserializeValue(r.value());
                        }
                    }
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf("1,000,000-entry snapshot: published, diffed and alerted in %.1f s%n", seconds);
            assertTrue(change != null && alert != null, "diff and alert arrived");
            assertEquals(ChangeKind.APPEARED, change.getKind());
            assertEquals(ENTRIES, change.getAdded());
            assertEquals("big-set", alert.getDatasetId());
            assertEquals(2, alert.getEvidence().size(), "the exact size and the folder layout: " + alert.getEvidence());
        }
    }
}
