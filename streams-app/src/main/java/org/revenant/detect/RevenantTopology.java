package org.revenant.detect;

import java.net.URI;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.revenant.avro.AlertEvent;
import org.revenant.avro.AlertMove;
import org.revenant.avro.AlertState;
import org.revenant.avro.AnalystDecision;
import org.revenant.avro.ManifestChange;
import org.revenant.deadletter.DeadLetters;
import org.revenant.detect.census.CensusCounter;
import org.revenant.detect.decide.DecisionApplier;
import org.revenant.detect.guard.RejectedRecordException;
import org.revenant.detect.history.AlertHistoryRecorder;
import org.revenant.detect.history.MirrorHistoryRecorder;
import org.revenant.detect.match.SnapshotMatcher;
import org.revenant.detect.move.AlertMoveApplier;
import org.revenant.detect.publish.AlertJsonProjection;
import org.revenant.detect.registry.RegistryStoreUpdater;
import org.revenant.detect.registry.RegistryView;
import org.revenant.detect.state.StateStores;
import org.revenant.detect.tap.DetectionTap;
import org.revenant.wire.AlertCloudEvent;
import org.revenant.wire.AvroSerdes;
import org.revenant.wire.Topic;
import org.revenant.wire.Topics;

/**
 * Revenant's detection topology (architecture sections 4 to 7): the registry as a global store;
 * snapshots and analyst decisions (re-keyed by mirror) into one task that owns each mirror's
 * manifest and alerts; alerts, alert state, manifest changes and the JSON projection out. Every
 * node, store and internal topic has an explicit name.
 */
public final class RevenantTopology {

    static final String REGISTRY_SOURCE = "registry-source";
    static final String REGISTRY_UPDATER = "registry-updater";
    static final String SNAPSHOTS_SOURCE = "snapshots-source";
    static final String DECISIONS_SOURCE = "decisions-source";
    static final String DECISIONS_REPARTITION = "decisions-by-mirror";
    static final String MATCHER = "snapshot-matcher";
    static final String DECISIONS = "decision-applier";
    static final String ALERT_HISTORY = "alert-history";
    static final String MOVES_REPARTITION = "alert-moves-by-mirror";
    static final String MOVES = "alert-move-applier";
    static final String MIRROR_HISTORY = "mirror-history";
    static final String CENSUS_REPARTITION = "census-by-key";
    static final String CENSUS = "census-counter";

    private RevenantTopology() {}

    /** A topology with its own registry view; see {@link #build(DetectConfig, RegistryView)}. */
    public static Topology build(DetectConfig config) {
        return build(config, new RegistryView());
    }

    public static Topology build(DetectConfig config, RegistryView view) {
        return build(config, view, DetectionTap.NONE);
    }

    /** The topology reporting chunks and alerts to the tap (metrics); skipped registry records are only logged. */
    public static Topology build(DetectConfig config, RegistryView view, DetectionTap tap) {
        return build(config, view, tap, DeadLetters.NONE);
    }

    /**
     * The topology with a writer for the dead letters of the registry processor, which Kafka
     * Streams' own dead-letter queue does not cover (global processors get no processing
     * exception handler). Task processors reject records by throwing {@link RejectedRecordException};
     * the configured handler writes those (see {@link RevenantStreams#properties}).
     */
    public static Topology build(
            DetectConfig config, RegistryView view, DetectionTap tap, DeadLetters registryDeadLetters) {
        Topics topics = config.topics();
        StateStores stores = new StateStores(topics);
        StreamsBuilder builder = new StreamsBuilder();

        builder.addGlobalStore(
                stores.registry.builder().withLoggingDisabled(),
                topics.registry.name(),
                Consumed.with(Serdes.String(), Serdes.ByteArray()).withName(REGISTRY_SOURCE),
                () -> new RegistryStoreUpdater(
                        view,
                        tap,
                        registryDeadLetters,
                        topics.dlq.name(),
                        topics.registry.valueSerde().deserializer()));

        builder.addStateStore(stores.assembly.builder());
        builder.addStateStore(stores.alerts.builder());
        // The per-entry layout of the release before paged manifests: read once, to convert (decision 014).
        builder.addStateStore(stores.manifestEntries.builder());
        builder.addStateStore(stores.manifestPages.builder());
        builder.addStateStore(stores.manifestPending.builder());
        builder.addStateStore(stores.manifestMirrors.builder());
        builder.addStateStore(stores.registrySeen.builder());
        // Kept only for the HTTP API (alert timelines, mirror change histories), in the tasks that own the mirrors.
        builder.addStateStore(stores.alertHistory.builder());
        builder.addStateStore(stores.mirrorHistory.builder());
        // The census task: per dataset and platform, from the alert states re-keyed by census key (decision 019).
        builder.addStateStore(stores.census.builder());
        builder.addStateStore(stores.censusMirrors.builder());

        KStream<String, SpecificRecord> matched = builder.stream(
                        topics.snapshots.name(), consumed(topics.snapshots, SNAPSHOTS_SOURCE))
                .peek((key, chunk) -> tap.chunk(chunk), Named.as("snapshots-tap"))
                .process(
                        () -> new SnapshotMatcher(view, config.alertThreshold(), config.registryCheckInterval(), tap),
                        Named.as(MATCHER),
                        StateStores.ASSEMBLY,
                        StateStores.ALERTS,
                        StateStores.MANIFEST_ENTRIES,
                        StateStores.MANIFEST_PAGES,
                        StateStores.MANIFEST_PENDING,
                        StateStores.MANIFEST_MIRRORS,
                        StateStores.REGISTRY_SEEN,
                        StateStores.ALERT_HISTORY);

        // A renamed mirror's alerts travel from the old key's task to the new key's (decision 016).
        KStream<String, SpecificRecord> moved = matched.filter(
                        (key, value) -> value instanceof AlertMove, Named.as("alert-moves"))
                .mapValues(v -> (AlertMove) v, Named.as("as-alert-move"))
                .repartition(Repartitioned.<String, AlertMove>as(MOVES_REPARTITION)
                        .withKeySerde(Serdes.String())
                        .withValueSerde(AvroSerdes.of(AlertMove.class)))
                .process(AlertMoveApplier::new, Named.as(MOVES), StateStores.ALERTS, StateStores.ALERT_HISTORY);
        KStream<String, SpecificRecord> detected =
                matched.filterNot((key, value) -> value instanceof AlertMove, Named.as("matched-not-moves"));

        KStream<String, SpecificRecord> decided = builder.stream(
                        topics.decisions.name(), consumed(topics.decisions, DECISIONS_SOURCE))
                .filter((key, decision) -> decision != null, Named.as("decisions-present"))
                .mapValues(
                        decision -> {
                            String problem = DecisionApplier.violation(decision);
                            if (problem != null) {
                                tap.deadLettered(topics.decisions.name(), problem);
                                throw new RejectedRecordException("decision rejected: " + problem);
                            }
                            return decision;
                        },
                        Named.as("decisions-checked"))
                .selectKey(
                        (key, decision) -> DecisionApplier.mirrorKeyOf(decision.getAlertKey()),
                        Named.as("decisions-keyed-by-mirror"))
                .repartition(Repartitioned.<String, AnalystDecision>as(DECISIONS_REPARTITION)
                        .withKeySerde(Serdes.String())
                        .withValueSerde(topics.decisions.valueSerde()))
                .process(
                        () -> new DecisionApplier(config.takedownOverdueAfter()),
                        Named.as(DECISIONS),
                        StateStores.ALERTS,
                        StateStores.MANIFEST_MIRRORS);

        detected.merge(decided, Named.as("detections"))
                .merge(moved, Named.as("detections-and-moves"))
                .split(Named.as("by-type-"))
                .branch(
                        (key, value) -> value instanceof AlertEvent,
                        Branched.withConsumer(
                                alerts -> {
                                    KStream<String, AlertEvent> typed =
                                            alerts.mapValues(v -> (AlertEvent) v, Named.as("as-alert-event"));
                                    typed.to(topics.alerts.name(), produced(topics.alerts, "alerts-sink"));
                                    typed.process(
                                            () -> new AlertHistoryRecorder(tap),
                                            Named.as(ALERT_HISTORY),
                                            StateStores.ALERT_HISTORY);
                                    if (config.jsonProjection()) {
                                        URI source = AlertCloudEvent.source(topics);
                                        typed.processValues(
                                                        () -> new AlertJsonProjection(source),
                                                        Named.as("alerts-json-projection"))
                                                .to(
                                                        topics.alertsJson.name(),
                                                        produced(topics.alertsJson, "alerts-json-sink"));
                                    }
                                },
                                "alerts"))
                .branch(
                        (key, value) -> value instanceof AlertState,
                        Branched.withConsumer(
                                states -> {
                                    KStream<String, AlertState> typed =
                                            states.mapValues(v -> (AlertState) v, Named.as("as-alert-state"));
                                    typed.to(topics.alertState.name(), produced(topics.alertState, "alert-state-sink"));
                                    census(typed, topics);
                                },
                                "states"))
                .branch(
                        (key, value) -> value instanceof ManifestChange,
                        Branched.withConsumer(
                                changes -> {
                                    KStream<String, ManifestChange> typed =
                                            changes.mapValues(v -> (ManifestChange) v, Named.as("as-manifest-change"));
                                    typed.to(topics.changes.name(), produced(topics.changes, "changes-sink"));
                                    typed.process(
                                            MirrorHistoryRecorder::new,
                                            Named.as(MIRROR_HISTORY),
                                            StateStores.MIRROR_HISTORY);
                                },
                                "changes"))
                .noDefaultBranch();
        return builder.build();
    }

    /**
     * The census sub-topology: each alert state to the census of its dataset, its platform and its
     * parent dataset, through a named repartition topic, counted there and published to the
     * compacted stats topic.
     */
    private static void census(KStream<String, AlertState> states, Topics topics) {
        states.flatMap((key, state) -> CensusCounter.routes(state), Named.as("census-keys"))
                .repartition(Repartitioned.<String, AlertState>as(CENSUS_REPARTITION)
                        .withKeySerde(Serdes.String())
                        .withValueSerde(topics.alertState.valueSerde()))
                .process(CensusCounter::new, Named.as(CENSUS), StateStores.CENSUS, StateStores.CENSUS_MIRRORS)
                .to(topics.stats.name(), produced(topics.stats, "stats-sink"));
    }

    private static <K, V> Consumed<K, V> consumed(Topic<K, V> topic, String name) {
        return Consumed.with(topic.keySerde(), topic.valueSerde()).withName(name);
    }

    private static <K, V> Produced<K, V> produced(Topic<K, V> topic, String name) {
        return Produced.with(topic.keySerde(), topic.valueSerde()).withName(name);
    }
}
