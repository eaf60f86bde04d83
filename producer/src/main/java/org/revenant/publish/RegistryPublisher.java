package org.revenant.publish;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;
import org.revenant.avro.RetractedDataset;
import org.revenant.wire.Topics;

/** Writes reviewed registry entries to the compacted registry topic, keyed by dataset id. */
public final class RegistryPublisher {

    private RegistryPublisher() {}

    public static void publish(Properties clientProperties, Topics topics, Collection<RetractedDataset> datasets) {
        Objects.requireNonNull(datasets, "datasets");
        Properties props = new Properties();
        props.putAll(clientProperties);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        // One batch in flight: a registry is small, and a retry can never overtake a later batch.
        props.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1);
        List<Future<RecordMetadata>> sent = new ArrayList<>();
        try (KafkaProducer<String, RetractedDataset> producer = new KafkaProducer<>(
                props, new StringSerializer(), topics.registry.valueSerde().serializer())) {
            for (RetractedDataset dataset : datasets) {
                sent.add(producer.send(new ProducerRecord<>(topics.registry.name(), dataset.getId(), dataset)));
            }
            producer.flush();
            // A dataset that did not land is an error, not a silently shorter registry.
            for (Future<RecordMetadata> f : sent) {
                f.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while publishing the registry", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(
                    "could not publish the registry to " + topics.registry.name() + ": "
                            + e.getCause().getMessage(),
                    e.getCause());
        }
    }

    /** Removes a dataset: its tombstone resolves nothing by itself but stops all matching. */
    public static void remove(Properties clientProperties, Topics topics, String datasetId) {
        Properties props = new Properties();
        props.putAll(clientProperties);
        try (KafkaProducer<String, RetractedDataset> producer = new KafkaProducer<>(
                props, new StringSerializer(), topics.registry.valueSerde().serializer())) {
            producer.send(new ProducerRecord<>(topics.registry.name(), datasetId, null));
            producer.flush();
        }
    }
}
