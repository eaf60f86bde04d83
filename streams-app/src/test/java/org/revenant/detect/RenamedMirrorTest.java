package org.revenant.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.revenant.detect.Fixtures.ALIGNED_TSV;
import static org.revenant.detect.Fixtures.file;
import static org.revenant.detect.Fixtures.mirror;
import static org.revenant.detect.Fixtures.snapshot;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.revenant.avro.AlertEvent;
import org.revenant.avro.AlertEventType;
import org.revenant.avro.AlertState;
import org.revenant.avro.AlertStatus;
import org.revenant.avro.AnalystDecision;
import org.revenant.avro.DecisionKind;
import org.revenant.avro.MirrorStatus;
import org.revenant.avro.SnapshotChunk;
import org.revenant.detect.history.AlertHistoryRecorder;
import org.revenant.detect.history.BoundedHistory;
import org.revenant.detect.move.AlertMoveApplier;
import org.revenant.detect.state.AlertKey;
import org.revenant.detect.state.StateStores;
import org.revenant.wire.Topics;

/**
 * A renamed mirror through the whole topology (docs/decisions/016): the crawler publishes the new
 * key with {@code renamedFrom} and closes the old key GONE with {@code renamedTo}, in either order
 * as the two keys' partitions deliver them. The copy stays one alert, told once.
 */
class RenamedMirrorTest {

    static final String OLD = "github:someone/faces";
    static final String NEW = "github:someone/face-data";
    static final String OLD_ALERT = AlertKey.format("ms-celeb-1m", OLD);
    static final String NEW_ALERT = AlertKey.format("ms-celeb-1m", NEW);

    @TempDir
    Path stateDir;

    private final Topics topics = Topics.defaults();
    private TopologyTestDriver driver;
    private TestInputTopic<String, SnapshotChunk> snapshots;
    private TestInputTopic<String, AnalystDecision> decisions;
    private TestOutputTopic<String, AlertEvent> alerts;

    @BeforeEach
    void start() {
        Properties props =
                RevenantStreams.properties(DetectConfig.defaults(topics), new Properties(), "rename-test", stateDir);
        props.put("bootstrap.servers", "unused:9092");
        driver = new TopologyTestDriver(RevenantTopology.build(DetectConfig.defaults(topics)), props);
        driver.createInputTopic(
                        topics.registry.name(),
                        Serdes.String().serializer(),
                        topics.registry.valueSerde().serializer())
                .pipeInput("ms-celeb-1m", Fixtures.msCeleb());
        snapshots = driver.createInputTopic(
                topics.snapshots.name(),
                Serdes.String().serializer(),
                topics.snapshots.valueSerde().serializer());
        decisions = driver.createInputTopic(
                topics.decisions.name(),
                Serdes.String().serializer(),
                topics.decisions.valueSerde().serializer());
        alerts = driver.createOutputTopic(
                topics.alerts.name(),
                Serdes.String().deserializer(),
                topics.alerts.valueSerde().deserializer());
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    private void publish(List<SnapshotChunk> chunks) {
        chunks.forEach(c -> snapshots.pipeInput(c.getMirror().getKey(), c));
    }

    /** The copy under its old name. */
    private void oldCopy() {
        publish(snapshot(mirror(OLD, MirrorStatus.PRESENT, Map.of()), file("faces/aligned.tsv", ALIGNED_TSV)));
    }

    /** The same copy under its new name, saying where it came from. */
    private void newCopy() {
        publish(snapshot(
                mirror(NEW, MirrorStatus.PRESENT, Map.of("renamedFrom", OLD, "id", "4711")),
                file("faces/aligned.tsv", ALIGNED_TSV)));
    }

    /** The old name closed, pointing at the new one. */
    private void oldClosed() {
        publish(snapshot(mirror(OLD, MirrorStatus.GONE, Map.of("renamedTo", NEW, "id", "4711"))));
    }

    private AlertState state(String mirrorKey) {
        KeyValueStore<String, AlertState> store = driver.getKeyValueStore(StateStores.ALERTS);
        return store.get(new AlertKey("ms-celeb-1m", mirrorKey).storeKey());
    }

    private List<AlertEventType> timeline(String mirrorKey) {
        KeyValueStore<String, AlertEvent> history = driver.getKeyValueStore(StateStores.ALERT_HISTORY);
        return BoundedHistory.read(history, AlertHistoryRecorder.owner(mirrorKey, "ms-celeb-1m")).stream()
                .map(AlertEvent::getEvent)
                .toList();
    }

    private void requestTakedown(String alertKey) {
        decisions.pipeInput(
                alertKey,
                AnalystDecision.newBuilder()
                        .setAlertKey(alertKey)
                        .setDecision(DecisionKind.TAKEDOWN_REQUESTED)
                        .setBy("analyst")
                        .setAt(Instant.now())
                        .setReference("DMCA #4711")
                        .build());
    }

    @Test
    void newNameFirstThenOldNameClosed_oneMovedEventCarryingTheHistory() {
        oldCopy();
        AlertEvent opened = alerts.readValue();
        assertEquals(OLD_ALERT, opened.getAlertKey());
        requestTakedown(OLD_ALERT);
        assertEquals(AlertEventType.UPDATED, alerts.readValue().getEvent());

        newCopy();
        assertTrue(alerts.isEmpty(), "the new name's OPENED waits for the old name's alerts");
        assertEquals(OLD, state(NEW).getAwaitingMoveFrom());

        oldClosed();
        List<AlertEvent> told = alerts.readValuesToList();
        assertEquals(1, told.size(), told.toString());
        AlertEvent moved = told.get(0);
        assertEquals(AlertEventType.MOVED, moved.getEvent());
        assertEquals(NEW_ALERT, moved.getAlertKey());
        assertEquals(OLD_ALERT, moved.getMovedFrom());
        assertEquals("DMCA #4711", moved.getTakedownReference(), "the takedown request moves with the copy");
        assertEquals(DecisionKind.TAKEDOWN_REQUESTED, moved.getDecision());

        AlertState now = state(NEW);
        assertEquals(AlertStatus.OPEN, now.getStatus());
        assertNull(now.getAwaitingMoveFrom());
        assertEquals(OLD_ALERT, now.getMovedFrom());
        assertEquals(state(OLD).getFirstSeen(), now.getFirstSeen());
        assertEquals("https://example.org/" + NEW, now.getMirrorUrl());
        assertEquals(
                List.of(AlertEventType.OPENED, AlertEventType.UPDATED, AlertEventType.MOVED),
                timeline(NEW),
                "the timeline under the new name starts with the old name's");

        AlertState old = state(OLD);
        assertEquals(AlertStatus.RESOLVED, old.getStatus());
        assertEquals(NEW_ALERT, old.getMovedTo());
        assertNull(old.getTakedownRemovedAt(), "a rename is not a removal");

        driver.advanceWallClockTime(AlertMoveApplier.HOLD_LIMIT.plusMinutes(1));
        newCopy();
        oldClosed();
        assertTrue(alerts.isEmpty(), "later crawls of both names tell nothing new");
    }

    @Test
    void oldNameClosedFirstThenNewName_oneMovedEvent() {
        oldCopy();
        alerts.readValue();

        oldClosed();
        List<AlertEvent> told = alerts.readValuesToList();
        assertEquals(1, told.size(), told.toString());
        assertEquals(AlertEventType.MOVED, told.get(0).getEvent());
        assertEquals(NEW_ALERT, told.get(0).getAlertKey());

        newCopy();
        assertTrue(alerts.isEmpty(), "the carried alert is already open under the new name");
        assertEquals(AlertStatus.OPEN, state(NEW).getStatus());
        assertNull(state(NEW).getAwaitingMoveFrom());
    }

    @Test
    void aRenameOfAMirrorWithoutAlertsTellsTheNewOneAsOpened() {
        publish(snapshot(mirror(OLD, MirrorStatus.PRESENT, Map.of()), file("readme.md", 10)));
        assertTrue(alerts.isEmpty());

        newCopy();
        assertTrue(alerts.isEmpty());
        oldClosed();
        AlertEvent opened = alerts.readValue();
        assertEquals(AlertEventType.OPENED, opened.getEvent());
        assertEquals(NEW_ALERT, opened.getAlertKey());
        assertNull(opened.getMovedFrom());
        assertTrue(alerts.isEmpty());
    }

    @Test
    void aHeldAlertIsToldWhenTheOldNameNeverCloses() {
        newCopy();
        assertTrue(alerts.isEmpty());
        driver.advanceWallClockTime(Duration.ofMinutes(2));
        assertTrue(alerts.isEmpty(), "still inside the hold");

        driver.advanceWallClockTime(AlertMoveApplier.HOLD_LIMIT);
        AlertEvent opened = alerts.readValue();
        assertEquals(AlertEventType.OPENED, opened.getEvent());
        assertEquals(NEW_ALERT, opened.getAlertKey());
        assertNull(state(NEW).getAwaitingMoveFrom());

        oldClosed();
        assertTrue(alerts.isEmpty(), "a late close of an old name without alerts tells nothing");
    }

    @Test
    void aCopyResolvedBeforeItsRenameReappearsUnderTheNewName() {
        oldCopy();
        alerts.readValue();
        publish(snapshot(mirror(OLD, MirrorStatus.PRESENT, Map.of()), file("readme.md", 10)));
        assertEquals(AlertEventType.RESOLVED, alerts.readValue().getEvent());

        newCopy();
        assertTrue(alerts.isEmpty());
        oldClosed();
        AlertEvent back = alerts.readValue();
        assertEquals(AlertEventType.REAPPEARED, back.getEvent());
        assertEquals(NEW_ALERT, back.getAlertKey());
        assertEquals(1, back.getReappearances());
        assertEquals(OLD_ALERT, back.getMovedFrom());
        assertTrue(alerts.isEmpty());
    }

    @Test
    void aNewNameGoneBeforeTheMoveArrivesResolvesTheCarriedAlert() {
        oldCopy();
        alerts.readValue();
        newCopy();
        publish(snapshot(mirror(NEW, MirrorStatus.GONE, Map.of("renamedFrom", OLD))));
        assertTrue(alerts.isEmpty(), "nothing was told of the new name yet");

        oldClosed();
        AlertEvent resolved = alerts.readValue();
        assertEquals(AlertEventType.RESOLVED, resolved.getEvent());
        assertEquals(NEW_ALERT, resolved.getAlertKey());
        assertFalse(alerts.readValuesToList().stream().anyMatch(e -> e.getEvent() == AlertEventType.OPENED));
    }
}
