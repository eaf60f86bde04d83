package org.revenant.detect.move;

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
import org.revenant.avro.AlertMove;
import org.revenant.avro.AlertState;
import org.revenant.detect.history.AlertHistoryRecorder;
import org.revenant.detect.history.BoundedHistory;
import org.revenant.detect.lifecycle.AlertLifecycle;
import org.revenant.detect.state.AlertKey;
import org.revenant.detect.state.MirrorScopedKey;
import org.revenant.detect.state.StateStores;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The new key's side of a renamed mirror (docs/decisions/016). The old key's task sends each of its
 * alerts here, re-keyed by the new mirror key, then a closing record; this task, which owns the new
 * key, continues each alert under the new key with its history ({@link AlertLifecycle#onMove}) and
 * tells one event for it. A new alert that was held because its snapshot said "renamed from" the
 * old key, and that no carried alert continued, is told as OPENED when the closing record arrives,
 * or when {@link #HOLD_LIMIT} has passed without one (the old key's snapshot may never come).
 */
public final class AlertMoveApplier implements Processor<String, AlertMove, String, SpecificRecord> {

    /** Longest a new alert's OPENED is held for the alerts of the key it was renamed from. */
    public static final Duration HOLD_LIMIT = Duration.ofMinutes(10);
    /** How many of an alert's last events travel with it (without their evidence), at most. */
    public static final int CARRIED_HISTORY = 50;

    static final Duration HOLD_CHECK = Duration.ofMinutes(1);
    private static final Logger LOG = LoggerFactory.getLogger(AlertMoveApplier.class);

    private final Duration holdLimit;
    private ProcessorContext<String, SpecificRecord> context;
    private KeyValueStore<String, AlertState> alerts;
    private BoundedHistory<AlertEvent> history;

    public AlertMoveApplier() {
        this(HOLD_LIMIT);
    }

    public AlertMoveApplier(Duration holdLimit) {
        this.holdLimit = Objects.requireNonNull(holdLimit, "holdLimit");
    }

    @Override
    public void init(ProcessorContext<String, SpecificRecord> context) {
        this.context = context;
        this.alerts = context.getStateStore(StateStores.ALERTS);
        this.history = new BoundedHistory<>(context.getStateStore(StateStores.ALERT_HISTORY), AlertHistoryRecorder.CAP);
        context.schedule(HOLD_CHECK, PunctuationType.WALL_CLOCK_TIME, now -> releaseExpired(Instant.ofEpochMilli(now)));
    }

    @Override
    public void process(Record<String, AlertMove> record) {
        AlertMove move = record.value();
        if (move == null || !move.getToMirrorKey().equals(record.key())) {
            return; // written by this topology only; anything else was not a move
        }
        AlertState carried = move.getAlert();
        if (carried == null) {
            releaseHeld(move.getToMirrorKey(), move.getFromMirrorKey(), record.timestamp());
            return;
        }
        if (!carried.getMirrorKey().equals(move.getFromMirrorKey())) {
            return;
        }
        String storeKey = new AlertKey(carried.getDatasetId(), move.getToMirrorKey()).storeKey();
        AlertState current = alerts.get(storeKey);
        AlertLifecycle.Transition t = AlertLifecycle.onMove(carried, current, move.getToMirrorKey());
        if (t.event() == null && t.state().equals(current)) {
            return;
        }
        boolean continued = current == null || carried.getMirrorKey().equals(current.getAwaitingMoveFrom());
        if (continued) {
            // Nothing was told under the new key yet, so its timeline starts with the old key's.
            String owner = AlertHistoryRecorder.owner(move.getToMirrorKey(), carried.getDatasetId());
            move.getHistory().forEach(e -> history.append(owner, e));
        }
        alerts.put(storeKey, t.state());
        context.forward(new Record<>(t.state().getAlertKey(), t.state(), record.timestamp()));
        if (t.event() != null) {
            AlertEvent event = AlertLifecycle.eventOf(
                    t.state(),
                    t.event(),
                    move.getSnapshotId(),
                    move.getObservedAt(),
                    "moved-from:" + move.getFromMirrorKey());
            context.forward(new Record<>(t.state().getAlertKey(), event, record.timestamp()));
        }
    }

    /** The move is complete: held alerts of the new key that nothing continued are told now. */
    private void releaseHeld(String toMirrorKey, String fromMirrorKey, long timestamp) {
        List<KeyValue<String, AlertState>> held = new ArrayList<>();
        try (KeyValueIterator<String, AlertState> it = MirrorScopedKey.range(alerts, toMirrorKey)) {
            it.forEachRemaining(kv -> {
                if (fromMirrorKey.equals(kv.value.getAwaitingMoveFrom())) {
                    held.add(kv);
                }
            });
        }
        held.forEach(kv -> release(kv, timestamp));
    }

    /** Alerts held longer than the limit are told, so a rename that never completes hides nothing for long. */
    void releaseExpired(Instant now) {
        List<KeyValue<String, AlertState>> expired = new ArrayList<>();
        try (KeyValueIterator<String, AlertState> all = alerts.all()) {
            all.forEachRemaining(kv -> {
                Instant since = kv.value == null ? null : kv.value.getAwaitingMoveSince();
                if (kv.value != null
                        && kv.value.getAwaitingMoveFrom() != null
                        && (since == null || !now.isBefore(since.plus(holdLimit)))) {
                    expired.add(kv);
                }
            });
        }
        for (KeyValue<String, AlertState> kv : expired) {
            LOG.info(
                    "{}: no alert arrived from {} within {}; telling it as new",
                    kv.value.getAlertKey(),
                    kv.value.getAwaitingMoveFrom(),
                    holdLimit);
            release(kv, now.toEpochMilli());
        }
    }

    private void release(KeyValue<String, AlertState> held, long timestamp) {
        AlertLifecycle.Transition t = AlertLifecycle.release(held.value);
        alerts.put(held.key, t.state());
        context.forward(new Record<>(t.state().getAlertKey(), t.state(), timestamp));
        if (t.event() != null) {
            AlertEvent event = AlertLifecycle.eventOf(
                    t.state(),
                    t.event(),
                    t.state().getLastSnapshotId(),
                    t.state().getFirstSeen(),
                    null);
            context.forward(new Record<>(t.state().getAlertKey(), event, timestamp));
        }
    }
}
