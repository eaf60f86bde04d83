package org.revenant.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
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
import org.revenant.wire.TopicSetup;
import org.revenant.wire.Topics;

/**
 * Exactly-once across a crash: the streams app runs in its own JVM, is killed hard (SIGKILL)
 * while snapshots are flowing, and is started again on the same state directory. Every mirror
 * must end with exactly one OPENED alert: no duplicate from reprocessing, no gap from lost work.
 */
@Tag("broker")
@Timeout(300)
class ExactlyOnceRestartTest {

    @RegisterExtension
    static final KafkaBroker KAFKA = new KafkaBroker();

    static final int MIRRORS = 240;
    static final long KNOWN_SIZE = 555_555_555_555L;

    @TempDir
    Path dir;

    private final List<Process> processes = new ArrayList<>();

    @AfterEach
    void stopProcesses() throws InterruptedException {
        for (Process p : processes) {
            p.destroy();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
    }

    @Test
    void hardKillMidStreamLosesAndDuplicatesNothing() throws Exception {
        String prefix = KafkaBroker.uniquePrefix("eos") + ".";
        Topics topics = new Topics(prefix);
        TopicSetup.ensure(KAFKA.admin(), topics, 3, (short) 1);
        Properties client = new Properties();
        client.put("bootstrap.servers", KAFKA.bootstrapServers());
        RegistryPublisher.publish(client, topics, List.of(RetractedDataset.newBuilder()
                .setId("eos-set").setName("EOS test set").setRetractedOn("2020-01-01")
                .setSources(List.of(new Source("test", "https://example.org")))
                .setSignatures(List.of(Signature.newBuilder().setKind(SignatureKind.FILE_SIZE).setSize(KNOWN_SIZE).build()))
                .build()));

        Path state = dir.resolve("state");
        Process first = startStreams(prefix, state);

        Thread publisher = new Thread(() -> publishAll(client, topics), "publisher");
        publisher.start();
        awaitAlerts(topics, MIRRORS / 4, Duration.ofSeconds(120));
        first.destroyForcibly();                     // SIGKILL: no close, no commit
        assertTrue(first.waitFor(30, TimeUnit.SECONDS));
        int beforeRestart = readAlerts(topics).size();
        assertTrue(beforeRestart < MIRRORS, "killed while work remained (" + beforeRestart + " alerts so far)");

        startStreams(prefix, state);
        publisher.join(120_000);
        List<AlertEvent> alerts = awaitAlerts(topics, MIRRORS, Duration.ofSeconds(150));
        Thread.sleep(3_000);                          // anything reprocessed twice would show up by now
        alerts = readAlerts(topics);

        Map<String, Integer> perKey = new HashMap<>();
        Set<String> eventIds = new HashSet<>();
        for (AlertEvent alert : alerts) {
            perKey.merge(alert.getAlertKey(), 1, Integer::sum);
            assertTrue(eventIds.add(alert.getEventId()), "duplicate event " + alert.getEventId());
            assertEquals("OPENED", alert.getEvent().name());
        }
        assertEquals(MIRRORS, perKey.size(), "every mirror alerted (no gap)");
        assertTrue(perKey.values().stream().allMatch(n -> n == 1), "exactly one alert per mirror: " + perKey);

        Map<String, Integer> appeared = new HashMap<>();
        for (byte[] bytes : readAll(topics.changes.name())) {
            var change = topics.changes.deserializeValue(bytes);
            appeared.merge(change.getMirrorKey() + " " + change.getKind(), 1, Integer::sum);
        }
        assertEquals(MIRRORS, appeared.size(), "one manifest change per mirror: " + appeared.keySet());
        assertTrue(appeared.entrySet().stream().allMatch(e -> e.getKey().endsWith("APPEARED") && e.getValue() == 1),
                "each mirror APPEARED exactly once: " + appeared);
    }

    private void publishAll(Properties client, Topics topics) {
        try (SnapshotPublisher publisher = new SnapshotPublisher(client, topics, "eos-test", "eos-test-" + System.nanoTime())) {
            for (int i = 0; i < MIRRORS; i++) {
                String locator = "eos/m" + i;
                Mirror mirror = Mirror.newBuilder().setKey("github:" + locator).setPlatform("github").setLocator(locator)
                        .setStatus(MirrorStatus.PRESENT).build();
                List<ManifestEntry> entries = new ArrayList<>();
                for (int f = 0; f < 300; f++) {
                    entries.add(ManifestEntry.newBuilder().setPath("files/" + f + ".dat").setSize(1_000L + f).setKind(EntryKind.FILE).build());
                }
                entries.add(ManifestEntry.newBuilder().setPath("big/archive.bin").setSize(KNOWN_SIZE).setKind(EntryKind.FILE).build());
                publisher.publish(mirror, entries, null, Instant.now());
                Thread.sleep(15);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private Process startStreams(String prefix, Path state) throws Exception {
        // A short session lets the restarted app take over from the killed one without waiting 45 s.
        Path clientConfig = java.nio.file.Files.writeString(dir.resolve("client.properties"),
                "session.timeout.ms=6000\nheartbeat.interval.ms=1500\n");
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Main.class.getName(), "streams",
                "--bootstrap-servers", KAFKA.bootstrapServers(), "--command-config", clientConfig.toString(),
                "--topic-prefix", prefix,
                "--application-id", prefix + "detect", "--state-dir", state.toString())
                .redirectErrorStream(true);
        Process process = builder.start();
        processes.add(process);
        CountDownLatch running = new CountDownLatch(1);
        StringBuffer output = new StringBuffer();
        Thread reader = new Thread(() -> {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = out.readLine()) != null; ) {
                    output.append(line).append('\n');
                    if (line.contains("is running")) {
                        running.countDown();
                    }
                }
            } catch (Exception e) {
                // the process was killed
            }
        }, "streams-output");
        reader.setDaemon(true);
        reader.start();
        assertTrue(running.await(120, TimeUnit.SECONDS), () -> "streams app did not start:\n" + output);
        return process;
    }

    private List<AlertEvent> awaitAlerts(Topics topics, int count, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<AlertEvent> alerts = readAlerts(topics);
        while (alerts.size() < count && System.nanoTime() < deadline) {
            Thread.sleep(500);
            alerts = readAlerts(topics);
        }
        return alerts;
    }

    private static List<AlertEvent> readAlerts(Topics topics) {
        return readAll(topics.alerts.name()).stream().map(topics.alerts::deserializeValue).toList();
    }

    /** Every committed record value of a topic, from the beginning to its current end. */
    private static List<byte[]> readAll(String topic) {
        Properties props = KAFKA.consumerProperties(KafkaBroker.uniquePrefix("reader"));
        List<byte[]> values = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            var partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new org.apache.kafka.common.TopicPartition(p.topic(), p.partition())).toList();
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
