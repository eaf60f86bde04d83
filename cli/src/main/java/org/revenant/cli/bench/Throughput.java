package org.revenant.cli.bench;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.streams.KafkaStreams;
import org.revenant.avro.SnapshotChunk;
import org.revenant.cli.TopicContents;
import org.revenant.wire.Topic;

/** Timed passes over the same snapshot topic. */
final class Throughput {

    /** How long one pass over all the snapshots took. */
    record Result(double seconds) {
        double recordsPerSecond(long records) {
            return records / seconds;
        }

        double entriesPerSecond(long entries) {
            return entries / seconds;
        }
    }

    private static final Duration LIMIT = Duration.ofMinutes(15);

    private Throughput() {}

    /** (a): a plain read_committed consumer that reads and decodes every chunk. */
    static Result plainConsumer(Properties client, Topic<String, SnapshotChunk> topic) {
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(client)) {
            List<TopicPartition> partitions = partitions(consumer, topic.name());
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long start = System.nanoTime();
            long entries = 0;
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                    entries += topic.deserializeValue(record.value()).getEntries().size();
                }
            }
            if (entries == 0) {
                throw new IllegalStateException("the plain consumer read nothing");
            }
            return new Result(BenchCommand.seconds(start));
        }
    }

    /**
     * (b) and (c): starts the streams app and times it from RUNNING until {@code target}
     * committed records that pass {@code counts} (all, if null) are in the output topic.
     */
    static Result streamsUntil(KafkaStreams streams, Properties client, String output, long target, Predicate<byte[]> counts)
            throws InterruptedException {
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(client)) {
            List<TopicPartition> partitions = partitions(consumer, output);
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            streams.start();
            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while (streams.state() != KafkaStreams.State.RUNNING) {
                if (System.nanoTime() > deadline || streams.state() == KafkaStreams.State.ERROR) {
                    throw new IllegalStateException("streams app did not start: " + streams.state());
                }
                Thread.sleep(10);
            }
            long start = System.nanoTime();
            long seen = 0;
            deadline = start + LIMIT.toNanos();
            while (seen < target) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("only " + seen + " of " + target + " outputs after " + LIMIT);
                }
                if (streams.state() == KafkaStreams.State.ERROR || streams.state() == KafkaStreams.State.NOT_RUNNING) {
                    throw new IllegalStateException("streams app stopped: " + streams.state());
                }
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(20))) {
                    if (counts == null || counts.test(record.value())) {
                        seen++;
                    }
                }
            }
            return new Result(BenchCommand.seconds(start));
        }
    }

    /** Committed records in a topic that pass the predicate (all, if null). */
    static long count(Properties client, String topic, Predicate<byte[]> counts) {
        long[] n = {0};
        TopicContents.readToEnd(client, topic, record -> {
            if (counts == null || counts.test(record.value())) {
                n[0]++;
            }
        });
        return n[0];
    }

    static KafkaConsumer<byte[], byte[]> consumer(Properties client) {
        Properties props = new Properties();
        props.putAll(client);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 4 * 1024 * 1024);
        return new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    static List<TopicPartition> partitions(KafkaConsumer<?, ?> consumer, String topic) {
        return consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
    }
}
