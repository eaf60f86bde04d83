package org.revenant.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.revenant.testkit.KafkaBroker;

/**
 * Streams apps ({@code revenant streams}) in JVMs of their own, so a test can kill one hard
 * (SIGKILL: no close, no commit, no leave-group) the way a crash or an OOM killer would.
 * Closing stops whatever is still running.
 */
final class StreamsProcesses implements AutoCloseable {

    /** One started app: its process, its HTTP port, and everything it printed so far. */
    record App(Process process, int httpPort, StringBuffer output, CountDownLatch running) {

        void awaitRunning() throws InterruptedException {
            assertTrue(running.await(120, TimeUnit.SECONDS), () -> "streams app did not start:\n" + output);
        }

        void kill() throws InterruptedException {
            process.destroyForcibly();
            assertTrue(process.waitFor(30, TimeUnit.SECONDS), "killed app did not exit");
        }

        String url(String path) {
            return "http://localhost:" + httpPort + path;
        }
    }

    private final String bootstrapServers;
    private final Path clientConfig;
    private final List<Process> processes = new ArrayList<>();

    StreamsProcesses(KafkaBroker kafka, Path dir) throws IOException {
        this(kafka.bootstrapServers(), dir, "");
    }

    /** Apps against {@code bootstrapServers}, with {@code clientSettings} (properties lines) in their --command-config. */
    StreamsProcesses(String bootstrapServers, Path dir, String clientSettings) throws IOException {
        this.bootstrapServers = bootstrapServers;
        // A short session lets the survivors take over a killed app's tasks without waiting 45 s.
        this.clientConfig = Files.writeString(
                dir.resolve("streams-client.properties"),
                "session.timeout.ms=6000\nheartbeat.interval.ms=1500\n" + clientSettings);
    }

    /** Starts an app of {@code applicationId} on its own state directory and a free HTTP port; does not wait. */
    App start(String prefix, String applicationId, Path state) throws IOException {
        int port = RunningRevenant.freePort();
        Process process = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-cp",
                        System.getProperty("java.class.path"),
                        Main.class.getName(),
                        "streams",
                        "--bootstrap-servers",
                        bootstrapServers,
                        "--command-config",
                        clientConfig.toString(),
                        "--topic-prefix",
                        prefix,
                        "--application-id",
                        applicationId,
                        "--state-dir",
                        state.toString(),
                        "--http-port",
                        Integer.toString(port))
                .redirectErrorStream(true)
                .start();
        processes.add(process);
        App app = new App(process, port, new StringBuffer(), new CountDownLatch(1));
        Thread reader = new Thread(
                () -> {
                    try (BufferedReader out = new BufferedReader(
                            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                        for (String line; (line = out.readLine()) != null; ) {
                            app.output().append(line).append('\n');
                            if (line.contains("is running")) {
                                app.running().countDown();
                            }
                        }
                    } catch (IOException e) {
                        // the process was killed and its pipe closed
                    }
                },
                "streams-output-" + port);
        reader.setDaemon(true);
        reader.start();
        return app;
    }

    @Override
    public void close() throws InterruptedException {
        for (Process p : processes) {
            p.destroy();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
    }
}
