package org.revenant.publish;

import java.util.Collection;
import java.util.Objects;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
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
        try (KafkaProducer<String, RetractedDataset> producer = new KafkaProducer<>(
                props, new StringSerializer(), topics.registry.valueSerde().serializer())) {
            for (RetractedDataset dataset : datasets) {
                producer.send(new ProducerRecord<>(topics.registry.name(), dataset.getId(), dataset));
            }
            producer.flush();
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
