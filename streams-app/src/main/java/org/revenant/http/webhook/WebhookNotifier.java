package org.revenant.http.webhook;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.revenant.avro.AlertEvent;
import org.revenant.http.metrics.RevenantMetrics;
import org.revenant.wire.Topics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the alert topic in its own consumer group and hands each event to the
 * {@link WebhookDispatcher}; offsets are committed after a batch is delivered (or dead-lettered),
 * so delivery is at-least-once and receivers deduplicate on the idempotency key. A new group
 * starts at the end of the topic: subscribing does not replay history.
 */
public final class WebhookNotifier implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(WebhookNotifier.class);

    private final Topics topics;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final KafkaProducer<byte[], byte[]> dlqProducer;
    private final WebhookDispatcher dispatcher;
    private final CountDownLatch assigned = new CountDownLatch(1);
    private final Thread thread;
    private volatile boolean running = true;

    private WebhookNotifier(Properties clientProperties, Topics topics, String groupId, List<WebhookSubscription> subscriptions,
                            RevenantMetrics metrics) {
        this.topics = Objects.requireNonNull(topics, "topics");
        Properties consumerProps = new Properties();
        consumerProps.putAll(clientProperties);
        consumerProps.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        consumerProps.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        consumerProps.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        consumerProps.putIfAbsent(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        consumerProps.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 50);
        consumerProps.put(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, 15 * 60 * 1000);
        this.consumer = new KafkaConsumer<>(consumerProps, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        Properties producerProps = new Properties();
        producerProps.putAll(clientProperties);
        producerProps.put(ProducerConfig.ACKS_CONFIG, "all");
        producerProps.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        this.dlqProducer = new KafkaProducer<>(producerProps, new ByteArraySerializer(), new ByteArraySerializer());
        this.dispatcher = new WebhookDispatcher(subscriptions, dlqProducer, topics.dlq.name(), metrics);
        this.thread = new Thread(this::run, "revenant-webhooks");
    }

    public static WebhookNotifier start(Properties clientProperties, Topics topics, String groupId,
                                        List<WebhookSubscription> subscriptions, RevenantMetrics metrics) {
        WebhookNotifier notifier = new WebhookNotifier(clientProperties, topics, groupId, subscriptions, metrics);
        notifier.thread.start();
        LOG.info("webhooks: {} subscription(s) on {} (consumer group {})", subscriptions.size(), topics.alerts.name(), groupId);
        return notifier;
    }

    /** True once the consumer holds its partitions (and so will see every event written from now on). */
    public boolean awaitAssignment(Duration timeout) throws InterruptedException {
        return assigned.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void run() {
        try {
            consumer.subscribe(List.of(topics.alerts.name()), new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> partitions) {}

                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                    if (!partitions.isEmpty()) {
                        // Resolve the start positions now, so events written after this are not skipped by "latest".
                        partitions.forEach(consumer::position);
                        assigned.countDown();
                    }
                }
            });
            while (running) {
                var records = consumer.poll(Duration.ofMillis(500));
                for (ConsumerRecord<byte[], byte[]> record : records) {
                    AlertEvent event = decode(record);
                    if (event != null) {
                        dispatcher.dispatch(event, record.topic(), record.partition(), record.offset());
                    }
                }
                if (!records.isEmpty() && running) {
                    consumer.commitSync();
                }
            }
        } catch (WakeupException | InterruptedException e) {
            // closing: what was not committed is delivered again on restart
        } catch (RuntimeException e) {
            LOG.error("the webhook notifier stopped: {}", e.toString());
        } finally {
            Thread.interrupted(); // close() interrupts a delivery in progress; the consumer must still close cleanly
            consumer.close(Duration.ofSeconds(5));
        }
    }

    private AlertEvent decode(ConsumerRecord<byte[], byte[]> record) {
        try {
            return topics.alerts.deserializeValue(record.value());
        } catch (RuntimeException e) {
            LOG.warn("webhooks skip an undecodable alert at {}-{}@{}: {}", record.topic(), record.partition(), record.offset(), e.getMessage());
            return null;
        }
    }

    @Override
    public void close() {
        running = false;
        dispatcher.stop();
        consumer.wakeup();
        thread.interrupt();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        dlqProducer.close(Duration.ofSeconds(5));
    }
}
