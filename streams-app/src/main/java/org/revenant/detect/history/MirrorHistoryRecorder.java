package org.revenant.detect.history;

import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.revenant.avro.ManifestChange;
import org.revenant.detect.state.StateStores;

/**
 * Keeps the last {@value #CAP} manifest changes of every mirror for the mirror page, next to the
 * mirror's manifest in the same task. Store key: {@code mirror \0 seq}.
 */
public final class MirrorHistoryRecorder implements Processor<String, ManifestChange, Void, Void> {

    public static final int CAP = 100;

    private BoundedHistory<ManifestChange> history;

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        history = new BoundedHistory<>(context.getStateStore(StateStores.MIRROR_HISTORY), CAP);
    }

    @Override
    public void process(Record<String, ManifestChange> record) {
        if (record.value() != null) {
            history.append(record.value().getMirrorKey(), record.value());
        }
    }
}
