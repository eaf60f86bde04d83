package org.revenant.detect;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.Stores;
import org.revenant.avro.AlertEvent;
import org.revenant.avro.AssemblyState;
import org.revenant.avro.MirrorRecord;
import org.revenant.avro.StoredEntry;
import org.revenant.detect.manifest.ManifestStore;
import org.revenant.detect.match.SnapshotMatcher;
import org.revenant.detect.registry.RegistryStoreUpdater;
import org.revenant.detect.registry.RegistryView;
import org.revenant.wire.AlertJson;
import org.revenant.wire.AvroSerdes;
import org.revenant.wire.Topics;

/**
 * Revenant's detection topology: registry (global) + snapshots in; alerts, alert state and the
 * JSON projection out. Every node and store has an explicit name.
 */
public final class RevenantTopology {

    static final String REGISTRY_SOURCE = "registry-source";
    static final String REGISTRY_UPDATER = "registry-updater";
    static final String SNAPSHOTS_SOURCE = "snapshots-source";
    static final String MATCHER = "snapshot-matcher";
    static final String ALERTS_SINK = "alerts-sink";
    static final String STATES_SINK = "alert-state-sink";
    static final String JSON_PROJECTION = "alerts-json-projection";
    static final String JSON_SINK = "alerts-json-sink";
    static final String CHANGES_SINK = "changes-sink";

    private RevenantTopology() {}

    /** A topology with its own registry view; see {@link #build(DetectConfig, RegistryView)}. */
    public static Topology build(DetectConfig config) {
        return build(config, new RegistryView());
    }

    public static Topology build(DetectConfig config, RegistryView view) {
        Topics topics = config.topics();
        Topology topology = new Topology();

        topology.addGlobalStore(
                Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(RegistryStoreUpdater.STORE),
                        Serdes.String(), topics.registry.valueSerde()).withLoggingDisabled(),
                REGISTRY_SOURCE,
                topics.registry.keySerde().deserializer(), topics.registry.valueSerde().deserializer(),
                topics.registry.name(), REGISTRY_UPDATER,
                () -> new RegistryStoreUpdater(view));

        topology.addSource(SNAPSHOTS_SOURCE, topics.snapshots.keySerde().deserializer(),
                topics.snapshots.valueSerde().deserializer(), topics.snapshots.name());
        ProcessorSupplier<String, org.revenant.avro.SnapshotChunk, String, SpecificRecord> matcher =
                () -> new SnapshotMatcher(view, config.alertThreshold(), config.registryCheckInterval());
        topology.addProcessor(MATCHER, matcher, SNAPSHOTS_SOURCE);
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(SnapshotMatcher.ASSEMBLY_STORE),
                Serdes.String(), AvroSerdes.of(AssemblyState.class)), MATCHER);
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(SnapshotMatcher.ALERT_STORE),
                Serdes.String(), topics.alertState.valueSerde()), MATCHER);
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(ManifestStore.ENTRIES_STORE),
                Serdes.String(), AvroSerdes.of(StoredEntry.class)), MATCHER);
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(ManifestStore.MIRRORS_STORE),
                Serdes.String(), AvroSerdes.of(MirrorRecord.class)), MATCHER);
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(SnapshotMatcher.REGISTRY_SEEN_STORE),
                Serdes.String(), Serdes.String()), MATCHER);

        // The matcher forwards to named children; plain pass-throughs give each output its sink.
        topology.addProcessor(SnapshotMatcher.ALERTS_CHILD, PassThrough::new, MATCHER);
        topology.addProcessor(SnapshotMatcher.STATES_CHILD, PassThrough::new, MATCHER);
        topology.addProcessor(SnapshotMatcher.CHANGES_CHILD, PassThrough::new, MATCHER);
        topology.addSink(CHANGES_SINK, topics.changes.name(), topics.changes.keySerde().serializer(),
                topics.changes.valueSerde().serializer(), SnapshotMatcher.CHANGES_CHILD);
        topology.addSink(ALERTS_SINK, topics.alerts.name(), topics.alerts.keySerde().serializer(),
                topics.alerts.valueSerde().serializer(), SnapshotMatcher.ALERTS_CHILD);
        topology.addSink(STATES_SINK, topics.alertState.name(), topics.alertState.keySerde().serializer(),
                topics.alertState.valueSerde().serializer(), SnapshotMatcher.STATES_CHILD);
        if (config.jsonProjection()) {
            topology.addProcessor(JSON_PROJECTION, JsonProjection::new, SnapshotMatcher.ALERTS_CHILD);
            topology.addSink(JSON_SINK, topics.alertsJson.name(), topics.alertsJson.keySerde().serializer(),
                    topics.alertsJson.valueSerde().serializer(), JSON_PROJECTION);
        }
        return topology;
    }

    /** Forwards records unchanged, narrowing their type for the sink's serializer. */
    static final class PassThrough<V> extends ContextualProcessor<String, V, String, V> {
        @Override
        public void process(Record<String, V> record) {
            context().forward(record);
        }
    }

    /** The alerts.json topic: the DESIGN section 9 JSON of each alert event. */
    static final class JsonProjection extends ContextualProcessor<String, AlertEvent, String, String> {
        @Override
        public void process(Record<String, AlertEvent> record) {
            context().forward(record.withValue(AlertJson.toJson(record.value())));
        }
    }

}
