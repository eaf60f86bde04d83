package org.revenant.crawl;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.revenant.wire.Topics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One scheduler at a time among the crawler processes of a deployment (docs/decisions/027): every
 * process joins the consumer group {@code <prefix>crawl-scheduler} on the crawl-jobs topic, reads
 * nothing from it (its partitions stay paused), and the member that is given partition 0 schedules.
 * Kafka's group membership is the lease: a process that stops leaves the group and another is given
 * partition 0 at once; one that dies is noticed after the session timeout (10 s unless the client
 * configuration says otherwise). Not thread-safe: the scheduler's thread owns it.
 */
final class SchedulerLease implements AutoCloseable {

    static final String GROUP_SUFFIX = "crawl-scheduler";
    private static final Logger LOG = LoggerFactory.getLogger(SchedulerLease.class);

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final TopicPartition first;
    private boolean held;

    SchedulerLease(Properties client, Topics topics, String instance) {
        Properties c = new Properties();
        c.putAll(client);
        c.put(ConsumerConfig.GROUP_ID_CONFIG, topics.prefix() + GROUP_SUFFIX);
        c.put(ConsumerConfig.CLIENT_ID_CONFIG, topics.prefix() + "crawl-scheduler-" + instance);
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.putIfAbsent(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 10_000);
        c.putIfAbsent(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 3_000);
        c.put(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, (int)
                Duration.ofMinutes(10).toMillis());
        this.consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.first = new TopicPartition(topics.crawlJobs.name(), 0);
        consumer.subscribe(List.of(topics.crawlJobs.name()), new ConsumerRebalanceListener() {
            @Override
            public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                consumer.pause(partitions);
                if (partitions.contains(first) && !held) {
                    held = true;
                    LOG.info("this crawler schedules now (it holds the scheduler lease)");
                }
            }

            @Override
            public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                release(partitions);
            }

            @Override
            public void onPartitionsLost(Collection<TopicPartition> partitions) {
                release(partitions);
            }
        });
    }

    private void release(Collection<TopicPartition> partitions) {
        if (partitions.contains(first) && held) {
            held = false;
            LOG.info("another crawler schedules now (this one gave up the scheduler lease)");
        }
    }

    /**
     * Keeps this process in the group for about {@code wait}, or less when it gains the lease
     * meanwhile (so a process taking over schedules at once); whether it holds the lease now.
     */
    boolean hold(Duration wait) {
        boolean before = held;
        long end = System.nanoTime() + wait.toNanos();
        do {
            long left = Math.max(0, end - System.nanoTime());
            consumer.poll(Duration.ofNanos(Math.min(left, Duration.ofSeconds(1).toNanos())));
            if (held && !before) {
                return true;
            }
        } while (System.nanoTime() < end);
        return held;
    }

    boolean held() {
        return held;
    }

    /** Wakes a {@link #hold} in progress (closing). */
    void wakeup() {
        consumer.wakeup();
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(5)); // leaves the group: another crawler takes over at once
    }
}
