package org.revenant.detect.match;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.revenant.avro.AlertEvent;
import org.revenant.avro.AlertState;
import org.revenant.avro.AssemblyState;
import org.revenant.avro.Evidence;
import org.revenant.avro.Hit;
import org.revenant.avro.ManifestEntry;
import org.revenant.avro.Mirror;
import org.revenant.avro.MirrorStatus;
import org.revenant.avro.RetractedDataset;
import org.revenant.avro.Severity;
import org.revenant.avro.SnapshotChunk;
import org.revenant.detect.lifecycle.AlertLifecycle;
import org.revenant.detect.registry.RegistryIndex;
import org.revenant.detect.registry.RegistryView;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Assembles a mirror's snapshot from its chunks, matching each chunk against the registry as it
 * arrives (so a huge snapshot is never held in memory), and when the last chunk is in, scores the
 * evidence per dataset and runs each (dataset, mirror) alert through its lifecycle.
 */
public final class SnapshotMatcher implements Processor<String, SnapshotChunk, String, SpecificRecord> {

    public static final String ASSEMBLY_STORE = "snapshot-assembly-store";
    public static final String ALERT_STORE = "alert-state-store";
    /** Child processor names this processor forwards to. */
    public static final String ALERTS_CHILD = "alerts-out";
    public static final String STATES_CHILD = "alert-states-out";

    private static final Logger LOG = LoggerFactory.getLogger(SnapshotMatcher.class);
    private static final Set<MirrorStatus> UNAVAILABLE =
            EnumSet.of(MirrorStatus.GONE, MirrorStatus.BLOCKED, MirrorStatus.DISABLED, MirrorStatus.PRIVATE);
    private static final char SEP = '\u0000';

    private final RegistryView registry;
    private final double threshold;
    private ProcessorContext<String, SpecificRecord> context;
    private KeyValueStore<String, AssemblyState> assemblies;
    private KeyValueStore<String, AlertState> alerts;

    public SnapshotMatcher(RegistryView registry, double threshold) {
        this.registry = Objects.requireNonNull(registry, "registry");
        if (!(threshold > 0 && threshold <= 1)) {
            throw new IllegalArgumentException("alert threshold must be in (0, 1]: " + threshold);
        }
        this.threshold = threshold;
    }

    @Override
    public void init(ProcessorContext<String, SpecificRecord> context) {
        this.context = context;
        this.assemblies = context.getStateStore(ASSEMBLY_STORE);
        this.alerts = context.getStateStore(ALERT_STORE);
    }

    @Override
    public void process(Record<String, SnapshotChunk> record) {
        SnapshotChunk chunk = record.value();
        if (chunk == null) {
            return;
        }
        String mirrorKey = chunk.getMirror().getKey();
        if (chunk.getChunkCount() < 1 || chunk.getChunkIndex() < 0 || chunk.getChunkIndex() >= chunk.getChunkCount()) {
            LOG.warn("ignoring chunk {}/{} of snapshot {} of {}: index out of range",
                    chunk.getChunkIndex(), chunk.getChunkCount(), chunk.getSnapshotId(), mirrorKey);
            return;
        }
        if (chunk.getMirror().getStatus() == MirrorStatus.ERROR) {
            // A failed crawl says nothing about the mirror: keep every alert as it is.
            return;
        }
        AssemblyState assembly = assemblies.get(mirrorKey);
        if (assembly == null || !assembly.getSnapshotId().equals(chunk.getSnapshotId())) {
            if (assembly != null) {
                LOG.warn("snapshot {} of {} abandoned after {}/{} chunks: superseded by {}", assembly.getSnapshotId(),
                        mirrorKey, assembly.getReceivedChunks(), assembly.getChunkCount(), chunk.getSnapshotId());
            }
            assembly = AssemblyState.newBuilder()
                    .setSnapshotId(chunk.getSnapshotId())
                    .setMirror(chunk.getMirror())
                    .setObservedAt(chunk.getObservedAt())
                    .setChunkCount(chunk.getChunkCount())
                    .setChunksSeen(ByteBuffer.wrap(new byte[0]))
                    .setReceivedChunks(0)
                    .setEntries(0)
                    .setHits(new ArrayList<>())
                    .build();
        }
        BitSet seen = BitSet.valueOf(assembly.getChunksSeen());
        if (seen.get(chunk.getChunkIndex()) || chunk.getChunkCount() != assembly.getChunkCount()) {
            return; // a redelivered or inconsistent chunk adds nothing
        }
        seen.set(chunk.getChunkIndex());
        RegistryIndex index = registry.current();
        HitCollector hits = new HitCollector(assembly.getHits());
        if (assembly.getReceivedChunks() == 0) {
            index.matchMirror(chunk.getMirror(), hits);
        }
        for (ManifestEntry entry : chunk.getEntries()) {
            index.matchEntry(entry, hits);
        }
        assembly.setChunksSeen(ByteBuffer.wrap(seen.toByteArray()));
        assembly.setReceivedChunks(assembly.getReceivedChunks() + 1);
        assembly.setEntries(assembly.getEntries() + chunk.getEntries().size());
        assembly.setHits(hits.hits());
        if (assembly.getReceivedChunks() == assembly.getChunkCount()) {
            assemblies.delete(mirrorKey);
            complete(assembly, index, record.timestamp());
        } else {
            assemblies.put(mirrorKey, assembly);
        }
    }

    private void complete(AssemblyState snapshot, RegistryIndex index, long timestamp) {
        Mirror mirror = snapshot.getMirror();
        String mirrorKey = mirror.getKey();
        Instant observedAt = snapshot.getObservedAt();
        Map<String, AlertState> existing = statesOf(mirrorKey);
        Map<String, List<Evidence>> byDataset = new LinkedHashMap<>();
        if (!UNAVAILABLE.contains(mirror.getStatus())) {
            for (Hit hit : snapshot.getHits()) {
                byDataset.computeIfAbsent(hit.getDatasetId(), k -> new ArrayList<>()).add(hit.getEvidence());
            }
        }
        Set<String> matched = new HashSet<>();
        for (var entry : byDataset.entrySet()) {
            RetractedDataset dataset = index.dataset(entry.getKey());
            if (dataset == null || index.isAllowed(dataset.getId(), mirrorKey)) {
                continue;
            }
            double confidence = Scoring.confidence(entry.getValue());
            if (confidence < threshold) {
                continue;
            }
            Severity severity = Scoring.severity(confidence, entry.getValue());
            if (dataset.getSeverity() != null && severity.ordinal() > dataset.getSeverity().ordinal()) {
                // The registry caps what a match can prove (e.g. an unverified derivative).
                severity = dataset.getSeverity();
            }
            RetractedDataset parent = dataset.getParent() == null ? null : index.dataset(dataset.getParent());
            var assessment = new AlertLifecycle.Assessment(dataset, parent, mirror, snapshot.getSnapshotId(),
                    observedAt, entry.getValue(), confidence, severity);
            matched.add(dataset.getId());
            apply(AlertLifecycle.onMatch(existing.get(dataset.getId()), assessment), snapshot, timestamp);
        }
        for (var entry : existing.entrySet()) {
            if (!matched.contains(entry.getKey())) {
                apply(AlertLifecycle.onNoMatch(entry.getValue(), snapshot.getSnapshotId(), observedAt), snapshot, timestamp);
            }
        }
    }

    private void apply(AlertLifecycle.Transition transition, AssemblyState snapshot, long timestamp) {
        AlertState state = transition.state();
        if (state == null) {
            return;
        }
        AlertState before = alerts.get(storeKey(state.getMirrorKey(), state.getDatasetId()));
        if (transition.event() == null && state.equals(before)) {
            return;
        }
        alerts.put(storeKey(state.getMirrorKey(), state.getDatasetId()), state);
        context.forward(new Record<>(state.getAlertKey(), state, timestamp), STATES_CHILD);
        if (transition.event() != null) {
            AlertEvent event = AlertLifecycle.eventOf(state, transition.event(), snapshot.getSnapshotId(), snapshot.getObservedAt());
            context.forward(new Record<>(state.getAlertKey(), event, timestamp), ALERTS_CHILD);
        }
    }

    private Map<String, AlertState> statesOf(String mirrorKey) {
        Map<String, AlertState> states = new HashMap<>();
        try (KeyValueIterator<String, AlertState> it = alerts.prefixScan(mirrorKey + SEP,
                new org.apache.kafka.common.serialization.StringSerializer())) {
            it.forEachRemaining(kv -> states.put(kv.value.getDatasetId(), kv.value));
        }
        return states;
    }

    static String storeKey(String mirrorKey, String datasetId) {
        return mirrorKey + SEP + datasetId;
    }

    /** Collects hits, each distinct (dataset, signature) once, keeping the first path seen. */
    private static final class HitCollector implements RegistryIndex.HitSink {
        private final Map<String, Hit> hits = new LinkedHashMap<>();

        HitCollector(List<Hit> previous) {
            for (Hit hit : previous) {
                hits.put(key(hit.getDatasetId(), hit.getEvidence()), hit);
            }
        }

        @Override
        public void hit(String datasetId, Evidence evidence) {
            hits.putIfAbsent(key(datasetId, evidence), new Hit(datasetId, evidence));
        }

        List<Hit> hits() {
            return new ArrayList<>(hits.values());
        }

        private static String key(String datasetId, Evidence e) {
            return datasetId + SEP + e.getKind() + SEP + e.getSignature();
        }
    }
}
