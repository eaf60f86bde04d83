package org.revenant.detect.history;

import java.util.Objects;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.revenant.avro.AlertEvent;
import org.revenant.detect.state.MirrorScopedKey;
import org.revenant.detect.state.StateStores;
import org.revenant.detect.tap.DetectionTap;

/**
 * Keeps the last {@value #CAP} events of every alert for the alert page's timeline. It runs in the
 * task that emitted the event, so the history lives with the mirror's partition like the alert
 * state does, and is found through the mirror key. Store key: {@code mirror \0 dataset \0 seq}.
 */
public final class AlertHistoryRecorder implements Processor<String, AlertEvent, Void, Void> {

    public static final int CAP = 100;

    private final DetectionTap tap;
    private BoundedHistory<AlertEvent> history;

    public AlertHistoryRecorder(DetectionTap tap) {
        this.tap = Objects.requireNonNull(tap, "tap");
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        history = new BoundedHistory<>(context.getStateStore(StateStores.ALERT_HISTORY), CAP);
    }

    @Override
    public void process(Record<String, AlertEvent> record) {
        AlertEvent event = record.value();
        if (event == null) {
            return;
        }
        history.append(owner(event.getMirrorKey(), event.getDatasetId()), event);
        tap.alert(event);
    }

    /** The history owner of one alert: {@code mirror \0 dataset}. */
    public static String owner(String mirrorKey, String datasetId) {
        return MirrorScopedKey.of(mirrorKey, datasetId);
    }
}
