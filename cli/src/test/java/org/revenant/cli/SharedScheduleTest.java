package org.revenant.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.revenant.platforms.Platforms;
import org.revenant.testkit.CrawlYaml;
import org.revenant.testkit.KafkaBroker;
import org.revenant.wire.TopicSetup;
import org.revenant.wire.Topics;

/**
 * Two {@code revenant crawl} processes against one Kafka share one schedule (decision 027): one
 * schedules at a time, every watched repository is crawled once per interval however many
 * processes there are, and when the scheduling process is killed (SIGKILL: no goodbye to the group)
 * the other takes over and the crawling goes on.
 */
@Tag("broker")
@Timeout(180)
class SharedScheduleTest {

    @RegisterExtension
    static final KafkaBroker KAFKA = new KafkaBroker();

    static final Duration INTERVAL = Duration.ofSeconds(4);
    static final List<String> REPOS = List.of("shared/r1", "shared/r2", "shared/r3", "shared/r4", "shared/r5");
    static final String LEADS = "this crawler schedules now";
    static final String GAVE_UP = "this one gave up the scheduler lease";

    @TempDir
    Path dir;

    private final List<Crawler> crawlers = new ArrayList<>();
    private PlatformServer github;

    record Crawler(Process process, StringBuffer output) {
        /** Holds the lease now: its last word on the lease was that it schedules. */
        boolean leads() {
            String log = output.toString();
            return log.lastIndexOf(LEADS) > log.lastIndexOf(GAVE_UP);
        }
    }

    @AfterEach
    void stop() throws InterruptedException {
        for (Crawler c : crawlers) {
            c.process().destroyForcibly();
            c.process().waitFor(30, TimeUnit.SECONDS);
        }
        if (github != null) {
            github.close();
        }
    }

    @Test
    void twoCrawlersCrawlEachRepositoryOncePerIntervalAndTheSurvivorTakesOver() throws Exception {
        String prefix = KafkaBroker.uniquePrefix("shared-schedule") + ".";
        TopicSetup.ensure(KAFKA.admin(), new Topics(prefix), 2, (short) 1);
        github = new PlatformServer();
        for (String repo : REPOS) {
            github.on("/repos/" + repo, req -> PlatformServer.Reply.json(404, "{\"message\":\"Not Found\"}"));
        }
        Path config = Files.writeString(
                dir.resolve("crawl.yaml"),
                "crawl:\n  workers: 2\n  timeout: 5s\n"
                        + CrawlYaml.only(
                                Platforms.names(),
                                Map.of(
                                        "github",
                                        "apiUrl: " + github.base() + "\ninterval: " + INTERVAL.toSeconds()
                                                + "s\ndiscover: false\nrepos: [" + String.join(", ", REPOS) + "]")));
        // A short session, so the survivor notices a killed crawler in seconds rather than 45.
        Path client = Files.writeString(
                dir.resolve("client.properties"), "session.timeout.ms=6000\nheartbeat.interval.ms=1500\n");
        crawlers.add(start(prefix, config, client));
        crawlers.add(start(prefix, config, client));

        RunningRevenant.await(
                Duration.ofSeconds(60), () -> crawlers.stream().anyMatch(Crawler::leads), "a crawler to schedule");
        Thread.sleep(INTERVAL.multipliedBy(4).toMillis());
        assertEquals(
                1,
                crawlers.stream().filter(Crawler::leads).count(),
                () -> "one scheduler at a time:\n" + crawlers.get(0).output() + "\n---\n"
                        + crawlers.get(1).output());
        for (String repo : REPOS) {
            List<Long> at = hits(repo);
            assertTrue(at.size() >= 3, repo + " crawled " + at.size() + " times in " + INTERVAL.multipliedBy(4));
            for (int i = 1; i < at.size(); i++) {
                long gap = at.get(i) - at.get(i - 1);
                assertTrue(
                        gap >= INTERVAL.toMillis() - 1_000,
                        repo + " crawled twice within one interval: " + gap + " ms apart (" + at + ")");
            }
        }

        Crawler leader = crawlers.stream().filter(Crawler::leads).findFirst().orElseThrow();
        Crawler survivor =
                crawlers.stream().filter(c -> c != leader).findFirst().orElseThrow();
        leader.process().destroyForcibly();
        assertTrue(leader.process().waitFor(30, TimeUnit.SECONDS));
        long killedAt = System.currentTimeMillis();
        RunningRevenant.await(Duration.ofSeconds(60), survivor::leads, "the survivor to take over the schedule");
        Thread.sleep(INTERVAL.multipliedBy(3).toMillis());
        for (String repo : REPOS) {
            assertTrue(
                    hits(repo).stream().anyMatch(t -> t > killedAt + 2_000),
                    repo + " crawled again after the scheduler was killed:\n" + survivor.output());
        }
    }

    /** When (ms) the platform was asked for this repository, in order. */
    private List<Long> hits(String repo) {
        return github.seen.stream()
                .filter(s -> s.path().equals("/repos/" + repo))
                .map(PlatformServer.Seen::at)
                .sorted()
                .toList();
    }

    private Crawler start(String prefix, Path config, Path client) throws IOException {
        Process process = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-cp",
                        System.getProperty("java.class.path"),
                        Main.class.getName(),
                        "crawl",
                        "--config",
                        config.toString(),
                        "--source",
                        "github",
                        "--bootstrap-servers",
                        KAFKA.bootstrapServers(),
                        "--command-config",
                        client.toString(),
                        "--topic-prefix",
                        prefix)
                .redirectErrorStream(true)
                .start();
        Crawler crawler = new Crawler(process, new StringBuffer());
        Thread reader = new Thread(
                () -> {
                    try (BufferedReader out = new BufferedReader(
                            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                        for (String line; (line = out.readLine()) != null; ) {
                            crawler.output().append(line).append('\n');
                        }
                    } catch (IOException e) {
                        // killed: its pipe closed
                    }
                },
                "crawler-output");
        reader.setDaemon(true);
        reader.start();
        return crawler;
    }
}
