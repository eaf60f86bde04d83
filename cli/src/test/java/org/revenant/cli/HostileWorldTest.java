package org.revenant.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.revenant.avro.AnalystDecision;
import org.revenant.avro.DecisionKind;
import org.revenant.avro.EntryKind;
import org.revenant.avro.ManifestEntry;
import org.revenant.avro.Mirror;
import org.revenant.avro.MirrorStatus;
import org.revenant.avro.RetractedDataset;
import org.revenant.avro.Signature;
import org.revenant.avro.SignatureKind;
import org.revenant.avro.SnapshotChunk;
import org.revenant.platforms.Platforms;
import org.revenant.registry.RegistryLoader;
import org.revenant.testkit.CrawlYaml;
import org.revenant.wire.Topics;

/**
 * The hostile world, end to end, as a user runs it: {@code revenant standalone} in a JVM of its
 * own, with a webhook and a crawler watching a repository built to stall it; then poison written
 * straight to every topic Revenant consumes (garbage, truncated Avro, an unknown schema, records
 * that decode but break the rules). Afterwards a valid snapshot must still alert and reach the
 * webhook, the poison must be in the DLQ with where it came from, {@code /health} must say what
 * happened, and a restart on the same data directory must come up and keep detecting.
 */
@Tag("real-broker")
class HostileWorldTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Topics TOPICS = Topics.defaults();
    private static final Duration PROMPTLY = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    private final List<Map<String, String>> deliveries = new CopyOnWriteArrayList<>();

    @Test
    @Timeout(value = 6, unit = TimeUnit.MINUTES)
    void poisonOnEveryTopicLeavesRevenantDetectingDeliveringAndHonest() throws Exception {
        HttpServer receiver = webhookReceiver();
        try (PlatformServer github = new PlatformServer();
                AutoCloseable stopReceiver = () -> receiver.stop(0)) {
            serveStallingRepository(github);
            Path config = Files.writeString(
                    dir.resolve("crawl.yaml"),
                    CrawlYaml.only(
                            Platforms.names(),
                            Map.of("github", "apiUrl: " + github.base() + "\ndiscover: false\nrepos: [evil/attrs]")));
            Path hooks = Files.writeString(
                    dir.resolve("hooks.yaml"),
                    "webhooks:\n  - name: intake\n    url: http://127.0.0.1:"
                            + receiver.getAddress().getPort()
                            + "/hook\n    format: json\n    secret: hostile-world\n    allowPrivate: true\n    attempts: 2\n"
                            + "    backoff: 100ms\n    timeout: 5s\n");
            int kafkaPort = RunningRevenant.freePort();
            Path data = dir.resolve("data");

            Standalone first = Standalone.start(data, kafkaPort, config, hooks);
            try {
                first.awaitRunning();
                String bootstrap = "localhost:" + kafkaPort;
                Map<String, Long> poison = writePoison(bootstrap);

                // Detection goes on: a valid snapshot of a mirror with a non-Latin name alerts and is delivered.
                publish(bootstrap, "датасет", "first");
                JsonNode alert = awaitAlert(first, "http:датасет");
                assertEquals("CONFIRMED", alert.path("severity").asText(), alert.toString());
                Map<String, String> delivered = awaitDelivery("http:датасет");
                String key = delivered.get("idempotency-key");
                assertTrue(key != null && key.chars().allMatch(c -> c > 0x20 && c < 0x7f), "header-safe key: " + key);

                // The poison is in the DLQ, each with the topic, partition and offset it came from, and why.
                Map<String, List<Map<String, String>>> dlq = dlqBySourceTopic(bootstrap, poison.size());
                for (Map.Entry<String, Long> p : poison.entrySet()) {
                    String topic = p.getKey().substring(0, p.getKey().indexOf('@'));
                    long offset = p.getValue();
                    List<Map<String, String>> fromTopic = dlq.getOrDefault(topic, List.of());
                    assertTrue(
                            fromTopic.stream()
                                    .anyMatch(h -> Long.toString(offset).equals(offsetOf(h)) && reasonOf(h) != null),
                            "dead letter for " + p.getKey() + " at offset " + offset + "; DLQ from " + topic + ": "
                                    + fromTopic);
                }

                // The crawler got through the repository built to stall it, and recorded it.
                RunningRevenant.await(
                        PROMPTLY, () -> checkpointFor(bootstrap, "evil/attrs"), "a checkpoint for evil/attrs");

                // /health tells the truth: detection runs, the skipped registry records are named.
                JsonNode health = health(first.httpPort);
                assertNotEquals("DOWN", health.path("status").asText(), health.toString());
                assertEquals("UP", component(health, "streams").path("state").asText(), health.toString());
                JsonNode registry = component(health, "registry");
                assertEquals("DEGRADED", registry.path("state").asText(), health.toString());
                assertTrue(registry.path("reason").asText().contains("skipped"), registry.toString());
                assertTrue(
                        first.tail().contains("'poison-null-btih'")
                                && first.tail().contains("'poison-bad-regex'"),
                        first.tail());
                assertEquals("DEGRADED", health.path("status").asText(), health.toString());
            } finally {
                first.stop();
            }

            // A restart on the same data directory comes up clean and keeps detecting and delivering.
            Standalone second = Standalone.start(data, kafkaPort, config, hooks);
            try {
                second.awaitRunning();
                JsonNode health = health(second.httpPort);
                assertEquals("UP", component(health, "streams").path("state").asText(), health.toString());
                assertNotEquals("DOWN", health.path("status").asText(), health.toString());
                awaitAlert(second, "http:датасет");
                publish("localhost:" + kafkaPort, "второй", "second");
                awaitAlert(second, "http:второй");
                awaitDelivery("http:второй");
                assertFalse(second.output.toString().contains("Exception in thread"), second.output.toString());

                // Recovery as the README says: list what the topic holds (unreadable records named, not fatal),
                // remove the invalid datasets, and the registry is healthy again.
                String bootstrap = "localhost:" + kafkaPort;
                CliTest.Result list = CliTest.run("registry", "list", "--bootstrap-servers", bootstrap);
                assertEquals(0, list.exit(), list.out() + list.err());
                assertTrue(
                        list.out().contains("ms-celeb-1m") && list.err().contains("unreadable registry record"),
                        list.out() + list.err());
                CliTest.Result removed = CliTest.run(
                        "registry", "remove", "poison-null-btih", "poison-bad-regex", "--bootstrap-servers", bootstrap);
                assertEquals(0, removed.exit(), removed.out() + removed.err());
                await(
                        () -> {
                            try {
                                return "UP"
                                        .equals(component(health(second.httpPort), "registry")
                                                .path("state")
                                                .asText());
                            } catch (IOException e) {
                                return false;
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                                return false;
                            }
                        },
                        "the registry component UP after removing the invalid datasets",
                        second);
            } finally {
                second.stop();
            }
        }
    }

    /** Writes every kind of poison; returns "topic@n" → the offset it was written at. */
    private Map<String, Long> writePoison(String bootstrap) throws Exception {
        Map<String, Long> written = new LinkedHashMap<>();
        RetractedDataset nullBtih = dataset(
                "poison-null-btih",
                Signature.newBuilder()
                        .setKind(SignatureKind.BTIH)
                        .setValue(null)
                        .build());
        RetractedDataset badRegex = dataset(
                "poison-bad-regex",
                Signature.newBuilder()
                        .setKind(SignatureKind.PATH_PATTERN)
                        .setValue("([a-z]+")
                        .setMinCount(1)
                        .build());
        byte[] validDataset = TOPICS.registry
                .valueSerde()
                .serializer()
                .serialize(
                        TOPICS.registry.name(),
                        dataset(
                                "poison-truncated",
                                Signature.newBuilder()
                                        .setKind(SignatureKind.FILE_NAME)
                                        .setValue("x.bin")
                                        .build()));
        SnapshotChunk absurd = chunk("http:absurd-chunk", 2147483646, 2147483647, List.of());
        List<ManifestEntry> enormous = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            enormous.add(ManifestEntry.newBuilder()
                    .setPath("f/" + i)
                    .setSize((long) i)
                    .setKind(EntryKind.FILE)
                    .build());
        }
        SnapshotChunk flood = chunk("http:flood", 0, 1, enormous);
        byte[] validChunk = TOPICS.snapshots
                .valueSerde()
                .serializer()
                .serialize(TOPICS.snapshots.name(), chunk("http:truncated", 0, 1, List.of()));
        AnalystDecision foreign = AnalystDecision.newBuilder()
                .setAlertKey("нет-такого|http:ключ")
                .setDecision(DecisionKind.CONFIRMED)
                .setBy("мallory")
                .setAt(Instant.now())
                .build();

        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 4 * 1024 * 1024);
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            String registry = TOPICS.registry.name();
            send(producer, written, registry, "poison-garbage", garbage());
            send(producer, written, registry, "poison-truncated", Arrays.copyOf(validDataset, validDataset.length / 2));
            send(producer, written, registry, "poison-fingerprint", unknownFingerprint(validDataset));
            send(
                    producer,
                    written,
                    registry,
                    "poison-null-btih",
                    TOPICS.registry.valueSerde().serializer().serialize(registry, nullBtih));
            send(
                    producer,
                    written,
                    registry,
                    "poison-bad-regex",
                    TOPICS.registry.valueSerde().serializer().serialize(registry, badRegex));

            String snapshots = TOPICS.snapshots.name();
            send(producer, written, snapshots, "http:garbage", garbage());
            send(producer, written, snapshots, "http:truncated", Arrays.copyOf(validChunk, validChunk.length - 3));
            send(producer, written, snapshots, "http:fingerprint", unknownFingerprint(validChunk));
            send(
                    producer,
                    written,
                    snapshots,
                    "http:absurd-chunk",
                    TOPICS.snapshots.valueSerde().serializer().serialize(snapshots, absurd));
            send(
                    producer,
                    written,
                    snapshots,
                    "http:flood",
                    TOPICS.snapshots.valueSerde().serializer().serialize(snapshots, flood));

            String decisions = TOPICS.decisions.name();
            send(producer, written, decisions, "poison-garbage", garbage());
            // A decision on an alert nobody has: nothing to apply and nothing to dead-letter, but it must not stop
            // anything.
            producer.send(new ProducerRecord<>(
                            decisions,
                            "нет-такого|http:ключ".getBytes(StandardCharsets.UTF_8),
                            TOPICS.decisions.valueSerde().serializer().serialize(decisions, foreign)))
                    .get(30, TimeUnit.SECONDS);

            send(producer, written, TOPICS.alerts.name(), "poison|http:garbage", garbage());
            send(producer, written, TOPICS.crawlJobs.name(), "github:evil/garbage", garbage());
            send(producer, written, TOPICS.crawlerState.name(), "github/garbage", garbage());
        }
        return written;
    }

    private static void send(
            KafkaProducer<byte[], byte[]> producer, Map<String, Long> written, String topic, String key, byte[] value)
            throws Exception {
        long offset = producer.send(new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8), value))
                .get(30, TimeUnit.SECONDS)
                .offset();
        int n = (int)
                written.keySet().stream().filter(k -> k.startsWith(topic + "@")).count();
        written.put(topic + "@" + n, offset);
    }

    private static byte[] garbage() {
        byte[] b = new byte[257];
        new Random(13).nextBytes(b);
        return b;
    }

    /** The right marker bytes, a fingerprint no schema has, then a valid body. */
    private static byte[] unknownFingerprint(byte[] valid) {
        byte[] b = valid.clone();
        for (int i = 2; i < 10; i++) {
            b[i] = (byte) 0xAB;
        }
        return b;
    }

    /** A bundled dataset under another id whose one signature is {@code signature}: only the signature can be wrong. */
    private static RetractedDataset dataset(String id, Signature signature) {
        RetractedDataset template = RegistryLoader.loadBundled().get(0);
        return RetractedDataset.newBuilder(template)
                .setId(id)
                .setName(id)
                .setParent(null)
                .setStatus("retracted")
                .setAliases(List.of())
                .setAllowedMirrors(List.of())
                .setSignatures(List.of(signature))
                .build();
    }

    private static SnapshotChunk chunk(String key, int index, int count, List<ManifestEntry> entries) {
        Mirror mirror = Mirror.newBuilder()
                .setKey(key)
                .setPlatform("http")
                .setLocator(key.substring(5))
                .setStatus(MirrorStatus.PRESENT)
                .build();
        return SnapshotChunk.newBuilder()
                .setSnapshotId("poison-" + key)
                .setMirror(mirror)
                .setObservedAt(Instant.now())
                .setCrawler("mallory")
                .setChunkIndex(index)
                .setChunkCount(count)
                .setTotalEntries(entries.size())
                .setTotalBytes(entries.size())
                .setEntries(entries)
                .build();
    }

    /** A copy of MS-Celeb-1M's two face TSVs (exact sizes) under a non-Latin name, through the CLI. */
    private void publish(String bootstrap, String locator, String name) throws IOException {
        String manifest = "{\"mirror\": {\"platform\": \"http\", \"locator\": \"" + locator
                + "\", \"url\": \"https://example.org/"
                + locator + "\", \"title\": \"" + locator + "\", \"status\": \"PRESENT\"}, \"observedAt\": \""
                + Instant.now()
                + "\", \"files\": [{\"path\": \"данные/aligned.tsv\", \"size\": 91124295076},"
                + " {\"path\": \"данные/cropped.tsv\", \"size\": 155266310084}]}";
        Path file = Files.writeString(dir.resolve(name + ".json"), manifest);
        CliTest.Result r = CliTest.run("snapshot", "manifest", file.toString(), "--bootstrap-servers", bootstrap);
        assertEquals(0, r.exit(), r.out() + r.err());
    }

    /** Waits like {@link RunningRevenant#await}, and on a timeout says what the standalone process printed. */
    private static void await(BooleanSupplier condition, String what, Standalone app) throws InterruptedException {
        try {
            RunningRevenant.await(PROMPTLY, condition, what);
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; standalone printed:\n" + app.tail(), e);
        }
    }

    private static JsonNode awaitAlert(Standalone app, String mirrorKey) throws InterruptedException {
        JsonNode[] found = new JsonNode[1];
        await(
                () -> {
                    try {
                        HttpResponse<String> r = get(app.httpPort, "/api/alerts?dataset=ms-celeb-1m");
                        if (r.statusCode() != 200) {
                            return false;
                        }
                        for (JsonNode a : JSON.readTree(r.body()).path("alerts")) {
                            if (mirrorKey.equals(a.path("mirrorKey").asText())) {
                                found[0] = a;
                                return true;
                            }
                        }
                        return false;
                    } catch (IOException e) {
                        return false;
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return false;
                    }
                },
                "an alert on " + mirrorKey,
                app);
        return found[0];
    }

    private Map<String, String> awaitDelivery(String mirrorKey) throws InterruptedException {
        RunningRevenant.await(
                PROMPTLY,
                () -> deliveries.stream().anyMatch(d -> d.get("body").contains(mirrorKey)),
                "a webhook delivery for " + mirrorKey);
        return deliveries.stream()
                .filter(d -> d.get("body").contains(mirrorKey))
                .findFirst()
                .orElseThrow();
    }

    private HttpServer webhookReceiver() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/hook", ex -> {
            try (ex) {
                Map<String, String> d = new HashMap<>();
                d.put("body", new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
                ex.getRequestHeaders().forEach((k, v) -> d.put(k.toLowerCase(Locale.ROOT), v.get(0)));
                deliveries.add(d);
                ex.sendResponseHeaders(204, -1);
            }
        });
        server.start();
        return server;
    }

    /** A repository whose .gitattributes is built to make a backtracking matcher run forever. */
    private static void serveStallingRepository(PlatformServer github) {
        String attributes = "*a".repeat(20) + "*c filter=lfs diff=lfs merge=lfs -text\n";
        String longName = "a".repeat(250);
        github.json(
                "/repos/evil/attrs",
                github.resource(
                        "github-repo.json",
                        Map.of("id", "900001", "owner", "evil", "name", "attrs", "description", "nothing to see")),
                "\"r-evil\"");
        String entries =
                "{\"path\":\".gitattributes\",\"mode\":\"100644\",\"type\":\"blob\",\"size\":" + attributes.length()
                        + ",\"sha\":\"7777777777777777777777777777777777777777\"},"
                        + "{\"path\":\"" + longName + "\",\"mode\":\"100644\",\"type\":\"blob\",\"size\":130,"
                        + "\"sha\":\"8888888888888888888888888888888888888888\"}";
        github.json(
                "/repos/evil/attrs/git/trees/main?recursive=1",
                github.resource(
                        "github-tree.json",
                        Map.of(
                                "treeSha",
                                "9999999999999999999999999999999999999999",
                                "owner",
                                "evil",
                                "name",
                                "attrs",
                                "entries",
                                entries)),
                "\"t-evil\"");
        github.json(
                "/repos/evil/attrs/git/blobs/7777777777777777777777777777777777777777",
                "{\"sha\": \"7777777777777777777777777777777777777777\","
                        + " \"size\": " + attributes.length() + ", \"encoding\": \"base64\", \"content\": \""
                        + Base64.getEncoder().encodeToString(attributes.getBytes(StandardCharsets.UTF_8)) + "\"}",
                "\"b-evil\"");
    }

    private static Map<String, List<Map<String, String>>> dlqBySourceTopic(String bootstrap, int atLeast)
            throws InterruptedException {
        Map<String, List<Map<String, String>>> byTopic = new HashMap<>();
        int[] count = {0};
        RunningRevenant.await(
                PROMPTLY,
                () -> {
                    byTopic.clear();
                    count[0] = 0;
                    for (ConsumerRecord<byte[], byte[]> r : readAll(bootstrap, TOPICS.dlq.name())) {
                        Map<String, String> h = new HashMap<>();
                        for (Header header : r.headers()) {
                            h.put(
                                    header.key(),
                                    header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8));
                        }
                        String source = h.getOrDefault("__streams.errors.topic", h.get("topic"));
                        byTopic.computeIfAbsent(String.valueOf(source), t -> new ArrayList<>())
                                .add(h);
                        count[0]++;
                    }
                    return count[0] >= atLeast;
                },
                "at least " + atLeast + " dead letters");
        return byTopic;
    }

    private static String offsetOf(Map<String, String> headers) {
        return headers.getOrDefault("__streams.errors.offset", headers.get("offset"));
    }

    private static String reasonOf(Map<String, String> headers) {
        for (String name : List.of(
                "__streams.errors.message", "__streams.errors.exception", "revenant.error", "revenant.webhook.error")) {
            if (headers.get(name) != null) {
                return headers.get(name);
            }
        }
        return null;
    }

    private static boolean checkpointFor(String bootstrap, String locator) {
        return readAll(bootstrap, TOPICS.crawlerState.name()).stream()
                .anyMatch(r -> r.key() != null && new String(r.key(), StandardCharsets.UTF_8).contains(locator));
    }

    private static List<ConsumerRecord<byte[], byte[]>> readAll(String bootstrap, String topic) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<ConsumerRecord<byte[], byte[]>> all = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
                    .map(i -> new TopicPartition(topic, i.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))
                    && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(all::add);
            }
        }
        return all;
    }

    private static JsonNode health(int port) throws IOException, InterruptedException {
        return JSON.readTree(get(port, "/health").body());
    }

    private static JsonNode component(JsonNode health, String name) {
        for (JsonNode c : health.path("components")) {
            if (name.equals(c.path("name").asText())) {
                return c;
            }
        }
        throw new AssertionError("no component " + name + " in " + health);
    }

    private static HttpResponse<String> get(int port, String pathAndQuery) throws IOException, InterruptedException {
        int q = pathAndQuery.indexOf('?');
        String uri = "http://localhost:" + port + pathAndQuery;
        if (q >= 0) {
            uri = "http://localhost:" + port + pathAndQuery.substring(0, q) + "?"
                    + Arrays.stream(pathAndQuery.substring(q + 1).split("&"))
                            .map(kv -> kv.substring(0, kv.indexOf('=') + 1)
                                    + URLEncoder.encode(kv.substring(kv.indexOf('=') + 1), StandardCharsets.UTF_8))
                            .reduce((a, b) -> a + "&" + b)
                            .orElse("");
        }
        return RunningRevenant.CLIENT.send(
                HttpRequest.newBuilder(URI.create(uri))
                        .timeout(Duration.ofSeconds(20))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** {@code revenant standalone} in a JVM of its own, as a user starts it. */
    private static final class Standalone {
        final Process process;
        final int httpPort;
        final StringBuffer output = new StringBuffer();
        final CountDownLatch running = new CountDownLatch(1);

        private Standalone(Process process, int httpPort) {
            this.process = process;
            this.httpPort = httpPort;
        }

        static Standalone start(Path data, int kafkaPort, Path config, Path hooks) throws IOException {
            int httpPort = RunningRevenant.freePort();
            Process process = new ProcessBuilder(
                            Path.of(System.getProperty("java.home"), "bin", "java")
                                    .toString(),
                            "-Xmx768m",
                            "-cp",
                            System.getProperty("java.class.path"),
                            Main.class.getName(),
                            "standalone",
                            "--data-dir",
                            data.toString(),
                            "--kafka-port",
                            Integer.toString(kafkaPort),
                            "--http-port",
                            Integer.toString(httpPort),
                            "--config",
                            config.toString(),
                            "--webhooks",
                            hooks.toString())
                    .redirectErrorStream(true)
                    .start();
            Standalone app = new Standalone(process, httpPort);
            Thread reader = new Thread(
                    () -> {
                        // Kept whole under target/ for a failed run; the failure message shows only the end.
                        Path logFile = Path.of("target", "hostile-world-standalone-" + httpPort + ".log");
                        try (BufferedReader out = new BufferedReader(
                                        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
                                PrintWriter log = new PrintWriter(Files.newBufferedWriter(logFile), true)) {
                            for (String line; (line = out.readLine()) != null; ) {
                                app.output.append(line).append('\n');
                                log.println(line);
                                if (line.contains("Revenant is running")) {
                                    app.running.countDown();
                                }
                            }
                        } catch (IOException e) {
                            // the process ended and its pipe closed
                        }
                    },
                    "standalone-output-" + httpPort);
            reader.setDaemon(true);
            reader.start();
            return app;
        }

        /** The last lines it printed, for failure messages. */
        String tail() {
            String all = output.toString();
            return all.length() <= 20_000 ? all : all.substring(all.length() - 20_000);
        }

        void awaitRunning() throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(150);
            while (!running.await(200, TimeUnit.MILLISECONDS)) {
                assertTrue(
                        process.isAlive() && System.nanoTime() < deadline,
                        () -> "standalone did not start:\n" + output);
            }
        }

        /** SIGTERM, as Ctrl-C or a service manager stops it. */
        void stop() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(30, TimeUnit.SECONDS);
            }
        }
    }
}
