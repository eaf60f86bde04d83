package org.revenant.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.config.Configurator;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.impl.Log4jLogEvent;
import org.apache.logging.log4j.message.SimpleMessage;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Quiet start, fast errors (docs/decisions/017-integrations.md): standalone with the logging the
 * jar ships shows no WARN or ERROR line in normal operation, real client warnings still pass the
 * filters, and a one-shot command that cannot reach Kafka says so within seconds.
 */
class QuietStartTest {

    private static final String MANIFEST = """
            {"mirror": {"platform": "github", "locator": "quiet/start", "url": "https://github.com/quiet/start",
                        "title": "quiet", "status": "PRESENT"},
             "observedAt": "2026-11-22T00:00:00Z", "files": [{"path": "data/x.tsv", "size": 10}]}
            """;

    @TempDir
    Path dir;

    @Test
    @Tag("broker")
    @Timeout(240)
    void aFirstStandaloneStartAPublishedSnapshotAndAShutdownShowNoWarnings() throws Exception {
        int kafkaPort = RunningRevenant.freePort();
        int httpPort = RunningRevenant.freePort();
        Path config = Path.of(Main.class
                        .getProtectionDomain()
                        .getCodeSource()
                        .getLocation()
                        .toURI())
                .resolve("log4j2.xml");
        assertTrue(Files.isRegularFile(config), "the logging configuration the jar ships: " + config);
        Process process = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-Dlog4j2.configurationFile=" + config,
                        "-cp",
                        System.getProperty("java.class.path"),
                        Main.class.getName(),
                        "standalone",
                        "--no-crawl",
                        "--data-dir",
                        dir.resolve("data").toString(),
                        "--kafka-port",
                        Integer.toString(kafkaPort),
                        "--http-port",
                        Integer.toString(httpPort))
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("standalone.log").toFile())
                .start();
        Path logFile = dir.resolve("standalone.log");
        try {
            long deadline = System.nanoTime() + Duration.ofSeconds(150).toNanos();
            while (!Files.readString(logFile).contains("Revenant is running.")) {
                assertTrue(
                        System.nanoTime() < deadline && process.isAlive(),
                        "standalone started:\n" + Files.readString(logFile));
                Thread.sleep(200);
            }
            Path manifest = Files.writeString(dir.resolve("m.json"), MANIFEST);
            CliTest.Result published = CliTest.run(
                    "snapshot", "manifest", manifest.toString(), "--bootstrap-servers", "localhost:" + kafkaPort);
            assertEquals(0, published.exit(), published.err());
            Thread.sleep(8_000); // the streams app reads the snapshot; the webhooks and HTTP sides keep polling
        } finally {
            process.destroy(); // SIGTERM: the shutdown hook closes everything
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
        String log = Files.readString(logFile);
        assertTrue(log.contains("revenant: stopped."), log);
        List<String> loud = log.lines()
                .filter(line -> line.matches("\\d\\d:\\d\\d:\\d\\d (WARN|ERROR) .*"))
                .toList();
        assertEquals(List.of(), loud, "no warnings in normal operation; the whole output:\n" + log);
    }

    @Test
    void theFiltersDropOnlyTheRoutineMessages() throws Exception {
        Path config = Path.of(Main.class
                        .getProtectionDomain()
                        .getCodeSource()
                        .getLocation()
                        .toURI())
                .resolve("log4j2.xml");
        try (LoggerContext context = Configurator.initialize("quiet-start-check", null, config.toUri())) {
            String client = "org.apache.kafka.clients.NetworkClient";
            assertTrue(filtered(
                    context,
                    client,
                    "[Consumer clientId=x-StreamThread-1-consumer, groupId=revenant-detect] The metadata response "
                            + "from the cluster reported a recoverable issue with correlation id 7 : "
                            + "{revenant-detect-decisions-by-mirror-repartition=UNKNOWN_TOPIC_OR_PARTITION}"));
            assertTrue(filtered(
                    context,
                    client,
                    "[NodeToControllerChannelManager id=1 name=registration] Attempting to close NetworkClient "
                            + "that has already been closed."));
            assertTrue(
                    filtered(
                            context,
                            "kafka.server.DefaultAutoTopicCreationManager",
                            "Auto topic creation failed for "
                                    + "__transaction_state with error 'TOPIC_ALREADY_EXISTS': Topic '__transaction_state' already exists."));
            // Real problems still show: a Revenant topic that does not exist, an unreachable broker, another failed
            // creation.
            assertFalse(filtered(
                    context,
                    client,
                    "[Producer clientId=p] The metadata response from the cluster reported a recoverable "
                            + "issue with correlation id 3 : {revenant.snapshots=UNKNOWN_TOPIC_OR_PARTITION}"));
            assertFalse(
                    filtered(
                            context,
                            client,
                            "[Consumer clientId=c] The metadata response from the cluster reported a recoverable "
                                    + "issue with correlation id 3 : {x-repartition=UNKNOWN_TOPIC_OR_PARTITION, revenant.alerts=UNKNOWN_TOPIC_OR_PARTITION}"));
            assertFalse(filtered(
                    context,
                    client,
                    "[Producer clientId=p] Connection to node -1 (localhost/127.0.0.1:1) could not be "
                            + "established. Node may not be available."));
            assertFalse(filtered(
                    context,
                    "kafka.server.DefaultAutoTopicCreationManager",
                    "Auto topic creation failed for " + "revenant.snapshots with error 'POLICY_VIOLATION'"));
        }
    }

    @Test
    @Timeout(60)
    void aCommandThatCannotReachKafkaSaysSoWithinSecondsNamingTheServers() throws Exception {
        Path manifest = Files.writeString(dir.resolve("m.json"), MANIFEST);
        long started = System.nanoTime();
        CliTest.Result r =
                CliTest.run("snapshot", "manifest", manifest.toString(), "--bootstrap-servers", "127.0.0.1:1");
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        assertEquals(1, r.exit());
        assertEquals(
                "revenant: cannot reach Kafka at 127.0.0.1:1 within 5 s (is the broker running? set --bootstrap-servers or "
                        + "KAFKA_BOOTSTRAP_SERVERS)\n",
                r.err());
        assertTrue(took.compareTo(Duration.ofSeconds(10)) < 0, "failed after " + took);

        started = System.nanoTime();
        r = CliTest.run("registry", "list", "--bootstrap-servers", "127.0.0.1:1");
        took = Duration.ofNanos(System.nanoTime() - started);
        assertEquals(1, r.exit());
        assertTrue(r.err().startsWith("revenant: cannot reach Kafka at 127.0.0.1:1 within 5 s"), r.err());
        assertTrue(took.compareTo(Duration.ofSeconds(10)) < 0, "failed after " + took);
    }

    private static boolean filtered(LoggerContext context, String logger, String message) {
        LoggerConfig config = context.getConfiguration().getLoggerConfig(logger);
        LogEvent event = Log4jLogEvent.newBuilder()
                .setLoggerName(logger)
                .setLevel(Level.WARN)
                .setMessage(new SimpleMessage(message))
                .build();
        return config.isFiltered(event);
    }
}
