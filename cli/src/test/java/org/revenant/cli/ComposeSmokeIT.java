package org.revenant.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.revenant.testkit.DockerEngine;

/**
 * The compose deployment as a user starts it: {@code docker compose build} and {@code up -d} on
 * the repository's own docker-compose.yml (its own project and network, host ports on 127.0.0.1
 * moved to free ones), the registry loaded by the one-shot loader, both streams instances up, a
 * snapshot published from this machine through the broker's host port, and the alert read
 * through each instance's API; {@code down -v} whatever happens.
 *
 * <p>Runs in {@code mvn verify} after {@code package} made cli/target/revenant.jar, which the
 * image packages. KAFKA_IMAGE and REVENANT_BASE_IMAGE select stand-in images where Docker Hub
 * cannot be reached (docker/build-images.sh).
 */
@Tag("docker")
@Timeout(value = 25, unit = TimeUnit.MINUTES)
class ComposeSmokeIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path root = Path.of("").toAbsolutePath().getParent();
    private final String project =
            "revenant-smoke-" + UUID.randomUUID().toString().substring(0, 8).toLowerCase(Locale.ROOT);
    private final Map<String, String> env = new HashMap<>();
    private List<String> compose;
    private boolean up;

    @AfterEach
    void down() throws Exception {
        if (up) {
            Result result = compose(Duration.ofMinutes(3), "down", "-v", "--remove-orphans", "--timeout", "10");
            if (result.exit != 0) {
                System.err.println("compose down failed (" + result.exit + "):\n" + result.output);
            }
        }
    }

    @Test
    void upRegistryLoadedSnapshotInAlertOutThroughEitherInstance() throws Exception {
        DockerEngine.requireOrSkip("the compose smoke test");
        compose = composeCommand();
        assertTrue(Files.isRegularFile(root.resolve("docker-compose.yml")), "no docker-compose.yml in " + root);
        assertTrue(
                Files.isRegularFile(root.resolve("cli/target/revenant.jar")),
                "cli/target/revenant.jar: run after package");
        int kafkaPort = RunningRevenant.freePort();
        int http1 = RunningRevenant.freePort();
        int http2 = RunningRevenant.freePort();
        env.put("KAFKA_HOST_PORT", Integer.toString(kafkaPort));
        env.put("REVENANT_HTTP_PORT", Integer.toString(http1));
        env.put("REVENANT_HTTP_PORT_2", Integer.toString(http2));

        expectOk(compose(Duration.ofMinutes(10), "build"), "build");
        up = true;
        expectOk(compose(Duration.ofMinutes(6), "up", "-d"), "up -d");
        try {
            JsonNode health1 = awaitHealthy(http1);
            JsonNode health2 = awaitHealthy(http2);
            int datasets = health1.path("registryDatasets").asInt();
            assertTrue(datasets >= 15, "registry loaded by registry-loader: " + health1);
            assertEquals(datasets, health2.path("registryDatasets").asInt(), health2.toString());
            String loader = compose(Duration.ofMinutes(1), "logs", "--no-color", "registry-loader").output;
            assertTrue(loader.matches("(?s).*loaded \\d+ dataset\\(s\\) from the bundled registry.*"), loader);

            String locator = "compose/faces-" + System.nanoTime();
            String alertKey = "ms-celeb-1m|github:" + locator;
            Path manifest = Files.createTempFile("revenant-compose-", ".json");
            try {
                Files.writeString(
                        manifest, RunningRevenant.msCelebCopy(locator, "PRESENT", "faces", "celebrity faces"));
                cli("snapshot", "manifest", manifest.toString(), "--bootstrap-servers", "localhost:" + kafkaPort);
            } finally {
                Files.deleteIfExists(manifest);
            }

            for (int port : List.of(http1, http2)) {
                JsonNode alert = awaitAlert(port, alertKey);
                assertEquals("OPEN", alert.path("state").asText(), alert.toString());
                assertEquals("CONFIRMED", alert.path("severity").asText(), alert.toString());
            }
            HttpResponse<String> dashboard = get(http1, "/");
            assertEquals(200, dashboard.statusCode());
            assertTrue(dashboard.body().contains("<html") || dashboard.body().contains("<!doctype"), "dashboard page");

            String running = compose(Duration.ofMinutes(1), "ps", "--services", "--filter", "status=running").output;
            for (String service : List.of("kafka", "streams-1", "streams-2", "crawler")) {
                assertTrue(running.lines().anyMatch(service::equals), service + " not running: " + running);
            }
        } catch (Throwable failure) {
            System.err.println(
                    "compose logs:\n" + compose(Duration.ofMinutes(1), "logs", "--no-color", "--tail", "150").output);
            throw failure;
        }
    }

    /** {@code docker compose} (v2) where it works, else {@code docker-compose} (v1). */
    private static List<String> composeCommand() throws Exception {
        for (List<String> candidate : List.of(List.of("docker", "compose"), List.of("docker-compose"))) {
            List<String> version = new ArrayList<>(candidate);
            version.add("version");
            try {
                if (run(version, Map.of(), null, Duration.ofSeconds(30)).exit == 0) {
                    return candidate;
                }
            } catch (IOException notInstalled) {
                // try the next one
            }
        }
        throw new AssertionError("neither 'docker compose' nor 'docker-compose' works here");
    }

    private Result compose(Duration timeout, String... args) throws Exception {
        List<String> command = new ArrayList<>(compose);
        command.addAll(
                List.of("-p", project, "-f", root.resolve("docker-compose.yml").toString()));
        command.addAll(List.of(args));
        return run(command, env, root, timeout);
    }

    private static void expectOk(Result result, String what) {
        assertEquals(0, result.exit, () -> "compose " + what + " failed:\n" + result.output);
    }

    private record Result(int exit, String output) {}

    private static Result run(List<String> command, Map<String, String> env, Path dir, Duration timeout)
            throws Exception {
        Path log = Files.createTempFile("revenant-compose-", ".log");
        try {
            ProcessBuilder builder =
                    new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
            builder.environment().putAll(env);
            if (dir != null) {
                builder.directory(dir.toFile());
            }
            Process process = builder.start();
            if (!process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
                return new Result(
                        -1,
                        String.join(" ", command) + " timed out after " + timeout + "\n"
                                + Files.readString(log, StandardCharsets.UTF_8));
            }
            return new Result(process.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(log);
        }
    }

    private static void cli(String... args) {
        CliTest.Result result = CliTest.run(args);
        assertEquals(0, result.exit(), () -> String.join(" ", args) + ": " + result.err());
    }

    private static HttpResponse<String> get(int port, String path) throws Exception {
        return RunningRevenant.CLIENT.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                        .timeout(Duration.ofSeconds(10))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode awaitHealthy(int port) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(4).toNanos();
        String last = "no answer";
        while (System.nanoTime() < deadline) {
            try {
                HttpResponse<String> health = get(port, "/health");
                last = health.statusCode() + " " + health.body();
                if (health.statusCode() == 200) {
                    return JSON.readTree(health.body());
                }
            } catch (IOException notYet) {
                last = notYet.toString();
            }
            Thread.sleep(1000);
        }
        throw new AssertionError("instance on 127.0.0.1:" + port + " not healthy within 4 min: " + last);
    }

    private static JsonNode awaitAlert(int port, String alertKey) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        String last = "no answer";
        while (System.nanoTime() < deadline) {
            HttpResponse<String> response = get(port, "/api/alerts/" + alertKey.replace("|", "%7C"));
            last = response.statusCode() + " " + response.body();
            if (response.statusCode() == 200) {
                return JSON.readTree(response.body());
            }
            Thread.sleep(500);
        }
        throw new AssertionError("alert " + alertKey + " not served by 127.0.0.1:" + port + " within 2 min: " + last);
    }
}
