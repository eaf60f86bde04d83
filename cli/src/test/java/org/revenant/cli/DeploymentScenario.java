package org.revenant.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.revenant.testkit.KafkaBroker;
import org.revenant.wire.Topics;

/**
 * The end-to-end scenario a deployment must pass, written once and run against each broker
 * source (a subclass per source): topics created and the registry loaded by {@code registry load},
 * a snapshot in, the alert out (alert stream and HTTP API), the mirror gone and back again
 * (RESOLVED, REAPPEARED), and a poison pill parked in the DLQ while the app keeps going.
 */
@Tag("broker")
@Timeout(300)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class DeploymentScenario {

    static final ObjectMapper JSON = new ObjectMapper();

    Path dir;

    String prefix;
    Topics topics;
    RunningRevenant revenant;

    /** The broker this scenario runs against, registered by the subclass. */
    abstract KafkaBroker kafka();

    @BeforeAll
    void loadRegistryAndStart() throws Exception {
        dir = Files.createTempDirectory("revenant-deploy");
        prefix = KafkaBroker.uniquePrefix("deploy") + ".";
        topics = new Topics(prefix);
        String loaded = RunningRevenant.cli(kafka(), prefix, "registry", "load");
        assertTrue(loaded.contains("created topics: ") && loaded.contains(topics.registry.name()), loaded);
        assertTrue(loaded.matches("(?s).*loaded \\d+ dataset\\(s\\) from the bundled registry.*"), loaded);
        revenant = RunningRevenant.start(kafka(), topics, prefix + "detect", dir.resolve("state"), null);
        revenant.awaitRunning();
        RunningRevenant.await(
                Duration.ofSeconds(60),
                () -> revenant.streams.registry().current().size() >= 15,
                "registry in the app");
    }

    @AfterAll
    void stop() throws Exception {
        if (revenant != null) {
            revenant.close();
        }
        if (dir != null) {
            try (Stream<Path> paths = Files.walk(dir)) {
                paths.sorted(Comparator.reverseOrder())
                        .forEach(path -> path.toFile().delete());
            }
        }
    }

    @Test
    void snapshotInAlertOutThenGoneAndBackIsAReappearance() throws Exception {
        String locator = "mirror/faces-" + System.nanoTime();
        String alertKey = "ms-celeb-1m|github:" + locator;

        RunningRevenant.publishManifest(
                kafka(), prefix, dir, RunningRevenant.msCelebCopy(locator, "PRESENT", "faces", "celebrity faces"));
        JsonNode opened = awaitEvent(alertKey, "OPENED");
        assertEquals("CONFIRMED", opened.path("severity").asText(), opened.toString());
        assertEquals(List.of("data/aligned.tsv", "data/cropped.tsv"), paths(opened));

        RunningRevenant.publishManifest(
                kafka(), prefix, dir, RunningRevenant.msCelebCopy(locator, "GONE", "faces", "celebrity faces"));
        awaitEvent(alertKey, "RESOLVED");
        RunningRevenant.publishManifest(
                kafka(), prefix, dir, RunningRevenant.msCelebCopy(locator, "PRESENT", "faces", "celebrity faces"));
        JsonNode back = awaitEvent(alertKey, "REAPPEARED");
        assertEquals(1, back.path("reappearances").asInt(), back.toString());

        JsonNode viaApi = JSON.readTree(
                revenant.get("/api/alerts/" + alertKey.replace("|", "%7C")).body());
        assertEquals("OPEN", viaApi.path("state").asText(), viaApi.toString());
        List<String> timeline = new ArrayList<>();
        viaApi.path("timeline").forEach(e -> timeline.add(e.path("event").asText()));
        assertEquals(List.of("OPENED", "RESOLVED", "REAPPEARED"), timeline);
    }

    @Test
    void poisonPillIsParkedAndTheAppKeepsDetecting() throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(
                kafka().producerProperties(), new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(
                            topics.snapshots.name(), "github:bad/pill".getBytes(), "{not avro".getBytes()))
                    .get();
        }
        String locator = "after/pill-" + System.nanoTime();
        RunningRevenant.publishManifest(
                kafka(), prefix, dir, RunningRevenant.msCelebCopy(locator, "PRESENT", "x", "y"));
        awaitEvent("ms-celeb-1m|github:" + locator, "OPENED");
        assertEquals(KafkaStreams.State.RUNNING, revenant.streams.kafkaStreams().state());
        String parked = RunningRevenant.cli(
                kafka(), prefix, "alerts", "tail", "--from-beginning", "--format", "json", "--timeout", "1s");
        assertTrue(!parked.contains("bad/pill"), "the pill raised no alert: " + parked);
        RunningRevenant.await(
                Duration.ofSeconds(60),
                () -> {
                    List<String> dead = new ArrayList<>();
                    TopicContents.readToEnd(
                            kafka().adminProperties(), topics.dlq.name(), r -> dead.add(new String(r.value())));
                    return dead.contains("{not avro");
                },
                "the pill in " + topics.dlq.name());
    }

    /** Tails the public alert stream (JSON lines) until the event for the key shows up. */
    JsonNode awaitEvent(String alertKey, String event) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (System.nanoTime() < deadline) {
            String out = RunningRevenant.cli(
                    kafka(), prefix, "alerts", "tail", "--from-beginning", "--format", "json", "--timeout", "2s");
            for (String line : out.strip().split("\n")) {
                if (!line.isBlank()) {
                    JsonNode alert = JSON.readTree(line);
                    if (alert.path("alertKey").asText().equals(alertKey)
                            && alert.path("event").asText().equals(event)) {
                        return alert;
                    }
                }
            }
        }
        throw new AssertionError("no " + event + " for " + alertKey + " within 90 s");
    }

    private static List<String> paths(JsonNode alert) {
        List<String> paths = new ArrayList<>();
        alert.path("evidence").forEach(e -> paths.add(e.path("path").asText()));
        return paths.stream().sorted().toList();
    }
}
