package org.revenant.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.revenant.detect.DetectConfig;
import org.revenant.detect.RevenantStreams;
import org.revenant.testkit.KafkaBroker;
import org.revenant.wire.TopicSetup;
import org.revenant.wire.Topics;

/**
 * The walking skeleton through a real broker, driven through the CLI as a user would: registry
 * loaded from the repository's files, torrents published, alerts tailed as JSON.
 */
@Tag("broker")
@Timeout(180)
class TorrentToAlertEndToEndTest {

    @RegisterExtension
    static final KafkaBroker KAFKA = new KafkaBroker();

    @TempDir
    static Path dir;

    static String prefix;
    static Topics topics;
    static RevenantStreams streams;

    @BeforeAll
    static void startRevenant() throws Exception {
        prefix = KafkaBroker.uniquePrefix("e2e") + ".";
        topics = new Topics(prefix);
        TopicSetup.ensure(KAFKA.admin(), topics, 2, (short) 1);
        CliTest.Result load = cli("registry", "load", Path.of("..", "registry").toString());
        assertEquals(0, load.exit(), load.err());
        Properties client = new Properties();
        client.put("bootstrap.servers", KAFKA.bootstrapServers());
        streams = new RevenantStreams(DetectConfig.defaults(topics), client, prefix + "detect", dir.resolve("state"));
        streams.start();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (streams.kafkaStreams().state() != KafkaStreams.State.RUNNING && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertEquals(KafkaStreams.State.RUNNING, streams.kafkaStreams().state());
        assertTrue(
                streams.registry().current().size() >= 15,
                "bundled registry loaded: " + streams.registry().current().size());
    }

    @AfterAll
    static void stop() {
        if (streams != null) {
            streams.close();
        }
    }

    @Test
    void reseededRenamedCopyAlertsOnceAndUnrelatedTorrentDoesNot() throws Exception {
        Map<String, Long> files = new LinkedHashMap<>();
        files.put("faces/part-a.bin", 91_124_295_076L);
        files.put("faces/part-b.bin", 155_266_310_084L);
        files.put("faces/readme.txt", 1_160L);
        Path reseeded = write("reseeded.torrent", Bencode.torrent("celebrity-faces-2024", files));
        Path cifar = write(
                "cifar.torrent",
                Bencode.torrent(
                        "cifar-10-batches-py",
                        Map.of(
                                "data_batch_1",
                                31_035_704L,
                                "data_batch_2",
                                31_035_320L,
                                "test_batch",
                                31_035_526L,
                                "batches.meta",
                                158L)));

        CliTest.Result published = cli("snapshot", "torrent", reseeded.toString());
        assertEquals(0, published.exit(), published.err());
        assertTrue(published.out().contains("3 file(s)"), published.out());
        assertEquals(0, cli("snapshot", "torrent", cifar.toString()).exit());
        assertEquals(0, cli("snapshot", "torrent", reseeded.toString()).exit());

        CliTest.Result tail = cli("alerts", "tail", "--from-beginning", "--format", "json", "--timeout", "8s");
        assertEquals(0, tail.exit(), tail.err());
        List<JsonNode> alerts = new ArrayList<>();
        for (String line : tail.out().strip().split("\n")) {
            JsonNode alert = line.isBlank() ? null : new ObjectMapper().readTree(line);
            if (alert != null && alert.get("mirrorKey").asText().equals(reseededKey(published.out()))) {
                alerts.add(alert);
            }
        }
        assertEquals(1, alerts.size(), "one alert for the copy published twice: " + tail.out());
        assertTrue(!tail.out().contains("cifar"), "none for CIFAR: " + tail.out());
        JsonNode alert = alerts.get(0);
        assertEquals("OPENED", alert.get("event").asText());
        assertEquals("ms-celeb-1m", alert.get("datasetId").asText());
        assertTrue(alert.get("mirrorKey").asText().startsWith("torrent:"));
        List<String> paths = new ArrayList<>();
        alert.get("evidence").forEach(e -> paths.add(e.get("path").asText()));
        assertEquals(
                List.of("celebrity-faces-2024/faces/part-a.bin", "celebrity-faces-2024/faces/part-b.bin"),
                paths.stream().sorted().toList());
    }

    @Test
    void decisionMadeWithTheCliShowsInTheAlertStream() throws Exception {
        Path copy = write(
                "tiny.torrent", Bencode.torrent("tiny-images-copy", Map.of("data/tiny_images.bin", 243_615_796_224L)));
        assertEquals(0, cli("snapshot", "torrent", copy.toString()).exit());
        String key = awaitAlert("tiny-images-80m|", 60).get("alertKey").asText();

        CliTest.Result decided = cli("decide", key, "--false-positive", "--note", "checked: a different file");
        assertEquals(0, decided.exit(), decided.err());
        assertTrue(decided.out().contains("FALSE_POSITIVE"), decided.out());
        JsonNode update = awaitAlert(key, 60, "decision");
        assertEquals("UPDATED", update.get("event").asText());
        assertEquals("FALSE_POSITIVE", update.get("decision").asText());
    }

    /** Polls the alert stream until an alert whose key starts with the prefix (and has the field) shows up. */
    private static JsonNode awaitAlert(String keyPrefix, int seconds, String... fields) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
        while (System.nanoTime() < deadline) {
            CliTest.Result tail = cli("alerts", "tail", "--from-beginning", "--format", "json", "--timeout", "2s");
            for (String line : tail.out().strip().split("\n")) {
                if (line.isBlank()) {
                    continue;
                }
                JsonNode alert = new ObjectMapper().readTree(line);
                if (alert.get("alertKey").asText().startsWith(keyPrefix)
                        && Arrays.stream(fields).allMatch(alert::has)) {
                    return alert;
                }
            }
        }
        throw new AssertionError("no alert for " + keyPrefix + " within " + seconds + " s");
    }

    @Test
    void poisonPillGoesToTheDeadLetterQueueWithItsProvenance() throws Exception {
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(KAFKA.producerProperties(), new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(
                            topics.snapshots.name(), "torrent:bad".getBytes(), "{not avro".getBytes()))
                    .get();
        }
        Properties props = KAFKA.consumerProperties(prefix + "dlq-reader");
        props.put("auto.offset.reset", "earliest");
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topics.dlq.name()));
            ConsumerRecord<byte[], byte[]> dead = null;
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (dead == null && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if ("{not avro".equals(new String(r.value()))) {
                        dead = r;
                    }
                }
            }
            assertTrue(dead != null, "poison pill reached the DLQ");
            String headers = StreamSupport.stream(dead.headers().spliterator(), false)
                    .map(Header::key)
                    .collect(Collectors.joining(","));
            assertTrue(
                    headers.contains("topic") && headers.contains("offset") && headers.contains("exception"), headers);
        }
        assertEquals(KafkaStreams.State.RUNNING, streams.kafkaStreams().state(), "the app keeps running");
    }

    /** The mirror key from the publish summary ("... of torrent:<btih> (...)"). */
    private static String reseededKey(String summary) {
        int start = summary.indexOf("torrent:");
        return summary.substring(start, summary.indexOf(' ', start));
    }

    private static Path write(String name, byte[] bytes) throws Exception {
        return Files.write(dir.resolve(name), bytes);
    }

    static CliTest.Result cli(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--bootstrap-servers", KAFKA.bootstrapServers(), "--topic-prefix", prefix));
        return CliTest.run(all.toArray(String[]::new));
    }
}
