package org.revenant.detect.match;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.Cancellable;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.revenant.avro.AlertEvent;
import org.revenant.avro.AlertEventType;
import org.revenant.avro.AlertMove;
import org.revenant.avro.AlertState;
import org.revenant.avro.AssemblyState;
import org.revenant.avro.ChangeKind;
import org.revenant.avro.ChangeSample;
import org.revenant.avro.EntryKind;
import org.revenant.avro.ManifestChange;
import org.revenant.avro.ManifestEntry;
import org.revenant.avro.Mirror;
import org.revenant.avro.MirrorRecord;
import org.revenant.avro.MirrorStatus;
import org.revenant.avro.RetractedDataset;
import org.revenant.avro.SnapshotChunk;
import org.revenant.detect.guard.RejectedRecordException;
import org.revenant.detect.history.AlertHistoryRecorder;
import org.revenant.detect.history.BoundedHistory;
import org.revenant.detect.lifecycle.AlertLifecycle;
import org.revenant.detect.manifest.ManifestStore;
import org.revenant.detect.move.AlertMoveApplier;
import org.revenant.detect.registry.RegistryIndex;
import org.revenant.detect.registry.RegistryView;
import org.revenant.detect.signal.ManifestSketch;
import org.revenant.detect.signal.TextSignals;
import org.revenant.detect.state.AlertKey;
import org.revenant.detect.state.MirrorScopedKey;
import org.revenant.detect.state.StateStores;
import org.revenant.detect.tap.DetectionTap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The heart of detection. Assembles a mirror's snapshot from its chunks, merging each into the
 * mirror's paged manifest ({@link ManifestStore}) and matching it as it arrives; when the last chunk is in it emits the
 * manifest diff, scores the evidence per dataset and runs each (dataset, mirror) alert through
 * its lifecycle. A wall-clock punctuation re-checks held manifests when the registry changes
 * (retroactive matching), so new signatures find old mirrors without a re-crawl.
 *
 * <p>A chunk outside {@link ChunkLimits} is rejected with a {@link RejectedRecordException}, which
 * the processing exception handler turns into a dead-letter record; what the matcher stores per
 * mirror is bounded, so no input can make a state write fail.
 */
public final class SnapshotMatcher implements Processor<String, SnapshotChunk, String, SpecificRecord> {

    /**
     * @deprecated the store belongs to no one processor: use {@link StateStores#ALERTS}. Kept so
     * callers outside detect still compile.
     */
    @Deprecated
    public static final String ALERT_STORE = StateStores.ALERTS;

    static final int MAX_SAMPLES = 10;
    /** Identifier on a renamed mirror's old key: the key it is known by now (docs/decisions/016). */
    public static final String RENAMED_TO = "renamedTo";
    /** Identifier on a renamed mirror's new key: the key it was known by before. */
    public static final String RENAMED_FROM = "renamedFrom";

    private static final Logger LOG = LoggerFactory.getLogger(SnapshotMatcher.class);
    private static final Duration LEGACY_CONVERSION_INTERVAL = Duration.ofSeconds(1);
    private static final int LEGACY_MIRRORS_PER_TICK = 20;
    /** Snapshots whose chunks' evidence is kept in memory at once (each at most ChunkLimits.MAX_HITS hits). */
    private static final int MAX_GATHERING = 64;

    private static final Set<MirrorStatus> UNAVAILABLE =
            EnumSet.of(MirrorStatus.GONE, MirrorStatus.BLOCKED, MirrorStatus.DISABLED, MirrorStatus.PRIVATE);

    private final RegistryView registry;
    private final double threshold;
    private final Duration registryCheckInterval;
    private final DetectionTap tap;
    private ProcessorContext<String, SpecificRecord> context;
    private KeyValueStore<String, AssemblyState> assemblies;
    private KeyValueStore<String, AlertState> alerts;
    private KeyValueStore<String, String> registrySeen;
    private KeyValueStore<String, AlertEvent> alertHistory;
    private ManifestStore manifests;
    private RegistryIndex reconciled;
    private Cancellable upgrade;
    /** {@link #chunkEvidence}: by mirror, the least recently used dropped past {@link #MAX_GATHERING}. */
    private final Map<String, ChunkEvidence> chunkEvidence = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, ChunkEvidence> eldest) {
            return size() > MAX_GATHERING;
        }
    };

    public SnapshotMatcher(RegistryView registry, double threshold, Duration registryCheckInterval) {
        this(registry, threshold, registryCheckInterval, DetectionTap.NONE);
    }

    public SnapshotMatcher(RegistryView registry, double threshold, Duration registryCheckInterval, DetectionTap tap) {
        this.tap = Objects.requireNonNull(tap, "tap");
        this.registry = Objects.requireNonNull(registry, "registry");
        if (!(threshold > 0 && threshold <= 1)) {
            throw new IllegalArgumentException("alert threshold must be in (0, 1]: " + threshold);
        }
        this.threshold = threshold;
        this.registryCheckInterval = Objects.requireNonNull(registryCheckInterval, "registryCheckInterval");
    }

    @Override
    public void init(ProcessorContext<String, SpecificRecord> context) {
        this.context = context;
        this.assemblies = context.getStateStore(StateStores.ASSEMBLY);
        this.alerts = context.getStateStore(StateStores.ALERTS);
        this.registrySeen = context.getStateStore(StateStores.REGISTRY_SEEN);
        this.alertHistory = context.getStateStore(StateStores.ALERT_HISTORY);
        this.manifests = new ManifestStore(
                context.getStateStore(StateStores.MANIFEST_PAGES),
                context.getStateStore(StateStores.MANIFEST_PENDING),
                context.getStateStore(StateStores.MANIFEST_ENTRIES),
                context.getStateStore(StateStores.MANIFEST_MIRRORS));
        context.schedule(registryCheckInterval, PunctuationType.WALL_CLOCK_TIME, now -> reconcileRegistry(now));
        if (manifests.legacyLeft()) {
            upgrade =
                    context.schedule(LEGACY_CONVERSION_INTERVAL, PunctuationType.WALL_CLOCK_TIME, now -> convertSome());
        }
    }

    /**
     * Converts a few mirrors still held in the per-entry layout of the release before pages
     * (docs/decisions/014) on each tick, so that layout empties even for mirrors never crawled
     * again; a mirror touched before its turn is converted then.
     */
    private void convertSome() {
        for (int i = 0; i < LEGACY_MIRRORS_PER_TICK; i++) {
            String mirrorKey = manifests.nextLegacyMirror();
            if (mirrorKey == null) {
                upgrade.cancel();
                LOG.info("every held manifest of this task is paged");
                return;
            }
            ensurePaged(mirrorKey);
        }
    }

    /**
     * Converts the mirror if the per-entry layout still holds it. When that layout was halfway
     * through a snapshot of it, the rest of that snapshot is merged one entry at a time, with the
     * entries it had not listed yet parked.
     */
    private void ensurePaged(String mirrorKey) {
        if (!manifests.legacyLeft()) {
            return;
        }
        AssemblyState assembly = assemblies.get(mirrorKey);
        boolean halfway = assembly != null && !assembly.getPaged();
        long parked = manifests.convertLegacy(
                mirrorKey,
                halfway ? assembly.getSnapshotId() : null,
                halfway && assembly.getMirror().getPartial());
        if (halfway) {
            assembly.setPaged(true);
            assembly.setUnordered(parked >= 0);
            assembly.setPending(Math.max(0, parked));
            assemblies.put(mirrorKey, assembly);
        }
    }

    @Override
    public void process(Record<String, SnapshotChunk> record) {
        SnapshotChunk chunk = record.value();
        if (chunk == null) {
            return;
        }
        String violation = ChunkLimits.violation(chunk);
        if (violation != null) {
            String source = context.recordMetadata().map(m -> m.topic()).orElse(null);
            tap.deadLettered(source, violation);
            throw new RejectedRecordException("snapshot chunk rejected: " + violation);
        }
        Mirror mirror = ChunkLimits.cut(chunk.getMirror());
        String mirrorKey = mirror.getKey();
        if (mirror.getStatus() == MirrorStatus.ERROR || mirror.getStatus() == MirrorStatus.UNKNOWN) {
            // A failed crawl, or a status from a newer release, says nothing this release can act on:
            // keep every alert as it is.
            return;
        }
        ensurePaged(mirrorKey);
        AssemblyState assembly = assemblies.get(mirrorKey);
        boolean stored = assembly != null;
        if (assembly == null || !assembly.getSnapshotId().equals(chunk.getSnapshotId())) {
            if (assembly != null) {
                if (assembly.getPending() > 0) {
                    manifests.restorePending(mirrorKey);
                }
                LOG.warn(
                        "snapshot {} of {} abandoned after {}/{} chunks: superseded by {}",
                        assembly.getSnapshotId(),
                        mirrorKey,
                        assembly.getReceivedChunks(),
                        assembly.getChunkCount(),
                        chunk.getSnapshotId());
            }
            assembly = AssemblyState.newBuilder()
                    .setSnapshotId(chunk.getSnapshotId())
                    .setMirror(mirror)
                    .setObservedAt(chunk.getObservedAt())
                    .setChunkCount(chunk.getChunkCount())
                    .setChunksSeen(ByteBuffer.wrap(new byte[0]))
                    .setReceivedChunks(0)
                    .setEntries(0)
                    .setHits(new ArrayList<>())
                    .setTotalBytes(chunk.getTotalBytes())
                    .setPaged(true)
                    .build();
        }
        BitSet seen = BitSet.valueOf(assembly.getChunksSeen());
        if (seen.get(chunk.getChunkIndex()) || chunk.getChunkCount() != assembly.getChunkCount()) {
            return; // a redelivered or inconsistent chunk adds nothing
        }
        seen.set(chunk.getChunkIndex());
        RegistryIndex index = registry.current();
        if (chunk.getText() != null) {
            assembly.setText(cap(chunk.getText()));
        }
        // What the snapshot's first chunk said: a mirror that was unavailable then keeps its last known manifest.
        boolean available = !UNAVAILABLE.contains(assembly.getMirror().getStatus());
        long maxFileSize = assembly.getMaxFileSize();
        if (available) {
            ChunkEvidence evidence = chunkEvidence(mirrorKey, assembly, index);
            boolean match = evidence != null && !evidence.chunks.get(chunk.getChunkIndex());
            for (ManifestEntry entry : chunk.getEntries()) {
                if (entry.getSize() != null && entry.getKind() == EntryKind.FILE) {
                    maxFileSize = Math.max(maxFileSize, entry.getSize());
                }
                if (match) {
                    index.matchEntry(entry, evidence.hits);
                    evidence.pairs.add(entry);
                }
            }
            if (evidence != null) {
                evidence.chunks.set(chunk.getChunkIndex());
            }
            Counted counted = new Counted(assembly.getSamples());
            ManifestStore.Merge merge = mergeOf(assembly);
            manifests.merge(
                    mirrorKey, merge, chunk.getEntries(), assembly.getMirror().getPartial(), counted);
            assembly.setCursor(merge.cursor());
            assembly.setUnordered(merge.unordered());
            assembly.setPending(merge.pending());
            assembly.setAdded(assembly.getAdded() + counted.added);
            assembly.setModified(assembly.getModified() + counted.modified);
            assembly.setSamples(counted.samples);
        }
        assembly.setChunksSeen(ByteBuffer.wrap(seen.toByteArray()));
        assembly.setReceivedChunks(assembly.getReceivedChunks() + 1);
        assembly.setEntries(assembly.getEntries() + chunk.getEntries().size());
        // Evidence is gathered from the held manifest when the snapshot completes, so the state
        // written per chunk stays small (a release before pages kept it here).
        assembly.setHits(List.of());
        assembly.setMaxFileSize(maxFileSize);
        if (assembly.getReceivedChunks() == assembly.getChunkCount()) {
            if (stored) {
                assemblies.delete(mirrorKey); // a one-chunk snapshot never stored one: no tombstone
            }
            complete(assembly, index, record.timestamp());
        } else {
            assemblies.put(mirrorKey, assembly);
        }
    }

    private void complete(AssemblyState snapshot, RegistryIndex index, long timestamp) {
        Mirror mirror = snapshot.getMirror();
        String mirrorKey = mirror.getKey();
        MirrorRecord previous = manifests.mirror(mirrorKey);
        boolean available = !UNAVAILABLE.contains(mirror.getStatus());
        EvidenceCollector hits = new EvidenceCollector();
        Counted counted = new Counted(snapshot.getSamples());
        MirrorRecord record;
        if (available) {
            manifests.finish(mirrorKey, mergeOf(snapshot), mirror.getPartial(), counted);
            ChunkEvidence evidence = chunkEvidence.remove(mirrorKey);
            PairHashes pairs;
            if (evidence != null && evidence.covers(snapshot, index)) {
                hits = evidence.hits;
                pairs = evidence.pairs;
            } else {
                // The evidence of the whole held manifest, read back from its pages: what the chunks
                // showed (a restart or a rebalance dropped it), and for a partial listing what earlier
                // snapshots listed and this one did not reach, as retroactive matching does.
                hits = new EvidenceCollector();
                index.matchMirror(mirror, hits);
                pairs = matchHeld(index, mirrorKey, hits);
            }
            index.matchText(mirror, snapshot.getText(), hits);
            Evaluation.matchReferences(index, pairs.toArray(), hits);
            record = new MirrorRecord(
                    mirror,
                    snapshot.getSnapshotId(),
                    snapshot.getObservedAt(),
                    snapshot.getText(),
                    snapshot.getEntries(),
                    snapshot.getTotalBytes(),
                    snapshot.getMaxFileSize(),
                    List.of());
        } else {
            if (snapshot.getPending() > 0) {
                manifests.restorePending(mirrorKey);
            }
            record = previous == null
                    ? new MirrorRecord(
                            mirror, snapshot.getSnapshotId(), snapshot.getObservedAt(), null, 0L, 0L, 0L, List.of())
                    : MirrorRecord.newBuilder(previous)
                            .setMirror(mirror)
                            .setSnapshotId(snapshot.getSnapshotId())
                            .setObservedAt(snapshot.getObservedAt())
                            .setMatched(List.of())
                            .build();
        }
        Map<String, AlertLifecycle.Assessment> assessments =
                available ? Evaluation.assess(index, hits.hits(), facts(record), threshold, null) : Map.of();
        record.setMatched(new ArrayList<>(new TreeSet<>(assessments.keySet())));
        manifests.putMirror(record);
        emitChange(
                previous,
                record,
                available,
                snapshot.getAdded(),
                counted.removed,
                snapshot.getModified(),
                counted.samples,
                timestamp);

        String renamedTo = renamed(mirror, RENAMED_TO);
        if (mirror.getStatus() == MirrorStatus.GONE && renamedTo != null) {
            moveAlerts(mirrorKey, renamedTo, record, timestamp);
            return;
        }
        Map<String, AlertState> existing = statesOf(mirrorKey);
        for (var assessment : assessments.entrySet()) {
            apply(
                    AlertLifecycle.onMatch(existing.get(assessment.getKey()), assessment.getValue()),
                    record,
                    timestamp,
                    null);
        }
        for (var state : existing.entrySet()) {
            // A dataset whose registry record is currently invalid is unknown, not gone: its alerts wait.
            if (!assessments.containsKey(state.getKey()) && !index.skipped().containsKey(state.getKey())) {
                apply(
                        AlertLifecycle.onNoMatch(
                                state.getValue(), record.getMirror(), record.getSnapshotId(), record.getObservedAt()),
                        record,
                        timestamp,
                        null);
            }
        }
    }

    /**
     * Retroactive matching: when the registry index changed since this task last looked, every
     * held manifest is checked again for the datasets that were added or changed, and alerts of
     * removed datasets are resolved. What was reconciled is remembered in a store, so a restart
     * neither misses a change made while it was down nor repeats one.
     */
    void reconcileRegistry(long now) {
        RegistryIndex index = registry.current();
        if (index == reconciled) {
            return;
        }
        Map<String, String> fingerprints = new HashMap<>();
        List<RetractedDataset> changed = new ArrayList<>();
        for (RetractedDataset dataset : index.datasets()) {
            String fingerprint = Integer.toHexString(dataset.hashCode());
            fingerprints.put(dataset.getId(), fingerprint);
            if (!fingerprint.equals(registrySeen.get(dataset.getId()))) {
                changed.add(dataset);
            }
        }
        Set<String> removed = new HashSet<>();
        try (KeyValueIterator<String, String> it = registrySeen.all()) {
            it.forEachRemaining(kv -> {
                // An invalid record replacing a dataset does not remove it: its alerts are left as they are.
                if (!fingerprints.containsKey(kv.key) && !index.skipped().containsKey(kv.key)) {
                    removed.add(kv.key);
                }
            });
        }
        if (!changed.isEmpty() || !removed.isEmpty()) {
            Set<String> ids = new HashSet<>(removed);
            changed.forEach(d -> ids.add(d.getId()));
            // Parents are needed to name them in a derivative's alert.
            List<RetractedDataset> scope = new ArrayList<>(changed);
            changed.stream()
                    .map(RetractedDataset::getParent)
                    .filter(Objects::nonNull)
                    .map(index::dataset)
                    .filter(Objects::nonNull)
                    .forEach(scope::add);
            RegistryIndex subset = new RegistryIndex(scope);
            String cause = "registry-" + Integer.toHexString(ids.hashCode() ^ fingerprints.hashCode());
            List<MirrorRecord> held = new ArrayList<>();
            manifests.forEachMirror(held::add);
            for (MirrorRecord mirror : held) {
                try {
                    recheck(mirror, subset, ids, cause, now);
                } catch (RuntimeException e) {
                    // One held manifest must not stop the others, nor fail the punctuation on every tick.
                    LOG.error(
                            "registry change not applied to {}: {}",
                            mirror.getMirror().getKey(),
                            e.toString());
                }
            }
            LOG.info(
                    "registry change checked against {} held manifest(s): {} dataset(s) added or changed, {} removed",
                    held.size(),
                    changed.size(),
                    removed.size());
        }
        fingerprints.forEach(registrySeen::put);
        removed.forEach(registrySeen::delete);
        reconciled = index;
    }

    private void recheck(MirrorRecord record, RegistryIndex subset, Set<String> ids, String cause, long timestamp) {
        String mirrorKey = record.getMirror().getKey();
        ensurePaged(mirrorKey);
        Map<String, AlertState> existing = statesOf(mirrorKey);
        existing.keySet().retainAll(ids);
        Map<String, AlertLifecycle.Assessment> assessments = Map.of();
        if (!UNAVAILABLE.contains(record.getMirror().getStatus())) {
            EvidenceCollector hits = new EvidenceCollector();
            subset.matchMirror(record.getMirror(), hits);
            subset.matchText(record.getMirror(), record.getText(), hits);
            PairHashes pairs = matchHeld(subset, mirrorKey, hits);
            Evaluation.matchReferences(subset, pairs.toArray(), hits);
            assessments = Evaluation.assess(subset, hits.hits(), facts(record), threshold, ids);
        }
        // The mirror's record says which datasets its latest snapshot matches (see apply): now
        // as this registry sees it.
        Set<String> matched = new TreeSet<>(record.getMatched());
        matched.removeAll(ids);
        matched.addAll(assessments.keySet());
        if (!matched.equals(new TreeSet<>(record.getMatched()))) {
            record = MirrorRecord.newBuilder(record)
                    .setMatched(new ArrayList<>(matched))
                    .build();
            manifests.putMirror(record);
        }
        for (var assessment : assessments.entrySet()) {
            apply(
                    AlertLifecycle.onMatch(existing.get(assessment.getKey()), assessment.getValue()),
                    record,
                    timestamp,
                    cause);
        }
        for (var state : existing.entrySet()) {
            if (!assessments.containsKey(state.getKey())) {
                apply(
                        AlertLifecycle.onNoMatch(
                                state.getValue(), record.getMirror(), record.getSnapshotId(), record.getObservedAt()),
                        record,
                        timestamp,
                        cause);
            }
        }
    }

    private void emitChange(
            MirrorRecord previous,
            MirrorRecord now,
            boolean available,
            long added,
            long removed,
            long modified,
            List<ChangeSample> samples,
            long timestamp) {
        boolean wasAvailable =
                previous != null && !UNAVAILABLE.contains(previous.getMirror().getStatus());
        ChangeKind kind;
        if (!available) {
            kind = previous == null || wasAvailable ? ChangeKind.GONE : null;
        } else if (previous == null) {
            kind = ChangeKind.APPEARED;
        } else if (!wasAvailable) {
            kind = ChangeKind.REAPPEARED;
        } else {
            kind = added + removed + modified > 0 ? ChangeKind.CHANGED : null;
        }
        if (kind == null) {
            return;
        }
        ManifestChange change = ManifestChange.newBuilder()
                .setMirrorKey(now.getMirror().getKey())
                .setSnapshotId(now.getSnapshotId())
                .setKind(kind)
                .setObservedAt(now.getObservedAt())
                .setAdded(added)
                .setRemoved(removed)
                .setModified(modified)
                .setSamples(samples)
                .build();
        context.forward(new Record<>(now.getMirror().getKey(), change, timestamp));
    }

    private void apply(AlertLifecycle.Transition transition, MirrorRecord record, long timestamp, String cause) {
        AlertState state = transition.state();
        if (state == null) {
            return;
        }
        String key = new AlertKey(state.getDatasetId(), state.getMirrorKey()).storeKey();
        AlertState before = alerts.get(key);
        String renamedFrom = renamed(record.getMirror(), RENAMED_FROM);
        if (before != null && before.getAwaitingMoveFrom() != null) {
            transition = AlertLifecycle.stillHeld(transition, before);
            state = transition.state();
        } else if (before == null && transition.event() == AlertEventType.OPENED && renamedFrom != null) {
            // Renamed from another key: that key's alerts are on their way here (AlertMoveApplier).
            transition = AlertLifecycle.holdForMove(
                    transition, renamedFrom, Instant.ofEpochMilli(context.currentSystemTimeMs()));
            state = transition.state();
        }
        if (transition.event() == null && state.equals(before)) {
            return;
        }
        if (transition.event() == null
                && record.getSnapshotId().equals(state.getLastSnapshotId())
                && record.getMatched().contains(state.getDatasetId())
                && AlertLifecycle.onlySeenAgain(state, before)) {
            // Seen again, nothing else: the mirror's record says so (AlertLifecycle.asSeen), and an
            // unchanged re-crawl writes no alert state.
            return;
        }
        alerts.put(key, state);
        context.forward(new Record<>(state.getAlertKey(), state, timestamp));
        if (transition.event() != null) {
            AlertEvent event = AlertLifecycle.eventOf(
                    state, transition.event(), record.getSnapshotId(), record.getObservedAt(), cause);
            context.forward(new Record<>(state.getAlertKey(), event, timestamp));
        }
    }

    /**
     * The old key's side of a rename (docs/decisions/016): each alert not moved yet is sent to the
     * new key's task with its last events, then closed here pointing at it; a record without an
     * alert ends the move, so the new key knows what did not come. Nothing is told from here.
     */
    private void moveAlerts(String fromKey, String toKey, MirrorRecord record, long timestamp) {
        for (AlertState state : statesOf(fromKey).values()) {
            if (state.getMovedTo() != null) {
                continue; // moved by an earlier crawl of the old name
            }
            List<AlertEvent> events =
                    BoundedHistory.read(alertHistory, AlertHistoryRecorder.owner(fromKey, state.getDatasetId()));
            List<AlertEvent> carried = new ArrayList<>();
            for (AlertEvent e :
                    events.subList(Math.max(0, events.size() - AlertMoveApplier.CARRIED_HISTORY), events.size())) {
                carried.add(AlertEvent.newBuilder(e).setEvidence(List.of()).build());
            }
            context.forward(new Record<>(
                    toKey,
                    new AlertMove(fromKey, toKey, record.getSnapshotId(), record.getObservedAt(), state, carried),
                    timestamp));
            AlertState closed = AlertLifecycle.movedAway(
                    state,
                    AlertLifecycle.alertKey(state.getDatasetId(), toKey),
                    record.getSnapshotId(),
                    record.getObservedAt());
            alerts.put(new AlertKey(state.getDatasetId(), fromKey).storeKey(), closed);
            context.forward(new Record<>(closed.getAlertKey(), closed, timestamp));
        }
        context.forward(new Record<>(
                toKey,
                new AlertMove(fromKey, toKey, record.getSnapshotId(), record.getObservedAt(), null, List.of()),
                timestamp));
    }

    /**
     * The other key a renamed mirror names in its identifiers ({@code renamedTo} on the old key's
     * GONE snapshot, {@code renamedFrom} on the new key's), or null when it names none usable: blank,
     * its own key, or as long as the identifier cap (it may have been cut, and a cut key is another key).
     */
    static String renamed(Mirror mirror, String identifier) {
        Map<String, String> ids = mirror.getIdentifiers();
        String other = ids == null ? null : ids.get(identifier);
        if (other == null
                || other.isBlank()
                || other.equals(mirror.getKey())
                || other.length() >= ChunkLimits.MAX_IDENTIFIER) {
            return null;
        }
        return other;
    }

    private Map<String, AlertState> statesOf(String mirrorKey) {
        Map<String, AlertState> states = new HashMap<>();
        try (KeyValueIterator<String, AlertState> it = MirrorScopedKey.range(alerts, mirrorKey)) {
            it.forEachRemaining(kv -> states.put(kv.value.getDatasetId(), kv.value));
        }
        return states;
    }

    private static Evaluation.MirrorFacts facts(MirrorRecord record) {
        return new Evaluation.MirrorFacts(
                record.getMirror(),
                record.getSnapshotId(),
                record.getObservedAt(),
                record.getEntries(),
                record.getBytes(),
                record.getMaxFileSize());
    }

    private static void sample(List<ChangeSample> samples, String op, String path) {
        if (samples.size() < MAX_SAMPLES) {
            samples.add(new ChangeSample(op, ChunkLimits.cut(path, ChunkLimits.MAX_SHOWN_PATH)));
        }
    }

    private static String cap(String text) {
        return ChunkLimits.cutUtf8(ChunkLimits.cut(text, TextSignals.MAX_TEXT), ChunkLimits.MAX_TEXT_BYTES);
    }

    /**
     * The evidence of a snapshot's chunks so far, or null when it is not gathered as they come (a
     * partial listing is matched over its whole held manifest at completion). Kept in memory only,
     * so writing a chunk's state stays small; at completion it is used only if it covers every
     * chunk of that snapshot with the same registry index, and otherwise (after a restart, a
     * rebalance, an aborted transaction that will be replayed, or an eviction) the held manifest
     * is matched from its pages instead, which gives the same evidence.
     */
    private ChunkEvidence chunkEvidence(String mirrorKey, AssemblyState assembly, RegistryIndex index) {
        if (assembly.getMirror().getPartial()) {
            return null;
        }
        ChunkEvidence evidence = chunkEvidence.get(mirrorKey);
        if (evidence == null || !evidence.snapshotId.equals(assembly.getSnapshotId()) || evidence.index != index) {
            evidence = new ChunkEvidence(assembly.getSnapshotId(), index);
            index.matchMirror(assembly.getMirror(), evidence.hits);
            chunkEvidence.put(mirrorKey, evidence);
        }
        return evidence;
    }

    @Override
    public void close() {
        chunkEvidence.clear();
    }

    /** What {@link #chunkEvidence} keeps of one snapshot. */
    private static final class ChunkEvidence {
        final String snapshotId;
        final RegistryIndex index;
        final BitSet chunks = new BitSet();
        final EvidenceCollector hits = new EvidenceCollector();
        final PairHashes pairs;

        ChunkEvidence(String snapshotId, RegistryIndex index) {
            this.snapshotId = snapshotId;
            this.index = index;
            this.pairs = new PairHashes(index.hasReferences());
        }

        boolean covers(AssemblyState snapshot, RegistryIndex current) {
            return snapshotId.equals(snapshot.getSnapshotId())
                    && index == current
                    && chunks.cardinality() == snapshot.getChunkCount()
                    && !pairs.overflowed();
        }
    }

    /** Matches every entry of the mirror's held manifest into {@code hits}; returns their pair hashes. */
    private PairHashes matchHeld(RegistryIndex index, String mirrorKey, EvidenceCollector hits) {
        PairHashes pairs = new PairHashes(index.hasReferences());
        manifests.forEachEntry(mirrorKey, entry -> {
            index.matchEntry(entry, hits);
            pairs.add(entry);
        });
        return pairs;
    }

    private static ManifestStore.Merge mergeOf(AssemblyState assembly) {
        return new ManifestStore.Merge(assembly.getCursor(), assembly.getUnordered(), assembly.getPending());
    }

    /** Counts what a merge tells, keeping the first few paths as samples. */
    private static final class Counted implements ManifestStore.Changes {
        final List<ChangeSample> samples;
        long added;
        long modified;
        long removed;

        Counted(List<ChangeSample> samples) {
            this.samples = new ArrayList<>(samples);
        }

        @Override
        public void added(ManifestEntry entry) {
            added++;
            sample(samples, "ADDED", entry.getPath());
        }

        @Override
        public void modified(ManifestEntry entry) {
            modified++;
            sample(samples, "MODIFIED", entry.getPath());
        }

        @Override
        public void removed(ManifestEntry entry) {
            removed++;
            sample(samples, "REMOVED", entry.getPath());
        }
    }

    /** The (name, size) pair hashes of a manifest's files, gathered only when some reference needs them. */
    private static final class PairHashes {
        /** Pairs kept in memory for one snapshot's chunks at most; past it they are read back at completion. */
        static final int MAX_KEPT = 250_000;

        private final boolean wanted;
        private long[] hashes = new long[16];
        private int size;
        private boolean overflowed;

        PairHashes(boolean wanted) {
            this.wanted = wanted;
        }

        void add(ManifestEntry entry) {
            if (!wanted || entry.getKind() != EntryKind.FILE || entry.getSize() == null) {
                return;
            }
            if (size == hashes.length) {
                if (size >= MAX_KEPT) {
                    overflowed = true;
                    return;
                }
                hashes = Arrays.copyOf(hashes, size * 2);
            }
            hashes[size++] = ManifestSketch.pairHash(entry.getPath(), entry.getSize());
        }

        boolean overflowed() {
            return overflowed;
        }

        long[] toArray() {
            return Arrays.copyOf(hashes, size);
        }
    }
}
