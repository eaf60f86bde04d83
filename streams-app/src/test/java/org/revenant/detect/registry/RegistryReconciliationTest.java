package org.revenant.detect.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.api.Processor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.revenant.avro.AlertEvent;
import org.revenant.avro.AlertEventType;
import org.revenant.avro.AlertState;
import org.revenant.avro.SnapshotChunk;
import org.revenant.detect.Fixtures;
import org.revenant.detect.match.SnapshotMatcher;
import org.revenant.detect.state.MirrorScopedKey;
import org.revenant.detect.state.StateStores;
import org.revenant.testkit.TopologyHarness;
import org.revenant.wire.Topics;

/**
 * The snapshot matcher alone, with the registry view swapped by hand, so the retroactive check
 * runs only when the test moves the wall clock (docs/decisions/005).
 */
class RegistryReconciliationTest {

    private static final Duration CHECK = Duration.ofSeconds(1);
    private static final String MIRROR = "torrent:" + Fixtures.MS_CELEB_BTIH;

    @TempDir
    Path stateDir;

    private final Topics topics = Topics.defaults();
    private final RegistryView view = new RegistryView();
    private final List<SpecificRecord> out = new CopyOnWriteArrayList<>();
    private TopologyHarness harness;
    private TestInputTopic<String, SnapshotChunk> snapshots;

    @BeforeEach
    void start() {
        StateStores stores = new StateStores(topics);
        Topology topology = new Topology();
        topology.addSource(
                "snapshots",
                topics.snapshots.keySerde().deserializer(),
                topics.snapshots.valueSerde().deserializer(),
                topics.snapshots.name());
        topology.addProcessor("matcher", () -> new SnapshotMatcher(view, 0.5, CHECK), "snapshots");
        topology.addProcessor(
                "out",
                () -> (Processor<String, SpecificRecord, Void, Void>) record -> out.add(record.value()),
                "matcher");
        for (StateStores.Store<?> store : List.of(
                stores.assembly,
                stores.alerts,
                stores.manifestEntries,
                stores.manifestPages,
                stores.manifestPending,
                stores.manifestMirrors,
                stores.registrySeen,
                stores.alertHistory)) {
            topology.addStateStore(store.builder(), "matcher");
        }
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "reconciliation-test");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        harness = new TopologyHarness(topology, props);
        snapshots = harness.input(topics.snapshots);
    }

    @AfterEach
    void stop() {
        harness.close();
    }

    @Test
    void aDatasetAddedAfterTheCrawlFindsTheHeldManifestOnTheNextTick() {
        for (SnapshotChunk chunk :
                Fixtures.snapshot(Fixtures.torrent(Fixtures.MS_CELEB_BTIH), Fixtures.file("MsCeleb/a.tsv", 10))) {
            snapshots.pipeInput(MIRROR, chunk);
        }
        harness.advanceWallClock(CHECK);
        assertTrue(alertEvents().isEmpty(), "nothing to match against yet: " + out);

        view.swap(new RegistryIndex(List.of(Fixtures.msCeleb())));
        assertTrue(alertEvents().isEmpty(), "the registry change waits for the punctuation");
        harness.advanceWallClock(CHECK);

        List<AlertEvent> events = alertEvents();
        assertEquals(
                List.of(AlertEventType.OPENED),
                events.stream().map(AlertEvent::getEvent).toList());
        assertTrue(
                events.get(0).getEventId().contains("registry-"),
                "the cause is the registry change: " + events.get(0).getEventId());
        AlertState stored =
                harness.<String, AlertState>store(StateStores.ALERTS).get(MirrorScopedKey.of(MIRROR, "ms-celeb-1m"));
        assertNotNull(stored);
        assertNotNull(
                harness.<String, String>store(StateStores.REGISTRY_SEEN).get("ms-celeb-1m"),
                "the reconciled version is remembered");

        harness.advanceWallClock(CHECK);
        assertEquals(1, alertEvents().size(), "an applied registry change is not applied again");
    }

    @Test
    void aDatasetRemovedFromTheRegistryResolvesItsAlerts() {
        view.swap(new RegistryIndex(List.of(Fixtures.msCeleb())));
        harness.advanceWallClock(CHECK);
        for (SnapshotChunk chunk :
                Fixtures.snapshot(Fixtures.torrent(Fixtures.MS_CELEB_BTIH), Fixtures.file("MsCeleb/a.tsv", 10))) {
            snapshots.pipeInput(MIRROR, chunk);
        }
        assertEquals(
                List.of(AlertEventType.OPENED),
                alertEvents().stream().map(AlertEvent::getEvent).toList());

        view.swap(new RegistryIndex(List.of()));
        harness.advanceWallClock(CHECK);

        assertEquals(
                List.of(AlertEventType.OPENED, AlertEventType.RESOLVED),
                alertEvents().stream().map(AlertEvent::getEvent).toList());
    }

    private List<AlertEvent> alertEvents() {
        return out.stream()
                .filter(AlertEvent.class::isInstance)
                .map(AlertEvent.class::cast)
                .toList();
    }
}
