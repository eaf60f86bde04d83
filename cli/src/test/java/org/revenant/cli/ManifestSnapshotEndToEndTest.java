package org.revenant.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedWriter;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.revenant.avro.ManifestEntry;
import org.revenant.avro.SnapshotChunk;
import org.revenant.publish.SnapshotPublisher;
import org.revenant.testkit.KafkaBroker;
import org.revenant.wire.TopicSetup;
import org.revenant.wire.Topics;

/**
 * A manifest from a user's own crawler, published through the CLI to a real broker and read back
 * as a read_committed consumer would: every chunk of one snapshot, every entry in them.
 */
@Tag("broker")
@Timeout(120)
class ManifestSnapshotEndToEndTest {

    static final int FILES = 4_500;

    @RegisterExtension
    static final KafkaBroker KAFKA = new KafkaBroker();

    @TempDir
    static Path dir;

    static String prefix;
    static Topics topics;

    @BeforeAll
    static void createTopics() throws Exception {
        prefix = KafkaBroker.uniquePrefix("manifest-e2e") + ".";
        topics = new Topics(prefix);
        TopicSetup.ensure(KAFKA.admin(), topics, 2, (short) 1);
    }

    @Test
    void everyEntryArrivesInOneCommittedMultiChunkSnapshot() throws Exception {
        Map<String, ManifestEntry> written = new TreeMap<>();
        Path manifest = dir.resolve("hf-faces.json");
        try (BufferedWriter out = Files.newBufferedWriter(manifest)) {
            out.write("{\"mirror\": {\"platform\": \"hf\", \"locator\": \"datasets/someone/celeb-faces\",\n");
            out.write(
                    "            \"url\": \"https://huggingface.co/datasets/someone/celeb-faces\", \"title\": \"celeb-faces\"},\n");
            out.write(
                    " \"observedAt\": \"2026-11-22T00:00:00Z\",\n \"text\": \"Faces of 100K celebrities, MS1M-style layout.\",\n");
            out.write(" \"files\": [\n");
            for (int i = 0; i < FILES; i++) {
                String path = "m.0" + Integer.toString(i / 50, 36) + "/" + (i % 50) + "-FaceId-0.jpg";
                String sha256 = HexFormat.of().toHexDigits(i) + "0".repeat(56);
                long size = 10_000 + i;
                written.put(
                        path,
                        ManifestEntry.newBuilder()
                                .setPath(path)
                                .setSize(size)
                                .setSha256(sha256)
                                .build());
                out.write(String.format(
                        "  {\"path\": \"%s\", \"size\": %d, \"sha256\": \"%s\"}%s%n",
                        path, size, sha256.toUpperCase(), i + 1 < FILES ? "," : ""));
            }
            out.write(" ]}\n");
        }

        CliTest.Result published = cli("snapshot", "manifest", manifest.toString());

        assertEquals(0, published.exit(), published.err());
        List<SnapshotChunk> chunks = readSnapshot("hf:datasets/someone/celeb-faces");
        assertTrue(
                chunks.size() >= 3,
                FILES + " entries need at least 3 chunks of at most " + SnapshotPublisher.MAX_ENTRIES + ": "
                        + chunks.size());
        assertTrue(published.out().contains(chunks.size() + " chunk(s)"), published.out());
        assertTrue(published.out().contains(FILES + " file(s)"), published.out());
        assertEquals(
                Set.of(chunks.get(0).getSnapshotId()),
                chunks.stream().map(SnapshotChunk::getSnapshotId).collect(Collectors.toSet()));
        Map<String, ManifestEntry> arrived = new HashMap<>();
        for (int i = 0; i < chunks.size(); i++) {
            SnapshotChunk chunk = chunks.get(i);
            assertEquals(i, chunk.getChunkIndex());
            assertEquals(chunks.size(), chunk.getChunkCount());
            assertEquals(FILES, chunk.getTotalEntries());
            assertEquals(Instant.parse("2026-11-22T00:00:00Z"), chunk.getObservedAt());
            assertEquals("cli-manifest", chunk.getCrawler());
            assertEquals("celeb-faces", chunk.getMirror().getTitle());
            if (i == 0) {
                assertEquals("Faces of 100K celebrities, MS1M-style layout.", chunk.getText());
            } else {
                assertNull(chunk.getText());
            }
            chunk.getEntries().forEach(e -> arrived.put(e.getPath(), e));
        }
        assertEquals(written, new TreeMap<>(arrived), "every entry arrived once, hashes lower-cased");
    }

    @Test
    void directoryIsPublishedWithTheHashOfEveryFile() throws Exception {
        Path root = Files.createDirectories(dir.resolve("nas/ms1m-copy"));
        Files.writeString(root.resolve("README.md"), "abc");
        Files.createDirectories(root.resolve("faces"));
        Files.writeString(root.resolve("faces/0-FaceId-0.jpg"), "");

        CliTest.Result published = cli("snapshot", "dir", root.toString());

        assertEquals(0, published.exit(), published.err());
        Matcher summary = Pattern.compile(
                        "published snapshot \\S+ of (dir:\\S+) \\(ms1m-copy\\): 2 file\\(s\\), 3 bytes, 1 chunk\\(s\\)")
                .matcher(published.out());
        assertTrue(summary.find(), published.out());
        assertTrue(summary.group(1).endsWith(root.toRealPath().toString()), summary.group(1));
        List<SnapshotChunk> chunks = readSnapshot(summary.group(1));
        assertEquals(1, chunks.size());
        assertEquals("cli-dir", chunks.get(0).getCrawler());
        assertEquals(
                List.of(
                        "README.md:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
                        "faces/0-FaceId-0.jpg:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
                chunks.get(0).getEntries().stream()
                        .map(e -> e.getPath() + ":" + e.getSha256())
                        .toList());
    }

    @Test
    @Timeout(300)
    void aThousandMirrorsFromOneJsonLinesStreamArePublishedEachInItsOwnTransactionAndBadLinesFailOnlyThemselves()
            throws Exception {
        int mirrors = 1_000;
        StringBuilder stream = new StringBuilder();
        for (int i = 0; i < mirrors; i++) {
            stream.append(String.format(
                    "{\"mirror\": {\"platform\": \"http\", \"locator\": \"mirror-%04d.example.org/faces\", "
                            + "\"title\": \"m%d\"}, \"observedAt\": \"2026-11-22T00:00:00Z\", "
                            + "\"files\": [{\"path\": \"faces/%d.tsv\", \"size\": %d}]}\n",
                    i, i, i, 100 + i));
            if (i == 10) {
                stream.append(
                        "{\"mirror\": {\"platform\": \"http\", \"locator\": \"bad\", \"status\": \"UP\"}, \"files\": []}\n");
            } else if (i == 500) {
                stream.append("{\"mirror\": {\"platform\": \"http\",\n"); // a line cut short
            } else if (i == 700) {
                stream.append("\n   \n"); // blank lines are no manifests
            } else if (i == 900) {
                stream.append("[\"not\", \"a manifest\"]\n");
            }
        }
        InputStream stdin = System.in;
        CliTest.Result r;
        System.setIn(new ByteArrayInputStream(stream.toString().getBytes(StandardCharsets.UTF_8)));
        try {
            r = cli("snapshot", "manifest", "-");
        } finally {
            System.setIn(stdin);
        }

        assertEquals(1, r.exit(), "some lines were rejected: " + r.err());
        assertTrue(
                r.out()
                        .startsWith("published 1,000 mirror(s) (1,000 file(s)) to " + topics.snapshots.name()
                                + ", each in its own transaction; rejected 3;"),
                r.out());
        assertTrue(
                r.out().contains("rejected <stdin>: line 12, column 61: mirror.status: unknown value 'UP'"), r.out());
        assertTrue(
                r.out()
                        .contains(
                                "rejected <stdin>: line 503, column 32: mirror.platform: malformed JSON: Unexpected end-of-input"),
                r.out());
        assertTrue(
                r.out().contains("rejected <stdin>: line 906, column ")
                        && r.out().contains("a manifest is a JSON object"),
                r.out());
        assertTrue(r.err().contains("revenant: rejected <stdin>: line 12,"), r.err());

        Map<String, Set<String>> snapshotsByMirror = new HashMap<>();
        try (KafkaConsumer<String, SnapshotChunk> consumer = new KafkaConsumer<>(
                KAFKA.consumerProperties(prefix + "batch-reader"),
                new StringDeserializer(),
                topics.snapshots.valueSerde().deserializer())) {
            consumer.subscribe(List.of(topics.snapshots.name()));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (System.nanoTime() < deadline
                    && snapshotsByMirror.keySet().stream()
                                    .filter(k -> k.startsWith("http:"))
                                    .count()
                            < mirrors) {
                for (ConsumerRecord<String, SnapshotChunk> record : consumer.poll(Duration.ofMillis(200))) {
                    snapshotsByMirror
                            .computeIfAbsent(record.key(), k -> new HashSet<>())
                            .add(record.value().getSnapshotId());
                    if (record.key().startsWith("http:")) {
                        assertEquals(1, record.value().getChunkCount());
                    }
                }
            }
        }
        Set<String> published = snapshotsByMirror.keySet().stream()
                .filter(k -> k.startsWith("http:"))
                .collect(Collectors.toSet());
        assertEquals(mirrors, published.size(), "every good line became a committed snapshot");
        assertTrue(published.contains("http:mirror-0000.example.org/faces")
                && published.contains("http:mirror-0999.example.org/faces"));
        assertTrue(published.stream().noneMatch(k -> k.contains("bad")), "the rejected line published nothing");
        assertEquals(
                mirrors,
                published.stream()
                        .flatMap(k -> snapshotsByMirror.get(k).stream())
                        .distinct()
                        .count(),
                "one snapshot per mirror");
    }

    /** The chunks of one mirror key, in offset order, as a read_committed consumer sees them. */
    private static List<SnapshotChunk> readSnapshot(String mirrorKey) {
        List<SnapshotChunk> chunks = new ArrayList<>();
        try (KafkaConsumer<String, SnapshotChunk> consumer = new KafkaConsumer<>(
                KAFKA.consumerProperties(prefix + "reader"),
                new StringDeserializer(),
                topics.snapshots.valueSerde().deserializer())) {
            consumer.subscribe(List.of(topics.snapshots.name()));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (System.nanoTime() < deadline
                    && (chunks.isEmpty() || chunks.size() < chunks.get(0).getChunkCount())) {
                for (ConsumerRecord<String, SnapshotChunk> record : consumer.poll(Duration.ofMillis(200))) {
                    if (mirrorKey.equals(record.key())) {
                        chunks.add(record.value());
                    }
                }
            }
        }
        return chunks;
    }

    static CliTest.Result cli(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--bootstrap-servers", KAFKA.bootstrapServers(), "--topic-prefix", prefix));
        return CliTest.run(all.toArray(String[]::new));
    }
}
