package org.revenant.detect.decide;

import java.util.Objects;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.revenant.avro.AlertEvent;
import org.revenant.avro.AlertState;
import org.revenant.avro.AnalystDecision;
import org.revenant.detect.lifecycle.AlertLifecycle;
import org.revenant.detect.match.SnapshotMatcher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Joins analyst decisions into the alert state (decisions arrive re-keyed by mirror, so they
 * land in the task that owns the alert). The decision is published as an UPDATED event that
 * carries it, so every consumer of the alert stream sees it.
 */
public final class DecisionApplier implements Processor<String, AnalystDecision, String, SpecificRecord> {

    private static final Logger LOG = LoggerFactory.getLogger(DecisionApplier.class);

    private ProcessorContext<String, SpecificRecord> context;
    private KeyValueStore<String, AlertState> alerts;

    @Override
    public void init(ProcessorContext<String, SpecificRecord> context) {
        this.context = context;
        this.alerts = context.getStateStore(SnapshotMatcher.ALERT_STORE);
    }

    @Override
    public void process(Record<String, AnalystDecision> record) {
        AnalystDecision decision = record.value();
        if (decision == null) {
            return;
        }
        String alertKey = decision.getAlertKey();
        int bar = alertKey.indexOf('|');
        if (bar <= 0 || bar == alertKey.length() - 1) {
            LOG.warn("ignoring decision for malformed alert key {}", alertKey);
            return;
        }
        String storeKey = SnapshotMatcher.storeKey(alertKey.substring(bar + 1), alertKey.substring(0, bar));
        AlertState before = alerts.get(storeKey);
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
            AlertEvent event = AlertLifecycle.eventOf(state, transition.event(), state.getLastSnapshotId(), state.getLastSeen(), cause);
            context.forward(new Record<>(alertKey, event, record.timestamp()));
        }
    }

    /** Alert keys are {@code <datasetId>|<mirrorKey>}; decisions are routed by the mirror part. */
    public static String mirrorKeyOf(String alertKey) {
        Objects.requireNonNull(alertKey, "alertKey");
        int bar = alertKey.indexOf('|');
        return bar < 0 ? alertKey : alertKey.substring(bar + 1);
    }
}
