package org.revenant.detect.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.revenant.detect.Fixtures.MS_CELEB_BTIH;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.revenant.avro.AlertEvent;
import org.revenant.avro.AlertEventType;
import org.revenant.avro.ChangeKind;
import org.revenant.avro.ManifestChange;
import org.revenant.avro.ManifestEntry;
import org.revenant.avro.Mirror;
import org.revenant.avro.MirrorStatus;
import org.revenant.avro.SnapshotChunk;
import org.revenant.detect.DetectConfig;
import org.revenant.detect.Fixtures;
import org.revenant.detect.RevenantStreams;
import org.revenant.detect.RevenantTopology;
import org.revenant.detect.registry.RegistryView;
import org.revenant.detect.state.StateStores;
import org.revenant.detect.tap.DetectionTap;
import org.revenant.wire.Topics;

class QueryStoresTest {

    @TempDir
    Path stateDir;

    private final Topics topics = Topics.defaults();
    private final List<AlertEvent> tapped = new CopyOnWriteArrayList<>();
    private final List<SnapshotChunk> chunks = new CopyOnWriteArrayList<>();
    private TopologyTestDriver driver;
    private TestInputTopic<String, SnapshotChunk> snapshots;

    @BeforeEach
    void start() {
        Properties props =
                RevenantStreams.properties(DetectConfig.defaults(topics), new Properties(), "history-test", stateDir);
        props.put("bootstrap.servers", "unused:9092");
        DetectionTap tap = new DetectionTap() {
            @Override
            public void chunk(SnapshotChunk chunk) {
                chunks.add(chunk);
            }

            @Override
            public void alert(AlertEvent event) {
                tapped.add(event);
            }
        };
        driver = new TopologyTestDriver(
                RevenantTopology.build(DetectConfig.defaults(topics), new RegistryView(), tap), props);
        driver.createInputTopic(
                        topics.registry.name(),
                        Serdes.String().serializer(),
                        topics.registry.valueSerde().serializer())
                .pipeInput("ms-celeb-1m", Fixtures.msCeleb());
        snapshots = driver.createInputTopic(
                topics.snapshots.name(),
                Serdes.String().serializer(),
                topics.snapshots.valueSerde().serializer());
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    @Test
    void alertTimelineAndMirrorChangesAreKeptInOrderIncludingTheReappearance() {
        String mirror = "torrent:" + MS_CELEB_BTIH;
        publish(Fixtures.torrent(MS_CELEB_BTIH), Fixtures.file("MsCeleb/a.tsv", 10));
        publish(Fixtures.mirror(mirror, MirrorStatus.GONE, Map.of("btih", MS_CELEB_BTIH)));
        publish(Fixtures.torrent(MS_CELEB_BTIH), Fixtures.file("MsCeleb/a.tsv", 10));

        KeyValueStore<String, AlertEvent> alertHistory = driver.getKeyValueStore(StateStores.ALERT_HISTORY);
        List<AlertEventType> events =
                BoundedHistory.read(alertHistory, AlertHistoryRecorder.owner(mirror, "ms-celeb-1m")).stream()
                        .map(AlertEvent::getEvent)
                        .toList();
        assertEquals(List.of(AlertEventType.OPENED, AlertEventType.RESOLVED, AlertEventType.REAPPEARED), events);
        assertEquals(events, tapped.stream().map(AlertEvent::getEvent).toList(), "every event reaches the tap");
        assertEquals(3, chunks.size());

        KeyValueStore<String, ManifestChange> mirrorHistory = driver.getKeyValueStore(StateStores.MIRROR_HISTORY);
        assertEquals(
                List.of(ChangeKind.APPEARED, ChangeKind.GONE, ChangeKind.REAPPEARED),
                BoundedHistory.read(mirrorHistory, mirror).stream()
                        .map(ManifestChange::getKind)
                        .toList());
    }

    @Test
    void historyKeepsOnlyTheNewestItemsOfEachOwner() {
        KeyValueStore<String, String> store = Stores.keyValueStoreBuilder(
                        Stores.inMemoryKeyValueStore("h"), Serdes.String(), Serdes.String())
                .withLoggingDisabled()
                .build();
        MockProcessorContext<Void, Void> context = new MockProcessorContext<>();
        store.init(context.getStateStoreContext(), store);
        BoundedHistory<String> history = new BoundedHistory<>(store, 3);
        for (int i = 0; i < 12; i++) {
            history.append("a", "a" + i);
        }
        history.append("ab", "other");
        assertEquals(List.of("a9", "a10", "a11"), BoundedHistory.read(store, "a"));
        assertEquals(List.of("other"), BoundedHistory.read(store, "ab"));
    }

    private void publish(Mirror mirror, ManifestEntry... entries) {
        for (SnapshotChunk chunk : Fixtures.snapshot(mirror, entries)) {
            snapshots.pipeInput(mirror.getKey(), chunk);
        }
    }
}
