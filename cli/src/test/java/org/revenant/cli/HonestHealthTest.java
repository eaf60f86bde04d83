package org.revenant.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.revenant.avro.RetractedDataset;
import org.revenant.health.Components;
import org.revenant.publish.RegistryPublisher;
import org.revenant.registry.RegistryLoader;
import org.revenant.testkit.KafkaBroker;
import org.revenant.wire.TopicSetup;
import org.revenant.wire.Topics;

/**
 * Against a real broker: /health and /metrics say which part of the process stopped and why, and
 * `registry export` refuses a dataset id from the topic that would write outside its folder.
 */
@Tag("broker")
@Timeout(180)
class HonestHealthTest {

    @RegisterExtension
    static final KafkaBroker KAFKA = new KafkaBroker();

    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void healthIsDegradedNamingTheStoppedNotifierAndItsReasonAndDownWhenDetectionStops() throws Exception {
        String prefix = KafkaBroker.uniquePrefix("health") + ".";
        Topics topics = new Topics(prefix);
        TopicSetup.ensure(KAFKA.admin(), topics, 1, (short) 1);
        Components components = new Components();
        try (RunningRevenant revenant =
                RunningRevenant.start(KAFKA, topics, prefix + "detect", dir.resolve("state"), null, components)) {
            revenant.awaitRunning();
            RunningRevenant.await(Duration.ofSeconds(30), () -> status(revenant).equals("UP"), "health UP");
            assertEquals(200, revenant.get("/health").statusCode());

            String reason = "the notifier loop stopped (IllegalArgumentException: invalid header value <b>датасет</b>)";
            components.register("webhooks", false).down(reason);
            HttpResponse<String> degraded = revenant.get("/health");
            assertEquals(200, degraded.statusCode(), "degraded still serves");
            JsonNode health = JSON.readTree(degraded.body());
            assertEquals("DEGRADED", health.path("status").asText());
            JsonNode webhooks = component(health, "webhooks");
            assertEquals("DOWN", webhooks.path("state").asText());
            assertEquals(reason, webhooks.path("reason").asText());
            assertFalse(webhooks.path("critical").asBoolean());
            assertTrue(webhooks.hasNonNull("since") && webhooks.has("failures"), webhooks.toString());
            assertEquals("UP", component(health, "streams").path("state").asText());
            assertEquals(200, revenant.get("/health/ready").statusCode());
            assertEquals(200, revenant.get("/health/live").statusCode());

            String metrics = revenant.get("/metrics").body();
            assertTrue(metrics.contains("revenant_component_up{component=\"webhooks\"} 0.0"), metrics);
            assertTrue(metrics.contains("revenant_component_up{component=\"streams\"} 1.0"), metrics);

            components.register("streams", true).down("Kafka Streams failed (ERROR): detection has stopped");
            HttpResponse<String> down = revenant.get("/health");
            assertEquals(503, down.statusCode());
            assertEquals("DOWN", JSON.readTree(down.body()).path("status").asText());
            assertEquals(503, revenant.get("/health/live").statusCode());
        }
    }

    @Test
    void registryExportRefusesAnIdThatWouldWriteOutsideItsFolder() throws Exception {
        String prefix = KafkaBroker.uniquePrefix("export") + ".";
        Topics topics = new Topics(prefix);
        TopicSetup.ensure(KAFKA.admin(), topics, 1, (short) 1);
        RetractedDataset real = RegistryLoader.loadBundled().get(0);
        List<RetractedDataset> planted = new ArrayList<>(List.of(real));
        for (String id : List.of("../evil", "..", "sub/dir", "/tmp/abs")) {
            planted.add(RetractedDataset.newBuilder(real).setId(id).build());
        }
        RegistryPublisher.publish(KAFKA.adminProperties(), topics, planted);
        Path out = dir.resolve("out");

        CliTest.Result result = CliTest.run(
                "registry",
                "export",
                "-o",
                out.toString(),
                "--bootstrap-servers",
                KAFKA.bootstrapServers(),
                "--topic-prefix",
                prefix);

        assertEquals(1, result.exit(), result.err());
        assertTrue(result.err().contains("'../evil' is not a registry id"), result.err());
        assertTrue(result.out().contains("wrote 1 file(s)"), result.out());
        assertTrue(Files.exists(out.resolve(real.getId() + ".yaml")));
        assertFalse(Files.exists(dir.resolve("evil.yaml")), "nothing written beside the folder");
        try (var files = Files.walk(dir)) {
            assertEquals(
                    List.of(out.resolve(real.getId() + ".yaml")),
                    files.filter(Files::isRegularFile).toList());
        }
        assertEquals(null, RegistryCommand.exportFile(out, "../evil"));
        assertEquals(
                out.toAbsolutePath().normalize().resolve("ms-celeb-1m.yaml"),
                RegistryCommand.exportFile(out, "ms-celeb-1m"));
    }

    private static String status(RunningRevenant revenant) {
        try {
            return JSON.readTree(revenant.get("/health").body()).path("status").asText();
        } catch (Exception e) {
            return "unreachable: " + e;
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
}
