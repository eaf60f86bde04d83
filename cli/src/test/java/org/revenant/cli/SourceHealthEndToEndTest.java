package org.revenant.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.revenant.avro.SourceHealthEvent;
import org.revenant.avro.SourceHealthEventType;
import org.revenant.platforms.Platforms;
import org.revenant.testkit.CrawlYaml;
import org.revenant.testkit.KafkaBroker;
import org.revenant.wire.TopicSetup;
import org.revenant.wire.Topics;

/**
 * A crawler that goes blind says so without anyone reading its logs: GitHub refuses the token (401,
 * as when it was revoked) for every watched repository, and {@code crawl --once} tells
 * SOURCE_DEGRADED once on the source-health topic; the HTTP server shows it on /api/sources and as
 * a component of /health. When GitHub answers again, the next run (a new process, which remembers
 * what the topic said) tells SOURCE_RECOVERED and the component is UP.
 */
@Tag("broker")
@Timeout(180)
class SourceHealthEndToEndTest {

    @RegisterExtension
    static final KafkaBroker KAFKA = new KafkaBroker();

    @TempDir
    static Path dir;

    static final ObjectMapper JSON = new ObjectMapper();
    static final List<String> REPOS = List.of("blind/r1", "blind/r2", "blind/r3", "blind/r4", "blind/r5", "blind/r6");

    static String prefix;
    static Topics topics;
    static PlatformServer github;
    static RunningRevenant revenant;
    static Path config;

    @BeforeAll
    static void start() throws Exception {
        prefix = KafkaBroker.uniquePrefix("source-health") + ".";
        topics = new Topics(prefix);
        TopicSetup.ensure(KAFKA.admin(), topics, 2, (short) 1);
        github = new PlatformServer();
        config = Files.writeString(
                dir.resolve("crawl.yaml"),
                "crawl:\n  workers: 1\n  timeout: 5s\n"
                        + CrawlYaml.only(
                                Platforms.names(),
                                Map.of(
                                        "github",
                                        "apiUrl: " + github.base() + "\ninterval: 1h\ndiscover: false\nrepos: ["
                                                + String.join(", ", REPOS) + "]")));
        revenant = RunningRevenant.start(KAFKA, topics, prefix + "detect", dir.resolve("state"), null);
        revenant.awaitRunning();
    }

    @AfterAll
    static void stop() {
        if (revenant != null) {
            revenant.close();
        }
        if (github != null) {
            github.close();
        }
    }

    @Test
    void aSourceThatKeepsFailingIsToldDegradedOnceShownAndToldRecoveredWhenItWorksAgain() throws Exception {
        for (String repo : REPOS) {
            github.on(
                    "/repos/" + repo,
                    req -> PlatformServer.Reply.json(
                            401,
                            "{\"message\":\"Bad credentials\",\"documentation_url\":\"https://docs.github.com/rest\"}"));
        }
        cli("crawl", "--once", "--config", config.toString(), "--source", "github");

        List<SourceHealthEvent> told = readSourceHealth(1);
        assertEquals(1, told.size(), told.toString());
        SourceHealthEvent degraded = told.get(0);
        assertEquals(SourceHealthEventType.SOURCE_DEGRADED, degraded.getEvent());
        assertEquals("github", degraded.getSource());
        assertEquals(5, degraded.getConsecutiveFailures(), "told at the fifth failure, not again at the sixth");
        assertTrue(degraded.getLastError().contains("HTTP 401, the GitHub token was refused"), degraded.getLastError());

        RunningRevenant.await(Duration.ofSeconds(30), () -> sourcesSay("DEGRADED"), "/api/sources to say DEGRADED");
        JsonNode health = JSON.readTree(revenant.get("/health").body());
        assertEquals("DEGRADED", health.path("status").asText(), health.toString());
        JsonNode component = component(health, "source.github");
        assertEquals("DEGRADED", component.path("state").asText());
        assertTrue(component.path("reason").asText().contains("5 failed crawl(s) in a row"), component.toString());
        String metrics = revenant.get("/metrics").body();
        assertTrue(metrics.contains("revenant_component_up{component=\"source.github\"} 0.0"), metrics);

        // GitHub answers again (the repositories are gone: a crawl that worked all the same).
        for (String repo : REPOS) {
            github.on("/repos/" + repo, req -> PlatformServer.Reply.json(404, "{\"message\":\"Not Found\"}"));
        }
        cli("crawl", "--once", "--config", config.toString(), "--source", "github");
        List<SourceHealthEvent> all = readSourceHealth(2);
        assertEquals(2, all.size(), all.toString());
        assertEquals(SourceHealthEventType.SOURCE_RECOVERED, all.get(1).getEvent());
        assertEquals(degraded.getFailingSince(), all.get(1).getFailingSince(), "remembered from the topic");

        RunningRevenant.await(Duration.ofSeconds(30), () -> sourcesSay("OK"), "/api/sources to say OK");
        assertEquals(
                "UP",
                component(JSON.readTree(revenant.get("/health").body()), "source.github")
                        .path("state")
                        .asText());
    }

    private static boolean sourcesSay(String state) {
        try {
            JsonNode sources =
                    JSON.readTree(revenant.get("/api/sources").body()).path("sources");
            return sources.size() == 1 && sources.get(0).path("state").asText().equals(state);
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    private static JsonNode component(JsonNode health, String name) {
        for (JsonNode c : health.path("components")) {
            if (c.path("name").asText().equals(name)) {
                return c;
            }
        }
        throw new AssertionError("no component " + name + " in " + health);
    }

    /** Everything on the source-health topic, once at least {@code atLeast} records are there. */
    private static List<SourceHealthEvent> readSourceHealth(int atLeast) {
        Properties p = new Properties();
        p.put("bootstrap.servers", KAFKA.bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, prefix + "read-" + System.nanoTime());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<SourceHealthEvent> out = new ArrayList<>();
        try (KafkaConsumer<String, SourceHealthEvent> consumer = new KafkaConsumer<>(
                p, new StringDeserializer(), topics.sourceHealth.valueSerde().deserializer())) {
            consumer.subscribe(List.of(topics.sourceHealth.name()));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<String, SourceHealthEvent> r : consumer.poll(Duration.ofMillis(500))) {
                    out.add(r.value());
                }
                if (out.size() >= atLeast) {
                    // a little longer, to catch an event told twice
                    for (ConsumerRecord<String, SourceHealthEvent> r : consumer.poll(Duration.ofSeconds(2))) {
                        out.add(r.value());
                    }
                    break;
                }
            }
        }
        return out;
    }

    static CliTest.Result cli(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--bootstrap-servers", KAFKA.bootstrapServers(), "--topic-prefix", prefix));
        return CliTest.run(all.toArray(String[]::new));
    }
}
