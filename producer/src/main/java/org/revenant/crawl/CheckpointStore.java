package org.revenant.crawl;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.revenant.avro.CrawlCheckpoint;
import org.revenant.deadletter.DeadLetters;
import org.revenant.deadletter.KafkaDeadLetters;
import org.revenant.wire.Topics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every crawler checkpoint (ETags, last tree sha, when last crawled, why it last failed), kept in
 * the compacted {@code crawler-state} topic and mirrored in memory. The topic is read to its end
 * on start, so a restarted crawler resumes where it was, and then followed, so crawlers in other
 * processes see each other's progress and do not crawl the same mirror twice.
 */
public final class CheckpointStore implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CheckpointStore.class);

    private final Map<String, CrawlCheckpoint> checkpoints = new ConcurrentHashMap<>();
    private final Topics topics;
    private final KafkaProducer<String, CrawlCheckpoint> producer;
    private final KafkaConsumer<String, CrawlCheckpoint> consumer;
    private final CountDownLatch loaded = new CountDownLatch(1);
    private final AtomicReference<RuntimeException> loadFailure = new AtomicReference<>();
    private final Thread follower;
    private final KafkaDeadLetters deadLetters;
    private volatile boolean closed;

    public CheckpointStore(Properties client, Topics topics) {
        this.topics = topics;
        Properties p = new Properties();
        p.putAll(client);
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "revenant-crawler-state");
        this.producer = new KafkaProducer<>(
                p, new StringSerializer(), topics.crawlerState.valueSerde().serializer());
        this.deadLetters = new KafkaDeadLetters(client);
        Properties c = new Properties();
        c.putAll(client);
        c.remove(ConsumerConfig.GROUP_ID_CONFIG);
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        this.consumer = new KafkaConsumer<>(
                c, new StringDeserializer(), topics.crawlerState.valueSerde().deserializer());
        this.follower = new Thread(this::follow, "revenant-checkpoints");
        follower.setDaemon(true);
    }

    /** Reads the topic to its end (so the caller starts from every known checkpoint), then keeps following it. */
    public void start(Duration timeout) throws InterruptedException {
        follower.start();
        if (!loaded.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new KafkaException("could not read " + topics.crawlerState.name() + " within " + timeout.toSeconds()
                    + " s: is Kafka reachable and does the topic exist?");
        }
        if (loadFailure.get() != null) {
            throw loadFailure.get();
        }
        LOG.info("crawler state: {} checkpoints", checkpoints.size());
    }

    private void follow() {
        try {
            List<PartitionInfo> infos = consumer.partitionsFor(topics.crawlerState.name(), Duration.ofMinutes(5));
            List<TopicPartition> partitions = new ArrayList<>();
            for (PartitionInfo info : infos == null ? List.<PartitionInfo>of() : infos) {
                partitions.add(new TopicPartition(info.topic(), info.partition()));
            }
            if (partitions.isEmpty()) {
                throw new KafkaException("topic " + topics.crawlerState.name() + " does not exist");
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofMinutes(1));
            while (!closed) {
                ConsumerRecords<String, CrawlCheckpoint> records;
                try {
                    records = consumer.poll(Duration.ofMillis(500));
                } catch (RecordDeserializationException e) {
                    // A checkpoint no schema reads (garbage, a foreign writer): dead-letter it and read on,
                    // or it would stop the crawler from ever starting again.
                    LOG.warn(
                            "crawler state: unreadable record at {} offset {} dead-lettered: {}",
                            e.topicPartition(),
                            e.offset(),
                            e.getMessage());
                    deadLetters.write(DeadLetters.undecodable(topics.dlq.name(), e));
                    consumer.seek(e.topicPartition(), e.offset() + 1);
                    continue;
                }
                for (ConsumerRecord<String, CrawlCheckpoint> r : records) {
                    if (r.value() == null) {
                        checkpoints.remove(r.key());
                    } else {
                        checkpoints.merge(r.key(), r.value(), CheckpointStore::newer);
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
            loadFailure.set(e);
            if (!closed) {
                LOG.error("crawler state: stopped following {}: {}", topics.crawlerState.name(), e.getMessage());
            }
        } finally {
            loaded.countDown();
            consumer.close(Duration.ofSeconds(5));
        }
    }

    /** Our own writes come back through the topic: keep whichever attempt is later. */
    private static CrawlCheckpoint newer(CrawlCheckpoint mine, CrawlCheckpoint theirs) {
        return Schedule.attemptedAt(theirs) >= Schedule.attemptedAt(mine) ? theirs : mine;
    }

    public CrawlCheckpoint get(String key) {
        return checkpoints.get(key);
    }

    public Collection<CrawlCheckpoint> all() {
        return List.copyOf(checkpoints.values());
    }

    public void put(CrawlCheckpoint checkpoint) {
        checkpoints.put(checkpoint.getKey(), checkpoint);
        producer.send(new ProducerRecord<>(topics.crawlerState.name(), checkpoint.getKey(), checkpoint), (md, e) -> {
            if (e != null) {
                LOG.warn("crawler state: cannot save checkpoint {}: {}", checkpoint.getKey(), e.getMessage());
            }
        });
    }

    public void flush() {
        producer.flush();
    }

    @Override
    public void close() {
        closed = true;
        consumer.wakeup();
        try {
            follower.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close(Duration.ofSeconds(10));
        deadLetters.close();
    }

    /** Why following the topic stopped, or null while it follows. */
    public RuntimeException failure() {
        return loadFailure.get();
    }
}
