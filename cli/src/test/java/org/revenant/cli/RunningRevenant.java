package org.revenant.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.revenant.detect.DetectConfig;
import org.revenant.detect.RevenantStreams;
import org.revenant.health.Components;
import org.revenant.http.Analysts;
import org.revenant.http.RevenantHttp;
import org.revenant.http.metrics.RevenantMetrics;
import org.revenant.testkit.KafkaBroker;
import org.revenant.wire.Topics;

/** One Revenant instance for tests: the real topology against the test broker, with its HTTP server on a free port. */
final class RunningRevenant implements AutoCloseable {

    static final HttpClient CLIENT =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    final RevenantStreams streams;
    final RevenantMetrics metrics;
    final RevenantHttp http;
    final int port;

    private RunningRevenant(RevenantStreams streams, RevenantMetrics metrics, RevenantHttp http, int port) {
        this.streams = streams;
        this.metrics = metrics;
        this.http = http;
        this.port = port;
    }

    static RunningRevenant start(KafkaBroker kafka, Topics topics, String applicationId, Path stateDir, String token)
            throws IOException {
        return start(kafka, topics, applicationId, stateDir, token, null);
    }

    /** With {@code components} (null: the streams app's own), as the CLI wires a process. */
    static RunningRevenant start(
            KafkaBroker kafka, Topics topics, String applicationId, Path stateDir, String token, Components components)
            throws IOException {
        return startWith(kafka, topics, applicationId, stateDir, Analysts.ofAdminToken(token), components);
    }

    /** With these analysts allowed to act. */
    static RunningRevenant startWith(
            KafkaBroker kafka,
            Topics topics,
            String applicationId,
            Path stateDir,
            Analysts analysts,
            Components components)
            throws IOException {
        int port = freePort();
        Properties client = new Properties();
        client.put("bootstrap.servers", kafka.bootstrapServers());
        Properties streamsProps = new Properties();
        streamsProps.putAll(client);
        streamsProps.put(StreamsConfig.APPLICATION_SERVER_CONFIG, "localhost:" + port);
        streamsProps.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0);
        RevenantMetrics metrics = new RevenantMetrics();
        RevenantStreams streams = new RevenantStreams(
                DetectConfig.defaults(topics),
                streamsProps,
                applicationId,
                stateDir,
                metrics,
                components == null ? new Components() : components);
        metrics.bind(streams.kafkaStreams());
        streams.start();
        RevenantHttp.Settings settings = new RevenantHttp.Settings("localhost", port, analysts);
        RevenantHttp http = RevenantHttp.start(streams, client, metrics, settings, streams.components());
        return new RunningRevenant(streams, metrics, http, port);
    }

    void awaitRunning() throws InterruptedException {
        await(
                Duration.ofSeconds(90),
                () -> streams.kafkaStreams().state() == KafkaStreams.State.RUNNING,
                "streams RUNNING");
    }

    String url(String path) {
        return "http://localhost:" + port + path;
    }

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return CLIENT.send(
                HttpRequest.newBuilder(URI.create(url(path)))
                        .timeout(Duration.ofSeconds(20))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> post(String path, String body, String authorization) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url(path)))
                .timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Override
    public void close() {
        http.close();
        streams.close();
        metrics.close();
    }

    /** Ports this JVM handed out: the system may offer a closed probe's port again, to the next caller. */
    private static final Set<Integer> GIVEN = new HashSet<>();

    /**
     * A port free now and not handed out before in this JVM, so a test that asks twice (a broker
     * port, then an HTTP port) never gets the same one twice before either is bound.
     */
    static synchronized int freePort() throws IOException {
        while (true) {
            try (ServerSocket socket = new ServerSocket(0)) {
                if (GIVEN.add(socket.getLocalPort())) {
                    return socket.getLocalPort();
                }
            }
        }
    }

    static void await(Duration timeout, BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(100);
        }
    }

    /** Runs the revenant CLI against the test broker and topic prefix; fails the test on a non-zero exit. */
    static String cli(KafkaBroker kafka, String prefix, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--bootstrap-servers", kafka.bootstrapServers(), "--topic-prefix", prefix));
        CliTest.Result result = CliTest.run(all.toArray(String[]::new));
        assertEquals(0, result.exit(), () -> String.join(" ", args) + ": " + result.err());
        return result.out();
    }

    /** Publishes a manifest (the public bring-your-own-crawler format) through the CLI. */
    static void publishManifest(KafkaBroker kafka, String prefix, Path dir, String json) throws IOException {
        Path file = Files.createTempFile(dir, "manifest-", ".json");
        Files.writeString(file, json);
        cli(kafka, prefix, "snapshot", "manifest", file.toString());
    }

    /** A GitHub mirror carrying MS-Celeb-1M's two face TSVs (two exact sizes: an alert) with the given title and description. */
    static String msCelebCopy(String locator, String status, String title, String description) {
        String files = "GONE".equals(status)
                ? "[]"
                : "[{\"path\": \"data/aligned.tsv\", \"size\": 91124295076}, {\"path\": \"data/cropped.tsv\", \"size\": 155266310084},"
                        + " {\"path\": \"README.md\", \"size\": 1200}]";
        return "{\"mirror\": {\"platform\": \"github\", \"locator\": \"" + locator
                + "\", \"url\": \"https://github.com/" + locator + "\","
                + " \"title\": " + jsonString(title) + ", \"description\": " + jsonString(description)
                + ", \"status\": \"" + status + "\"},"
                + " \"observedAt\": \"" + Instant.now() + "\", \"text\": \"Face data.\", \"files\": " + files
                + "}";
    }

    private static String jsonString(String text) {
        try {
            return new ObjectMapper().writeValueAsString(text);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
