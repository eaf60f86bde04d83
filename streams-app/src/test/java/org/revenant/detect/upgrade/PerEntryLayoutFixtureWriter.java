package org.revenant.detect.upgrade;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;
import org.revenant.avro.AnalystDecision;
import org.revenant.avro.DecisionKind;
import org.revenant.avro.RetractedDataset;
import org.revenant.avro.SnapshotChunk;
import org.revenant.detect.DetectConfig;
import org.revenant.detect.Fixtures;
import org.revenant.detect.RevenantStreams;
import org.revenant.detect.RevenantTopology;
import org.revenant.detect.state.StateStores;
import org.revenant.wire.Topics;

/**
 * Writes the detection stores of the per-entry manifest layout (the release before paged
 * manifests) to a fixture, for the upgrade test. Run once with the release that wrote that
 * layout: {@code -Drevenant.writeUpgradeFixture=true}.
 */
@EnabledIfSystemProperty(named = "revenant.writeUpgradeFixture", matches = "true")
class PerEntryLayoutFixtureWriter {

    @TempDir
    Path stateDir;

    @Test
    void write() throws Exception {
        Topics topics = Topics.defaults();
        Properties props =
                RevenantStreams.properties(DetectConfig.defaults(topics), new Properties(), "fixture", stateDir);
        props.put("bootstrap.servers", "unused:9092");
        StateStores stores = new StateStores(topics);
        try (TopologyTestDriver driver =
                new TopologyTestDriver(RevenantTopology.build(DetectConfig.defaults(topics)), props)) {
            TestInputTopic<String, RetractedDataset> registry = driver.createInputTopic(
                    topics.registry.name(),
                    Serdes.String().serializer(),
                    topics.registry.valueSerde().serializer());
            TestInputTopic<String, SnapshotChunk> snapshots = driver.createInputTopic(
                    topics.snapshots.name(),
                    Serdes.String().serializer(),
                    topics.snapshots.valueSerde().serializer());
            TestInputTopic<String, AnalystDecision> decisions = driver.createInputTopic(
                    topics.decisions.name(),
                    Serdes.String().serializer(),
                    topics.decisions.valueSerde().serializer());
            registry.pipeInput("ms-celeb-1m", Fixtures.msCeleb());
            registry.pipeInput("ms-celeb-1m-v1c", Fixtures.ms1mv1c());
            driver.advanceWallClockTime(java.time.Duration.ofMinutes(10)); // reconcile: registry-seen

            for (SnapshotChunk c : Fixtures.snapshot(UpgradeScenario.ALERTED, 100, UpgradeScenario.alertedFiles())) {
                snapshots.pipeInput(c.getMirror().getKey(), c);
            }
            for (SnapshotChunk c : Fixtures.snapshot(UpgradeScenario.DECIDED, 100, UpgradeScenario.decidedFiles())) {
                snapshots.pipeInput(c.getMirror().getKey(), c);
            }
            String decided = "ms-celeb-1m|" + UpgradeScenario.DECIDED.getKey();
            decisions.pipeInput(
                    decided,
                    AnalystDecision.newBuilder()
                            .setAlertKey(decided)
                            .setDecision(DecisionKind.FALSE_POSITIVE)
                            .setNote("a benchmark of the same sizes")
                            .setBy("alice")
                            .setAt(Instant.parse("2026-11-22T01:00:00Z"))
                            .build());
            for (SnapshotChunk c : Fixtures.snapshot(UpgradeScenario.HALF, 100, UpgradeScenario.halfFirst())) {
                snapshots.pipeInput(c.getMirror().getKey(), c);
            }
            List<SnapshotChunk> second = Fixtures.snapshot(UpgradeScenario.HALF, 100, UpgradeScenario.halfSecond());
            assertEquals(2, second.size());
            snapshots.pipeInput(UpgradeScenario.HALF.getKey(), second.get(0)); // chunk 1 of 2 only: in progress

            ObjectMapper json = new ObjectMapper();
            List<String> lines = new ArrayList<>();
            for (StateStores.Store<?> store : stores.all()) {
                if (store.name().equals(StateStores.REGISTRY) || store.name().startsWith("census")) {
                    continue;
                }
                dump(driver, store, json, lines);
            }
            Path out = Path.of(System.getProperty("revenant.upgradeFixture"));
            Files.write(out, lines, StandardCharsets.UTF_8);
        }
    }

    @SuppressWarnings("unchecked")
    private static <V> void dump(
            TopologyTestDriver driver, StateStores.Store<V> store, ObjectMapper json, List<String> lines)
            throws Exception {
        KeyValueStore<String, V> kv = driver.getKeyValueStore(store.name());
        try (KeyValueIterator<String, V> it = kv.all()) {
            while (it.hasNext()) {
                KeyValue<String, V> r = it.next();
                Map<String, String> line = new LinkedHashMap<>();
                line.put("store", store.name());
                line.put("key", Base64.getEncoder().encodeToString(r.key.getBytes(StandardCharsets.UTF_8)));
                line.put(
                        "value",
                        Base64.getEncoder()
                                .encodeToString(store.valueSerde().serializer().serialize("x", r.value)));
                lines.add(json.writeValueAsString(line));
            }
        }
    }
}
