package org.revenant.cli.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.streams.KafkaStreams;
import org.revenant.avro.SnapshotChunk;
import org.revenant.cli.TopicContents;
import org.revenant.wire.Topic;

/** Timed passes over the same snapshot topic. */
final class Throughput {

    /** How long one pass over all the snapshots took, and for a streams pass where its time went (else null). */
    record Result(double seconds, PassCosts costs) {
        Result(double seconds) {
            this(seconds, null);
        }

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
                    entries +=
                            topic.deserializeValue(record.value()).getEntries().size();
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
     * committed records that pass {@code counts} (all, if null) are in the output topic after it started.
     */
    static Result streamsUntil(
            KafkaStreams streams,
            LongSupplier runningSince,
            Properties client,
            String output,
            long target,
            Predicate<byte[]> counts)
            throws InterruptedException {
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(client)) {
            List<TopicPartition> partitions = partitions(consumer, output);
            consumer.assign(partitions);
            // Only what this app writes counts: an earlier round may have written to the same topic.
            consumer.seekToEnd(partitions);
            partitions.forEach(consumer::position);
            streams.start();
            long start = awaitRunning(streams, runningSince);
            PassCosts.Meter costs = new PassCosts.Meter(streams);
            long seen = 0;
            long deadline = start + LIMIT.toNanos();
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
            return new Result(BenchCommand.seconds(start), costs.stop());
        }
    }

    /**
     * Waits for the app to be RUNNING and returns when it first was, as its state listener saw it
     * ({@code runningSince}, a {@link System#nanoTime()}): this thread may be scheduled late on a
     * busy machine, and a short pass could be half done before it looked.
     */
    static long awaitRunning(KafkaStreams streams, LongSupplier runningSince) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (runningSince.getAsLong() == 0) {
            if (System.nanoTime() > deadline || streams.state() == KafkaStreams.State.ERROR) {
                throw new IllegalStateException("streams app did not start: " + streams.state());
            }
            Thread.sleep(10);
        }
        return runningSince.getAsLong();
    }

    /** A state listener that notes when the app is first RUNNING, for {@link #awaitRunning}. */
    static LongSupplier noteRunning(KafkaStreams streams) {
        AtomicLong since = new AtomicLong();
        streams.setStateListener((now, before) -> {
            if (now == KafkaStreams.State.RUNNING) {
                since.compareAndSet(0, System.nanoTime());
            }
        });
        return since::get;
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

    /**
     * The unchanged re-crawl pass: starts the streams app and times it from RUNNING until its
     * consumer group has committed every offset up to {@code end} on the input topic. An unchanged
     * snapshot emits nothing, so committed input offsets are the only sign it was processed.
     */
    static Result streamsCaughtUp(
            KafkaStreams streams, LongSupplier runningSince, Admin admin, String group, Map<TopicPartition, Long> end)
            throws Exception {
        streams.start();
        long start = awaitRunning(streams, runningSince);
        long deadline = start + LIMIT.toNanos();
        while (true) {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata()
                    .get();
            boolean done = end.entrySet().stream()
                    .allMatch(e -> e.getValue() == 0
                            || committed.get(e.getKey()) != null
                                    && committed.get(e.getKey()).offset() >= e.getValue());
            if (done) {
                return new Result(BenchCommand.seconds(start));
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("input not all committed after " + LIMIT + ": " + committed);
            }
            if (streams.state() == KafkaStreams.State.ERROR || streams.state() == KafkaStreams.State.NOT_RUNNING) {
                throw new IllegalStateException("streams app stopped: " + streams.state());
            }
            Thread.sleep(20);
        }
    }

    /** End offsets of a topic's partitions (transaction markers included). */
    static Map<TopicPartition, Long> endOffsets(Properties client, String topic) {
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(client)) {
            return consumer.endOffsets(partitions(consumer, topic));
        }
    }

    /**
     * Bytes on the broker's disk of every changelog topic of the application: what its state
     * stores have written so far (compaction does not run in a bench-length run of these sizes).
     */
    static long changelogBytes(Admin admin, String applicationId) throws Exception {
        return changelogBytesByStore(admin, applicationId).values().stream()
                .mapToLong(Long::longValue)
                .sum();
    }

    /** {@link #changelogBytes} per store, by store name. */
    static Map<String, Long> changelogBytesByStore(Admin admin, String applicationId) throws Exception {
        List<Integer> brokers =
                admin.describeCluster().nodes().get().stream().map(n -> n.id()).toList();
        Map<String, Long> bytes = new java.util.TreeMap<>();
        String prefix = applicationId + "-";
        String suffix = "-changelog";
        for (var dirs : admin.describeLogDirs(brokers).allDescriptions().get().values()) {
            for (var dir : dirs.values()) {
                for (var replica : dir.replicaInfos().entrySet()) {
                    String topic = replica.getKey().topic();
                    if (topic.startsWith(prefix) && topic.endsWith(suffix)) {
                        bytes.merge(
                                topic.substring(prefix.length(), topic.length() - suffix.length()),
                                replica.getValue().size(),
                                Long::sum);
                    }
                }
            }
        }
        return bytes;
    }

    /** Bytes of the files under a directory (a streams app's state stores). */
    static long directoryBytes(Path dir) throws IOException {
        try (var files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile)
                    .mapToLong(f -> f.toFile().length())
                    .sum();
        }
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
                .map(p -> new TopicPartition(p.topic(), p.partition()))
                .toList();
    }
}
