package org.revenant.detect.decide;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.revenant.avro.AlertEvent;
import org.revenant.avro.AlertState;
import org.revenant.avro.AnalystDecision;
import org.revenant.avro.DecisionKind;
import org.revenant.avro.MirrorRecord;
import org.revenant.avro.MirrorStatus;
import org.revenant.detect.lifecycle.AlertLifecycle;
import org.revenant.detect.state.AlertKey;
import org.revenant.detect.state.StateStores;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Joins analyst decisions into the alert state (decisions arrive re-keyed by mirror, so they
 * land in the task that owns the alert). The decision is published as an UPDATED event that
 * carries it, so every consumer of the alert stream sees it.
 */
public final class DecisionApplier implements Processor<String, AnalystDecision, String, SpecificRecord> {

    /** Longest alert key accepted: a dataset id, '|', and a mirror key (at most 1,024 characters). */
    public static final int MAX_ALERT_KEY = 2_048;
    /** Longest analyst name and note accepted; a decision travels inside every later alert event. */
    public static final int MAX_BY = 256;

    public static final int MAX_NOTE = 4_096;

    private static final Logger LOG = LoggerFactory.getLogger(DecisionApplier.class);

    /** How often open takedown requests are checked for being overdue. */
    static final Duration OVERDUE_CHECK = Duration.ofMinutes(1);

    private final Duration overdueAfter;
    private ProcessorContext<String, SpecificRecord> context;
    private KeyValueStore<String, AlertState> alerts;
    private KeyValueStore<String, MirrorRecord> mirrors;

    public DecisionApplier(Duration overdueAfter) {
        this.overdueAfter = Objects.requireNonNull(overdueAfter, "overdueAfter");
    }

    @Override
    public void init(ProcessorContext<String, SpecificRecord> context) {
        this.context = context;
        this.alerts = context.getStateStore(StateStores.ALERTS);
        this.mirrors = context.getStateStore(StateStores.MANIFEST_MIRRORS);
        context.schedule(
                OVERDUE_CHECK, PunctuationType.WALL_CLOCK_TIME, now -> remindOverdue(Instant.ofEpochMilli(now)));
    }

    /**
     * Sends one TAKEDOWN_OVERDUE event for each alert of this task whose takedown request is still
     * open after the configured time (the alert store is this task's own, so each alert is checked once).
     */
    void remindOverdue(Instant now) {
        List<KeyValue<String, AlertState>> due = new ArrayList<>();
        List<KeyValue<String, AlertState>> lapsed = new ArrayList<>();
        try (KeyValueIterator<String, AlertState> all = alerts.all()) {
            while (all.hasNext()) {
                KeyValue<String, AlertState> stored = all.next();
                if (stored.value == null) {
                    continue;
                }
                KeyValue<String, AlertState> kv = KeyValue.pair(stored.key, seen(stored.value));
                if (kv.value != null && AlertLifecycle.isTakedownOverdue(kv.value, now, overdueAfter)) {
                    due.add(kv);
                }
                if (kv.value != null && AlertLifecycle.isSuppressionLapsed(kv.value, now)) {
                    lapsed.add(kv);
                }
            }
        }
        for (KeyValue<String, AlertState> kv : lapsed) {
            AlertLifecycle.Transition t = AlertLifecycle.onSuppressionLapsed(kv.value, now, evidenceHolds(kv.value));
            alerts.put(kv.key, t.state());
            context.forward(new Record<>(t.state().getAlertKey(), t.state(), now.toEpochMilli()));
            if (t.event() != null) {
                String cause = "lapsed-" + kv.value.getSuppressedUntil().toEpochMilli();
                context.forward(new Record<>(
                        t.state().getAlertKey(),
                        AlertLifecycle.eventOf(t.state(), t.event(), t.state().getLastSnapshotId(), now, cause),
                        now.toEpochMilli()));
            }
        }
        for (KeyValue<String, AlertState> kv : due) {
            AlertLifecycle.Transition t = AlertLifecycle.onTakedownOverdue(kv.value, now, overdueAfter);
            alerts.put(kv.key, t.state());
            String alertKey = t.state().getAlertKey();
            context.forward(new Record<>(alertKey, t.state(), now.toEpochMilli()));
            String cause = "overdue-" + t.state().getTakedownRequestedAt().toEpochMilli();
            context.forward(new Record<>(
                    alertKey,
                    AlertLifecycle.eventOf(t.state(), t.event(), t.state().getLastSnapshotId(), now, cause),
                    now.toEpochMilli()));
        }
    }

    @Override
    public void process(Record<String, AnalystDecision> record) {
        AnalystDecision decision = record.value();
        if (decision == null) {
            return;
        }
        String problem = violation(decision);
        if (problem != null) {
            LOG.warn("ignoring decision: {}", problem);
            return;
        }
        String alertKey = decision.getAlertKey();
        String storeKey = AlertKey.parse(alertKey).orElseThrow().storeKey();
        AlertState before = seen(alerts.get(storeKey));
        if (before == null) {
            LOG.warn("ignoring {} decision for unknown alert {}", decision.getDecision(), alertKey);
            return;
        }
        AlertLifecycle.Transition transition = AlertLifecycle.onDecision(before, decision);
        AlertState state = transition.state();
        if (state.equals(before)) {
            return;
        }
        alerts.put(storeKey, state);
        context.forward(new Record<>(alertKey, state, record.timestamp()));
        if (transition.event() != null) {
            String cause = "decision-" + decision.getAt().toEpochMilli();
            AlertEvent event = AlertLifecycle.eventOf(
                    state, transition.event(), state.getLastSnapshotId(), state.getLastSeen(), cause);
            context.forward(new Record<>(alertKey, event, record.timestamp()));
        }
    }

    /**
     * Why a decision cannot be applied, or null. Checked before the decision is re-keyed, so an
     * absurd key never reaches the repartition topic.
     */
    public static String violation(AnalystDecision decision) {
        String alertKey = decision.getAlertKey();
        if (alertKey == null || alertKey.length() > MAX_ALERT_KEY) {
            return "alert key is missing or longer than " + MAX_ALERT_KEY + " characters";
        }
        if (AlertKey.parse(alertKey).isEmpty() || alertKey.indexOf('\u0000') >= 0) {
            return "alert key is not <datasetId>|<mirrorKey>";
        }
        if (decision.getDecision() == null) {
            return "decision without a kind";
        }
        if (decision.getDecision() == DecisionKind.UNKNOWN) {
            // A kind added by a newer release (the enum default): set aside in the DLQ, where it can
            // be replayed once every instance runs that release (docs/decisions/013).
            return "a decision kind this release does not know";
        }
        if (decision.getBy() == null || decision.getBy().length() > MAX_BY) {
            return "'by' is missing or longer than " + MAX_BY + " characters";
        }
        if (decision.getNote() != null && decision.getNote().length() > MAX_NOTE) {
            return "note longer than " + MAX_NOTE + " characters";
        }
        if (decision.getReference() != null && decision.getReference().length() > MAX_NOTE) {
            return "reference longer than " + MAX_NOTE + " characters";
        }
        if (decision.getUntil() != null
                && decision.getDecision() != DecisionKind.FALSE_POSITIVE
                && decision.getDecision() != DecisionKind.ALLOWLISTED) {
            return "'until' goes with FALSE_POSITIVE and ALLOWLISTED only";
        }
        return null;
    }

    /**
     * A suppressed alert's evidence still holds when the mirror is there and its latest snapshot is
     * the one the alert last matched (a suppressed alert follows its matches silently, and a
     * snapshot that stopped matching leaves it behind).
     */
    /** The stored alert as of its mirror's latest snapshot (AlertLifecycle.asSeen). */
    private AlertState seen(AlertState s) {
        return s == null ? null : AlertLifecycle.asSeen(s, mirrors.get(s.getMirrorKey()));
    }

    private boolean evidenceHolds(AlertState s) {
        MirrorRecord mirror = mirrors.get(s.getMirrorKey());
        if (mirror == null || !mirror.getSnapshotId().equals(s.getLastSnapshotId())) {
            return false;
        }
        MirrorStatus status = mirror.getMirror().getStatus();
        return status == MirrorStatus.PRESENT || status == MirrorStatus.GATED;
    }

    /** Alert keys are {@code <datasetId>|<mirrorKey>}; decisions are routed by the mirror part. */
    public static String mirrorKeyOf(String alertKey) {
        Objects.requireNonNull(alertKey, "alertKey");
        return AlertKey.parse(alertKey).map(AlertKey::mirrorKey).orElse(alertKey);
    }
}
