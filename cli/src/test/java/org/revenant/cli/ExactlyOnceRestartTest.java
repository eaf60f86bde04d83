package org.revenant.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
 * Exactly-once across a crash: the streams app runs in its own JVM, is killed hard (SIGKILL)
 * while snapshots are flowing, and is started again on the same state directory. Every mirror
 * must end with exactly one OPENED alert: no duplicate from reprocessing, no gap from lost work.
 */
@Tag("broker")
@Timeout(300)
class ExactlyOnceRestartTest {

    @RegisterExtension
    static final KafkaBroker KAFKA = new KafkaBroker();

    static final int MIRRORS = 240;

    @TempDir
    Path dir;

    @Test
    void hardKillMidStreamLosesAndDuplicatesNothing() throws Exception {
        String prefix = KafkaBroker.uniquePrefix("eos") + ".";
        Topics topics = new Topics(prefix);
        TopicSetup.ensure(KAFKA.admin(), topics, 3, (short) 1);
        KnownSizeMirrors mirrors = new KnownSizeMirrors(KAFKA, topics);
        mirrors.loadRegistry();

        Path state = dir.resolve("state");
        try (StreamsProcesses apps = new StreamsProcesses(KAFKA, dir)) {
            StreamsProcesses.App first = apps.start(prefix, prefix + "detect", state);
            first.awaitRunning();

            Thread publisher = mirrors.publishInBackground("eos/m", MIRRORS);
            mirrors.awaitAlerts(MIRRORS / 4, Duration.ofSeconds(120));
            first.kill(); // SIGKILL: no close, no commit
            int beforeRestart = mirrors.alerts().size();
            assertTrue(beforeRestart < MIRRORS, "killed while work remained (" + beforeRestart + " alerts so far)");

            apps.start(prefix, prefix + "detect", state).awaitRunning();
            publisher.join(120_000);
            mirrors.awaitAlerts(MIRRORS, Duration.ofSeconds(150));
            Thread.sleep(3_000); // anything reprocessed twice would show up by now
        }
        List<AlertEvent> alerts = mirrors.alerts();

        Map<String, Integer> perKey = new HashMap<>();
        Set<String> eventIds = new HashSet<>();
        for (AlertEvent alert : alerts) {
            perKey.merge(alert.getAlertKey(), 1, Integer::sum);
            assertTrue(eventIds.add(alert.getEventId()), "duplicate event " + alert.getEventId());
            assertEquals("OPENED", alert.getEvent().name());
        }
        assertEquals(MIRRORS, perKey.size(), "every mirror alerted (no gap)");
        assertTrue(perKey.values().stream().allMatch(n -> n == 1), "exactly one alert per mirror: " + perKey);

        Map<String, Integer> appeared = new HashMap<>();
        for (byte[] bytes : mirrors.readAll(topics.changes.name())) {
            var change = topics.changes.deserializeValue(bytes);
            appeared.merge(change.getMirrorKey() + " " + change.getKind(), 1, Integer::sum);
        }
        assertEquals(MIRRORS, appeared.size(), "one manifest change per mirror: " + appeared.keySet());
        assertTrue(
                appeared.entrySet().stream().allMatch(e -> e.getKey().endsWith("APPEARED") && e.getValue() == 1),
                "each mirror APPEARED exactly once: " + appeared);
    }
}
