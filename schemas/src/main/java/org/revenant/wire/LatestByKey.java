package org.revenant.wire;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The latest value of each key of a small compacted topic, followed on a thread of its own without a
 * consumer group (every reader sees every partition). At most {@code maxKeys} keys are kept (a key
 * beyond that is counted and dropped); a record no schema reads is counted and skipped, so one bad
 * record never stops the reader; a tombstone removes its key.
 */
public final class LatestByKey<V> implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LatestByKey.class);

    private final Topic<String, V> topic;
    private final int maxKeys;
    private final Map<String, V> latest = new ConcurrentHashMap<>();
    private final KafkaConsumer<String, V> consumer;
    private final Thread thread;
    private final CountDownLatch loaded = new CountDownLatch(1);
    private final AtomicReference<String> failure = new AtomicReference<>();
    private final AtomicLong skipped = new AtomicLong();
    private volatile BiConsumer<String, V> onChange = (key, value) -> {};
    private volatile Predicate<String> keys = key -> true;
    private volatile Predicate<V> values = value -> true;
    private volatile boolean closed;

    public LatestByKey(Properties client, Topic<String, V> topic, int maxKeys, String threadName) {
        this.topic = Objects.requireNonNull(topic, "topic");
        if (maxKeys < 1) {
            throw new IllegalArgumentException("maxKeys must be at least 1");
        }
        this.maxKeys = maxKeys;
        Properties c = new Properties();
        c.putAll(client);
        c.remove(ConsumerConfig.GROUP_ID_CONFIG);
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 1 << 20);
        this.consumer = new KafkaConsumer<>(
                c, new StringDeserializer(), topic.valueSerde().deserializer());
        this.thread = new Thread(this::follow, threadName);
        thread.setDaemon(true);
    }

    /** Told each key's new value (null when removed), on the reader's thread; set before {@link #start}. */
    public LatestByKey<V> onChange(BiConsumer<String, V> listener) {
        this.onChange = Objects.requireNonNull(listener, "listener");
        return this;
    }

    /** Only the keys that pass (the others are read past, neither kept nor counted); set before {@link #start}. */
    public LatestByKey<V> keys(Predicate<String> filter) {
        this.keys = Objects.requireNonNull(filter, "filter");
        return this;
    }

    /** Only values that pass are kept (the others are counted as skipped); set before {@link #start}. */
    public LatestByKey<V> values(Predicate<V> filter) {
        this.values = Objects.requireNonNull(filter, "filter");
        return this;
    }

    public LatestByKey<V> start() {
        thread.start();
        return this;
    }

    /** True once everything the topic held at start has been read (false on timeout or failure). */
    public boolean awaitLoaded(Duration timeout) throws InterruptedException {
        return loaded.await(timeout.toMillis(), TimeUnit.MILLISECONDS) && failure.get() == null;
    }

    /** The latest value of each key, sorted by key. */
    public Map<String, V> snapshot() {
        return new TreeMap<>(latest);
    }

    /** Why the reader stopped, or null while it follows the topic. */
    public String failure() {
        return failure.get();
    }

    /** Records skipped: unreadable, or keys beyond the bound. */
    public long skipped() {
        return skipped.get();
    }

    private void follow() {
        try {
            List<PartitionInfo> infos = consumer.partitionsFor(topic.name(), Duration.ofMinutes(1));
            List<TopicPartition> partitions = new ArrayList<>();
            for (PartitionInfo info : infos == null ? List.<PartitionInfo>of() : infos) {
                partitions.add(new TopicPartition(info.topic(), info.partition()));
            }
            if (partitions.isEmpty()) {
                throw new KafkaException("topic " + topic.name() + " does not exist");
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofMinutes(1));
            while (!closed) {
                ConsumerRecords<String, V> records;
                try {
                    records = consumer.poll(Duration.ofMillis(500));
                } catch (RecordDeserializationException e) {
                    skipped.incrementAndGet();
                    LOG.warn(
                            "{}: skipped an unreadable record at {} offset {}",
                            topic.name(),
                            e.topicPartition(),
                            e.offset());
                    consumer.seek(e.topicPartition(), e.offset() + 1);
                    continue;
                }
                for (ConsumerRecord<String, V> r : records) {
                    if (r.key() != null && !keys.test(r.key())) {
                        continue;
                    }
                    if (r.key() == null || (r.value() != null && !values.test(r.value()))) {
                        skipped.incrementAndGet();
                    } else if (r.value() == null) {
                        latest.remove(r.key());
                        tell(r.key(), null);
                    } else if (latest.size() < maxKeys || latest.containsKey(r.key())) {
                        latest.put(r.key(), r.value());
                        tell(r.key(), r.value());
                    } else {
                        skipped.incrementAndGet();
                    }
                }
                if (loaded.getCount() > 0
                        && end.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue())) {
                    loaded.countDown();
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            if (!closed) {
                failure.set(e.getClass().getSimpleName() + ": " + e.getMessage());
                LOG.error("{}: stopped following: {}", topic.name(), e.getMessage());
            }
        } finally {
            loaded.countDown();
            consumer.close(Duration.ofSeconds(5));
        }
    }

    private void tell(String key, V value) {
        try {
            onChange.accept(key, value);
        } catch (RuntimeException e) { // a listener's failure is one record's, not the reader's
            skipped.incrementAndGet();
            LOG.warn(
                    "{}: a record for key of {} characters was not taken: {}",
                    topic.name(),
                    key.length(),
                    e.toString());
        }
    }

    @Override
    public void close() {
        closed = true;
        if (!thread.isAlive() && loaded.getCount() > 0 && thread.getState() == Thread.State.NEW) {
            consumer.close(Duration.ZERO); // never started: nobody else closes it
            return;
        }
        consumer.wakeup();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
