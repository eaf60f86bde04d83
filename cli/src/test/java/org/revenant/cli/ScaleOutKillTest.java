package org.revenant.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.revenant.avro.AlertEvent;
import org.revenant.testkit.KafkaBroker;
import org.revenant.wire.TopicSetup;
import org.revenant.wire.Topics;

/**
 * Scale-out under a crash: two streams apps (separate JVMs, one application id) share the
 * partitions; one is killed hard (SIGKILL) while snapshots flow. The survivor takes over its
 * tasks: every mirror ends with exactly one OPENED alert, none lost and none duplicated, and the
 * survivor's HTTP API answers every request throughout, whole again once it owns everything.
 */
@Tag("broker")
@Timeout(300)
class ScaleOutKillTest {

    @RegisterExtension
    static final KafkaBroker KAFKA = new KafkaBroker();

    static final int MIRRORS = 300;
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path dir;

    /** One request to the survivor's API while the test ran: when, and what it answered. */
    record Poll(long at, int status, String error) {}

    @Test
    void survivorTakesOverWithoutLossOrDuplicatesAndKeepsAnswering() throws Exception {
        String prefix = KafkaBroker.uniquePrefix("scale") + ".";
        Topics topics = new Topics(prefix);
        TopicSetup.ensure(KAFKA.admin(), topics, 6, (short) 1);
        KnownSizeMirrors mirrors = new KnownSizeMirrors(KAFKA, topics);
        mirrors.loadRegistry();

        ConcurrentLinkedQueue<Poll> polls = new ConcurrentLinkedQueue<>();
        AtomicBoolean polling = new AtomicBoolean(true);
        long killedAt;
        String survivorOutput;
        try (StreamsProcesses apps = new StreamsProcesses(KAFKA, dir)) {
            StreamsProcesses.App survivor = apps.start(prefix, prefix + "detect", dir.resolve("state-a"));
            StreamsProcesses.App victim = apps.start(prefix, prefix + "detect", dir.resolve("state-b"));
            survivor.awaitRunning();
            victim.awaitRunning();

            Thread poller = new Thread(
                    () -> {
                        while (polling.get()) {
                            polls.add(poll(survivor.url("/api/alerts?limit=1")));
                            sleep(100);
                        }
                    },
                    "api-poller");
            poller.start();

            Thread publisher = mirrors.publishInBackground("scale/m", MIRRORS);
            RunningRevenant.await(
                    Duration.ofSeconds(120),
                    () -> localAlerts(survivor) > 0 && localAlerts(victim) > 0,
                    "alerts from both instances");
            int victimAlerts = localAlerts(victim);
            victim.kill(); // SIGKILL: its tasks' open transactions abort
            killedAt = System.nanoTime();
            int beforeTakeover = mirrors.alerts().size();
            assertTrue(beforeTakeover < MIRRORS, "killed while work remained (" + beforeTakeover + " alerts so far)");

            publisher.join(120_000);
            List<AlertEvent> alerts = mirrors.awaitAlerts(MIRRORS, Duration.ofSeconds(150));
            assertEquals(
                    MIRRORS, alerts.size(), "all alerts arrived after the kill; the victim had raised " + victimAlerts);
            Thread.sleep(3_000); // anything reprocessed twice would show up by now

            RunningRevenant.await(
                    Duration.ofSeconds(60),
                    () -> {
                        JsonNode list = listing(survivor, false);
                        return list.path("total").asInt() == MIRRORS
                                && !list.path("partial").asBoolean(true);
                    },
                    "the survivor's API listing every alert, not partial");
            assertEquals(MIRRORS, localAlerts(survivor), "the survivor holds every alert itself");
            polling.set(false);
            survivorOutput = survivor.output().toString();
        } finally {
            polling.set(false);
        }

        List<AlertEvent> alerts = mirrors.alerts();
        Set<String> eventIds = new HashSet<>();
        alerts.forEach(a -> assertTrue(eventIds.add(a.getEventId()), "duplicate event " + a.getEventId()));
        Map<String, Long> perKey =
                alerts.stream().collect(Collectors.groupingBy(AlertEvent::getAlertKey, Collectors.counting()));
        assertEquals(MIRRORS, perKey.size(), "every mirror alerted (no gap)");
        assertTrue(perKey.values().stream().allMatch(n -> n == 1), "exactly one alert per mirror: " + perKey);
        assertTrue(alerts.stream().allMatch(a -> a.getEvent().name().equals("OPENED")), "only OPENED events");

        List<Poll> afterKill = polls.stream().filter(p -> p.at() > killedAt).toList();
        assertTrue(afterKill.size() >= 20, "the API was polled while the survivor took over: " + afterKill.size());
        List<Poll> failed = polls.stream().filter(p -> p.status() != 200).toList();
        assertTrue(
                failed.isEmpty(),
                () -> "the survivor's API answered every request with 200; it did not for "
                        + failed.stream().limit(5).toList() + " of " + polls.size() + "; its log says:\n"
                        + survivorOutput
                                .lines()
                                .filter(l -> l.contains("failed") || l.contains("ERROR"))
                                .limit(20)
                                .collect(Collectors.joining("\n")));
    }

    /** Alerts an instance holds in its own stores (a forwarded request is answered locally only). */
    private static int localAlerts(StreamsProcesses.App app) {
        return listing(app, true).path("total").asInt();
    }

    /** The alert list's head (total, partial), or an empty object when the instance did not answer 200. */
    private static JsonNode listing(StreamsProcesses.App app, boolean localOnly) {
        try {
            HttpResponse<String> response = get(app.url("/api/alerts?limit=1"), localOnly);
            return response.statusCode() == 200 ? JSON.readTree(response.body()) : JSON.createObjectNode();
        } catch (Exception e) {
            return JSON.createObjectNode();
        }
    }

    private static HttpResponse<String> get(String url, boolean localOnly) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(15))
                .GET();
        if (localOnly) {
            request.header("X-Revenant-Forwarded", "1");
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static Poll poll(String url) {
        try {
            HttpResponse<String> response = get(url, false);
            return new Poll(
                    System.nanoTime(), response.statusCode(), response.statusCode() == 200 ? null : response.body());
        } catch (Exception e) {
            return new Poll(System.nanoTime(), -1, e.toString());
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
