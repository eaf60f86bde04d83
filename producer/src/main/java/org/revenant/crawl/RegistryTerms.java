package org.revenant.crawl;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.revenant.avro.RetractedDataset;
import org.revenant.registry.DatasetRules;
import org.revenant.registry.RegistryLoader;
import org.revenant.wire.Topics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The discovery terms of the registry as it is now in Kafka (the compacted registry topic, read to
 * its end), falling back to the bundled registry while the topic is empty. Read again on every
 * call, so queries follow registry changes.
 */
public final class RegistryTerms implements Supplier<DiscoveryTerms> {

    private static final Logger LOG = LoggerFactory.getLogger(RegistryTerms.class);

    private final Properties client;
    private final Topics topics;
    private String lastFingerprint;

    public RegistryTerms(Properties client, Topics topics) {
        this.client = client;
        this.topics = topics;
    }

    @Override
    public DiscoveryTerms get() {
        List<RetractedDataset> datasets;
        try {
            datasets = read();
        } catch (KafkaException e) {
            LOG.warn(
                    "cannot read {}: {}; discovering with the bundled registry",
                    topics.registry.name(),
                    e.getMessage());
            datasets = List.of();
        }
        if (datasets.isEmpty()) {
            try {
                datasets = RegistryLoader.loadBundled();
            } catch (RuntimeException e) {
                LOG.warn(
                        "the registry topic is empty and no registry is bundled: discovery finds nothing ({})",
                        e.getMessage());
            }
        }
        DiscoveryTerms terms = DiscoveryTerms.from(datasets);
        String fingerprint = terms.fingerprint();
        if (!fingerprint.equals(lastFingerprint)) {
            LOG.info(
                    "discovery terms from {} datasets: {} names, {} file names, {} infohashes",
                    datasets.size(),
                    terms.names().size(),
                    terms.fileNames().size(),
                    terms.btihs().size());
            lastFingerprint = fingerprint;
        }
        return terms;
    }

    private List<RetractedDataset> read() {
        Properties c = new Properties();
        c.putAll(client);
        c.remove(ConsumerConfig.GROUP_ID_CONFIG);
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        try (KafkaConsumer<String, RetractedDataset> consumer = new KafkaConsumer<>(
                c, new StringDeserializer(), topics.registry.valueSerde().deserializer())) {
            List<PartitionInfo> infos = consumer.partitionsFor(topics.registry.name(), Duration.ofSeconds(30));
            List<TopicPartition> parts = new ArrayList<>();
            for (PartitionInfo i : infos == null ? List.<PartitionInfo>of() : infos) {
                parts.add(new TopicPartition(i.topic(), i.partition()));
            }
            if (parts.isEmpty()) {
                return List.of();
            }
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            Map<TopicPartition, Long> end = consumer.endOffsets(parts, Duration.ofSeconds(30));
            Map<String, RetractedDataset> byId = new LinkedHashMap<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (end.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue())) {
                if (System.nanoTime() > deadline) {
                    throw new KafkaException("timed out reading " + topics.registry.name());
                }
                ConsumerRecords<String, RetractedDataset> records;
                try {
                    records = consumer.poll(Duration.ofMillis(200));
                } catch (RecordDeserializationException e) {
                    // The streams app dead-letters what it cannot read; discovery just reads past it.
                    LOG.debug("registry record at {} offset {} unreadable: skipped", e.topicPartition(), e.offset());
                    consumer.seek(e.topicPartition(), e.offset() + 1);
                    continue;
                }
                for (ConsumerRecord<String, RetractedDataset> r : records) {
                    if (r.value() == null) {
                        byId.remove(r.key());
                    } else if (DatasetRules.problems(r.key(), r.value()).isEmpty()) {
                        byId.put(r.key(), r.value());
                    } else {
                        // A dataset registry load would reject is left out, as the streams app leaves it out.
                        byId.remove(r.key());
                    }
                }
            }
            return new ArrayList<>(byId.values());
        }
    }
}
