package org.revenant.detect.registry;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.revenant.avro.RetractedDataset;

/**
 * Keeps the global registry store and the {@link RegistryView} in step: every registry record
 * (a tombstone removes a dataset) rebuilds the index from the whole store and swaps it in.
 */
public final class RegistryStoreUpdater implements Processor<String, RetractedDataset, Void, Void> {

    public static final String STORE = "registry-store";

    private final RegistryView view;
    private KeyValueStore<String, RetractedDataset> store;

    public RegistryStoreUpdater(RegistryView view) {
        this.view = Objects.requireNonNull(view, "view");
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        store = context.getStateStore(STORE);
        // The store may have been restored from the topic without passing through process().
        rebuild();
    }

    @Override
    public void process(Record<String, RetractedDataset> record) {
        if (record.key() == null) {
            return;
        }
        if (record.value() == null) {
            store.delete(record.key());
        } else {
            store.put(record.key(), record.value());
        }
        rebuild();
    }

    private void rebuild() {
        List<RetractedDataset> all = new ArrayList<>();
        try (KeyValueIterator<String, RetractedDataset> it = store.all()) {
            it.forEachRemaining(kv -> all.add(kv.value));
        }
        view.swap(new RegistryIndex(all));
    }
}
