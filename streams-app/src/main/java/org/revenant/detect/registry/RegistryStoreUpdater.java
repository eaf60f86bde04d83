package org.revenant.detect.registry;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.revenant.avro.RetractedDataset;
import org.revenant.deadletter.DeadLetters;
import org.revenant.detect.guard.RejectedRecordException;
import org.revenant.detect.state.StateStores;
import org.revenant.detect.tap.DetectionTap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the global registry store and the {@link RegistryView} in step: every registry record
 * (a tombstone removes a dataset) rebuilds the index from the whole store and swaps it in.
 *
 * <p>A record that {@code registry load} would reject is still stored, so that a later valid
 * version or a tombstone replaces it as usual, but the index leaves it out. When it is read it is
 * logged, counted and written to the dead-letter topic. Nothing here throws: an exception on the
 * global thread stops the whole app, and would again on every restart over the same data.
 *
 * <p>The processor reads raw bytes and decodes them itself, so bytes no schema reads are dead
 * letters like any other bad record. Kafka Streams 4.2.1 cannot do that for a global store: with a
 * dead-letter topic configured, its deserialization-failure path casts the global context to a
 * task's record collector and the global thread dies of a {@code ClassCastException}.
 */
public final class RegistryStoreUpdater implements Processor<String, byte[], Void, Void> {

    private static final Logger LOG = LoggerFactory.getLogger(RegistryStoreUpdater.class);

    private final RegistryView view;
    private final DetectionTap tap;
    private final DeadLetters deadLetters;
    private final String deadLetterTopic;
    private final Deserializer<RetractedDataset> deserializer;
    private ProcessorContext<Void, Void> context;
    private KeyValueStore<String, RetractedDataset> store;

    public RegistryStoreUpdater(RegistryView view, Deserializer<RetractedDataset> deserializer) {
        this(view, DetectionTap.NONE, DeadLetters.NONE, null, deserializer);
    }

    /** With the tap to count skipped records, where to dead-letter them, and how to read a record's bytes. */
    public RegistryStoreUpdater(
            RegistryView view,
            DetectionTap tap,
            DeadLetters deadLetters,
            String deadLetterTopic,
            Deserializer<RetractedDataset> deserializer) {
        this.view = Objects.requireNonNull(view, "view");
        this.tap = Objects.requireNonNull(tap, "tap");
        this.deadLetters = Objects.requireNonNull(deadLetters, "deadLetters");
        this.deadLetterTopic = deadLetterTopic;
        this.deserializer = Objects.requireNonNull(deserializer, "deserializer");
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        this.context = context;
        store = context.getStateStore(StateStores.REGISTRY);
        // The store may have been restored from the topic without passing through process().
        // Records skipped here were dead-lettered when first read; now they are only logged.
        RegistryIndex index = rebuild();
        index.skipped()
                .forEach((key, reason) -> LOG.warn("registry record '{}' left out of the index: {}", key, reason));
    }

    @Override
    public void process(Record<String, byte[]> record) {
        try {
            if (record.key() == null) {
                return;
            }
            if (record.value() == null) {
                store.delete(record.key());
                rebuild();
                return;
            }
            RetractedDataset dataset;
            try {
                dataset = deserializer.deserialize(topic(), record.value());
            } catch (RuntimeException e) {
                // Nothing readable to store: whatever the key held before stays as it was.
                skip(record, "cannot be read: " + e.getMessage());
                return;
            }
            if (dataset == null) {
                skip(record, "cannot be read: no value");
                return;
            }
            store.put(record.key(), dataset);
            List<String> problems = RegistryIndex.problems(record.key(), dataset);
            if (!problems.isEmpty()) {
                skip(record, String.join("; ", problems));
            }
            rebuild();
        } catch (RuntimeException e) {
            skip(record, "cannot be processed: " + e);
        }
    }

    private String topic() {
        return context == null
                ? null
                : context.recordMetadata().map(RecordMetadata::topic).orElse(null);
    }

    private RegistryIndex rebuild() {
        Map<String, RetractedDataset> all = new LinkedHashMap<>();
        try (KeyValueIterator<String, RetractedDataset> it = store.all()) {
            it.forEachRemaining(kv -> all.put(kv.key, kv.value));
        } catch (RuntimeException e) {
            LOG.error("cannot read the registry store; keeping the previous index: {}", e.toString());
            return view.current();
        }
        RegistryIndex index = RegistryIndex.ofRecords(all);
        view.swap(index);
        return index;
    }

    private void skip(Record<String, byte[]> record, String reason) {
        Optional<RecordMetadata> where = context == null ? Optional.empty() : context.recordMetadata();
        String topic = where.map(RecordMetadata::topic).orElse(null);
        int partition = where.map(RecordMetadata::partition).orElse(-1);
        long offset = where.map(RecordMetadata::offset).orElse(-1L);
        LOG.warn("skipping registry record '{}' ({}-{}@{}): {}", record.key(), topic, partition, offset, reason);
        try {
            tap.registryRecordSkipped(record.key(), reason);
            tap.deadLettered(topic, reason);
        } catch (RuntimeException e) {
            LOG.debug("tap failed", e);
        }
        if (deadLetterTopic == null) {
            return;
        }
        byte[] key = record.key() == null ? null : record.key().getBytes(StandardCharsets.UTF_8);
        deadLetters.write(DeadLetters.record(
                deadLetterTopic,
                key,
                record.value(),
                topic,
                partition,
                offset,
                record.timestamp(),
                new RejectedRecordException("registry record '" + record.key() + "' skipped: " + reason)));
    }
}
