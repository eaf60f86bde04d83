package org.revenant.cli;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.revenant.wire.Topic;

/** Reads topics from their beginning to their current end (committed records only). */
public final class TopicContents {

    private TopicContents() {}

    /** The latest value per key of a compacted topic; tombstones remove keys; unreadable records are reported and skipped. */
    static <K, V> Map<K, V> latest(Properties clientProperties, Topic<K, V> topic, Consumer<String> unreadable) {
        Map<K, V> latest = new LinkedHashMap<>();
        readToEnd(clientProperties, topic.name(), record -> {
            K key;
            V value;
            try {
                key = topic.deserializeKey(record.key());
                value = topic.deserializeValue(record.value());
            } catch (RuntimeException e) {
                // Anyone with write access can put bytes here that no schema reads; they cost one line, not the
                // command.
                unreadable.accept(
                        record.topic() + "-" + record.partition() + "@" + record.offset() + ": " + e.getMessage());
                return;
            }
            if (value == null) {
                latest.remove(key);
            } else {
                latest.put(key, value);
            }
        });
        return latest;
    }

    /** Every committed record of the topic, from its beginning to the end it has when the call starts. */
    public static void readToEnd(
            Properties clientProperties, String topic, Consumer<ConsumerRecord<byte[], byte[]>> each) {
        Properties props = new Properties();
        props.putAll(clientProperties);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            var infos = consumer.partitionsFor(topic, Duration.ofSeconds(30));
            if (infos == null || infos.isEmpty()) {
                throw new UserError("topic " + topic + " does not exist (is Revenant set up on this cluster?)");
            }
            List<TopicPartition> partitions = infos.stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                consumer.poll(Duration.ofMillis(200)).forEach(each);
            }
        }
    }

    /** True when nothing was ever written to the topic (or all of it has been deleted). */
    static boolean isEmpty(Properties clientProperties, Topic<?, ?> topic) {
        Properties props = new Properties();
        props.putAll(clientProperties);
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic.name(), Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition()))
                    .toList();
            Map<TopicPartition, Long> begin = consumer.beginningOffsets(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            return partitions.stream().allMatch(p -> begin.get(p).equals(end.get(p)));
        }
    }
}
