package org.revenant.http.webhook;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.revenant.avro.AlertEvent;
import org.revenant.avro.SourceHealthEvent;
import org.revenant.health.Component;
import org.revenant.health.Components;
import org.revenant.http.metrics.RevenantMetrics;
import org.revenant.wire.AlertCloudEvent;
import org.revenant.wire.Topic;
import org.revenant.wire.Topics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the alert topic in its own consumer group and hands each event to an {@link AlertChannel}:
 * the {@link WebhookDispatcher}, or the e-mail one (which starts its own notifier, with its own group
 * and component). Deliveries run on a worker thread while this thread keeps polling
 * with the partitions paused, so a slow receiver never makes the consumer miss
 * {@code max.poll.interval.ms}; offsets are committed as records are delivered (or
 * dead-lettered), so delivery is at-least-once and receivers deduplicate on the idempotency key.
 * A new group starts at the end of the topic: subscribing does not replay history. A channel that
 * queues events to send later (e-mail digests) holds the commit of a partition back at its oldest
 * queued offset ({@link AlertChannel#heldFrom}), so a restart reads them again instead of losing them.
 *
 * <p>The notifier reports itself as the non-critical component {@value #COMPONENT}: UP while it
 * polls, DEGRADED when deliveries keep failing, DOWN while it restarts after its loop died (it
 * restarts itself with a growing pause).
 */
public final class WebhookNotifier implements AutoCloseable {

    public static final String COMPONENT = "webhooks";
    /** Consecutive failed deliveries before the component shows DEGRADED. */
    static final int FAILURE_THRESHOLD = 3;

    private static final Logger LOG = LoggerFactory.getLogger(WebhookNotifier.class);
    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration MAX_RESTART_PAUSE = Duration.ofMinutes(1);

    private final Topics topics;
    private final Supplier<Consumer<byte[], byte[]>> consumers;
    private final Producer<byte[], byte[]> dlqProducer;
    private final AlertChannel channel;
    private final Components components;
    private final String componentName;
    private final Component component;
    private final Duration firstRestartPause;
    private final CountDownLatch assigned = new CountDownLatch(1);
    private final ExecutorService worker;
    private final Thread thread;
    private volatile Consumer<byte[], byte[]> current;
    private volatile boolean running = true;
    /** Per partition, the held-back offset last committed while the channel holds queued events there. */
    private final Map<TopicPartition, Long> heldCommitted = new ConcurrentHashMap<>();

    WebhookNotifier(
            Supplier<Consumer<byte[], byte[]>> consumers,
            Producer<byte[], byte[]> dlqProducer,
            Topics topics,
            List<WebhookSubscription> subscriptions,
            RevenantMetrics metrics,
            Components components,
            TargetGuard.Resolver resolver,
            Duration firstRestartPause) {
        this(
                consumers,
                dlqProducer,
                topics,
                new WebhookDispatcher(
                        subscriptions,
                        dlqProducer,
                        topics.dlq.name(),
                        metrics,
                        resolver,
                        null,
                        AlertCloudEvent.source(topics)),
                COMPONENT,
                components,
                firstRestartPause);
    }

    /** A notifier feeding {@code channel}, reporting the component {@code componentName}. */
    WebhookNotifier(
            Supplier<Consumer<byte[], byte[]>> consumers,
            Producer<byte[], byte[]> dlqProducer,
            Topics topics,
            AlertChannel channel,
            String componentName,
            Components components,
            Duration firstRestartPause) {
        this.topics = Objects.requireNonNull(topics, "topics");
        this.consumers = Objects.requireNonNull(consumers, "consumers");
        this.dlqProducer = Objects.requireNonNull(dlqProducer, "dlqProducer");
        this.channel = Objects.requireNonNull(channel, "channel");
        this.componentName = Objects.requireNonNull(componentName, "componentName");
        this.components = Objects.requireNonNull(components, "components");
        this.component = components.register(componentName, false);
        this.firstRestartPause = firstRestartPause;
        this.worker = Executors.newSingleThreadExecutor(r -> new Thread(r, "revenant-" + componentName + "-delivery"));
        this.thread = new Thread(this::supervise, "revenant-" + componentName);
    }

    /**
     * Starts the notifier; it registers and reports the component {@value #COMPONENT} in
     * {@code components} and forgets it again on {@link #close()}.
     */
    public static WebhookNotifier start(
            Properties clientProperties,
            Topics topics,
            String groupId,
            List<WebhookSubscription> subscriptions,
            RevenantMetrics metrics,
            Components components) {
        WebhookNotifier notifier = start(
                clientProperties,
                topics,
                groupId,
                COMPONENT,
                dlq -> new WebhookDispatcher(
                        subscriptions,
                        dlq,
                        topics.dlq.name(),
                        metrics,
                        TargetGuard.Resolver.SYSTEM,
                        null,
                        AlertCloudEvent.source(topics)),
                components);
        LOG.info(
                "webhooks: {} subscription(s) on {} (consumer group {})",
                subscriptions.size(),
                topics.alerts.name(),
                groupId);
        return notifier;
    }

    /**
     * Starts a notifier in the consumer group {@code groupId} feeding the channel that {@code channel}
     * makes from the notifier's DLQ producer; it reports the component {@code componentName}.
     */
    public static WebhookNotifier start(
            Properties clientProperties,
            Topics topics,
            String groupId,
            String componentName,
            Function<Producer<byte[], byte[]>, AlertChannel> channel,
            Components components) {
        Properties consumerProps = new Properties();
        consumerProps.putAll(clientProperties);
        consumerProps.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        consumerProps.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        consumerProps.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        consumerProps.putIfAbsent(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        consumerProps.putIfAbsent(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 50);
        Properties producerProps = new Properties();
        producerProps.putAll(clientProperties);
        producerProps.put(ProducerConfig.ACKS_CONFIG, "all");
        producerProps.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        KafkaProducer<byte[], byte[]> dlq =
                new KafkaProducer<>(producerProps, new ByteArraySerializer(), new ByteArraySerializer());
        WebhookNotifier notifier = new WebhookNotifier(
                () -> new KafkaConsumer<>(consumerProps, new ByteArrayDeserializer(), new ByteArrayDeserializer()),
                dlq,
                topics,
                channel.apply(dlq),
                componentName,
                components,
                Duration.ofSeconds(1));
        notifier.begin();
        return notifier;
    }

    void begin() {
        thread.start();
    }

    /** True once the consumer holds its partitions (and so will see every event written from now on). */
    public boolean awaitAssignment(Duration timeout) throws InterruptedException {
        return assigned.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Runs the polling loop, and runs it again with a growing pause whenever it dies. */
    private void supervise() {
        Duration pause = firstRestartPause;
        while (running) {
            long started = System.nanoTime();
            try {
                current = consumers.get();
                poll(current);
            } catch (WakeupException | InterruptException e) {
                if (!running) {
                    break;
                }
                pause = crashed(e, pause);
            } catch (RuntimeException | Error e) {
                // Whatever ended the loop, the notifier says so and starts again rather than go silent.
                if (!running) {
                    break;
                }
                pause = crashed(e, pause);
            } finally {
                closeQuietly(current);
                current = null;
            }
            if (System.nanoTime() - started > MAX_RESTART_PAUSE.toNanos()) {
                pause = firstRestartPause; // it had been working: the next crash is a new story
            }
            try {
                if (running) {
                    Thread.sleep(pause.toMillis());
                }
            } catch (InterruptedException e) {
                break;
            }
            pause = pause.multipliedBy(2).compareTo(MAX_RESTART_PAUSE) > 0 ? MAX_RESTART_PAUSE : pause.multipliedBy(2);
        }
    }

    private Duration crashed(Throwable e, Duration pause) {
        String reason = "the notifier loop stopped (" + e.getClass().getSimpleName()
                + (e.getMessage() == null ? "" : ": " + e.getMessage()) + "); restarting in " + pause.toMillis()
                + " ms";
        LOG.error("{}: {}", componentName, reason);
        component.down(reason);
        return pause;
    }

    /** One consumer's life: poll, hand batches to the worker, commit what it finished. */
    private void poll(Consumer<byte[], byte[]> consumer) {
        Set<TopicPartition> owned = ConcurrentHashMap.newKeySet();
        Map<TopicPartition, OffsetAndMetadata> done = new ConcurrentHashMap<>();
        AtomicBoolean active = new AtomicBoolean(true);
        Future<?>[] batch = new Future<?>[1];
        heldCommitted.clear();
        // Sources' health events too, when a subscription opted in to them (decision 026).
        List<String> read = channel.wantsSourceHealth()
                ? List.of(topics.alerts.name(), topics.sourceHealth.name())
                : List.of(topics.alerts.name());
        consumer.subscribe(read, new ConsumerRebalanceListener() {
            @Override
            public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                commit(consumer, done, owned, partitions);
                owned.removeAll(partitions);
                partitions.forEach(heldCommitted::remove);
            }

            @Override
            public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                owned.addAll(partitions);
                if (batch[0] != null) {
                    consumer.pause(partitions);
                }
                if (!partitions.isEmpty()) {
                    // Resolve the start positions now, so events written after this are not skipped by "latest".
                    partitions.forEach(consumer::position);
                    assigned.countDown();
                }
            }
        });
        boolean reportedUp = false;
        try {
            while (running) {
                if (batch[0] != null) {
                    consumer.pause(consumer.assignment());
                }
                ConsumerRecords<byte[], byte[]> records = consumer.poll(POLL);
                if (!reportedUp) {
                    component.up();
                    reportedUp = true;
                }
                if (batch[0] == null && channel.due()) {
                    // A digest's period ended: it goes first, so a steady flow of events cannot starve it; what
                    // this poll returned is read again after it.
                    batch[0] = worker.submit(this::flushDue);
                    consumer.pause(consumer.assignment());
                    for (TopicPartition partition : records.partitions()) {
                        consumer.seek(
                                partition, records.records(partition).get(0).offset());
                    }
                } else if (!records.isEmpty() && batch[0] == null) {
                    batch[0] = worker.submit(() -> deliverAll(records, owned, done, active));
                    consumer.pause(consumer.assignment());
                } else if (!records.isEmpty()) {
                    // Paused partitions return nothing; should some come anyway, read them again later rather than lose
                    // them.
                    for (TopicPartition partition : records.partitions()) {
                        consumer.seek(
                                partition, records.records(partition).get(0).offset());
                    }
                }
                commit(consumer, done, owned, owned);
                if (batch[0] != null && batch[0].isDone()) {
                    finished(batch[0]);
                    batch[0] = null;
                    commit(consumer, done, owned, owned);
                    consumer.resume(consumer.paused());
                }
            }
        } finally {
            active.set(false);
            if (batch[0] != null) {
                batch[0].cancel(true);
            }
        }
    }

    /** On the worker thread: sends what the channel queued and whose time has come. */
    private void flushDue() {
        try {
            report(channel.flushDue());
        } catch (InterruptedException e) {
            // closing: what was queued is not committed, so it is delivered again after a restart
        }
    }

    private static void finished(Future<?> batch) {
        try {
            batch.get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("a delivery batch failed: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptException(e);
        }
    }

    /** On the worker thread: delivers each record in order, noting the next offset of its partition when done. */
    private void deliverAll(
            ConsumerRecords<byte[], byte[]> records,
            Set<TopicPartition> owned,
            Map<TopicPartition, OffsetAndMetadata> done,
            AtomicBoolean active) {
        for (ConsumerRecord<byte[], byte[]> record : records) {
            TopicPartition partition = new TopicPartition(record.topic(), record.partition());
            if (!running || !active.get() || Thread.currentThread().isInterrupted()) {
                return;
            }
            if (!owned.contains(partition)) {
                continue; // moved to another member, which delivers it from the last commit
            }
            WebhookDispatcher.Source source =
                    new WebhookDispatcher.Source(record.topic(), record.partition(), record.offset());
            try {
                if (record.topic().equals(topics.sourceHealth.name())) {
                    SourceHealthEvent health = decode(record, source, topics.sourceHealth);
                    if (health != null) {
                        report(channel.dispatch(health, source));
                    }
                } else {
                    AlertEvent event = decode(record, source, topics.alerts);
                    if (event != null) {
                        report(channel.dispatch(event, source));
                    }
                }
            } catch (InterruptedException e) {
                return; // closing: not committed, so delivered again after a restart
            } catch (RuntimeException e) {
                LOG.warn(
                        "{}: the record at {}-{}@{} failed: {}",
                        componentName,
                        record.topic(),
                        record.partition(),
                        record.offset(),
                        e.toString());
                channel.undecodable(record.key(), record.value(), e.toString(), source);
                component.failed("a record could not be handled: " + e, FAILURE_THRESHOLD);
            }
            done.put(partition, new OffsetAndMetadata(record.offset() + 1));
        }
    }

    private void report(List<WebhookDispatcher.Delivery> deliveries) {
        for (WebhookDispatcher.Delivery delivery : deliveries) {
            if (delivery.outcome() == WebhookDispatcher.Outcome.DELIVERED) {
                component.up();
            } else {
                component.failed(
                        ("webhooks".equals(componentName) ? "webhook " : componentName + " subscription ")
                                + delivery.subscription() + ": " + delivery.error(),
                        FAILURE_THRESHOLD);
            }
        }
    }

    /** The record's value, or null when it cannot be read (then it goes to the DLQ as it is). */
    private <V> V decode(
            ConsumerRecord<byte[], byte[]> record, WebhookDispatcher.Source source, Topic<String, V> topic) {
        try {
            return topic.deserializeValue(record.value());
        } catch (RuntimeException e) {
            LOG.warn(
                    "{}: undecodable record at {}-{}@{}: {}",
                    componentName,
                    record.topic(),
                    record.partition(),
                    record.offset(),
                    e.getMessage());
            channel.undecodable(record.key(), record.value(), String.valueOf(e.getMessage()), source);
            return null;
        }
    }

    /** Commits the finished offsets of {@code partitions} that this member still owns; a failed commit only means redelivery. */
    private void commit(
            Consumer<byte[], byte[]> consumer,
            Map<TopicPartition, OffsetAndMetadata> done,
            Set<TopicPartition> owned,
            Collection<TopicPartition> partitions) {
        Map<TopicPartition, OffsetAndMetadata> finished = new HashMap<>();
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (TopicPartition partition : partitions) {
            OffsetAndMetadata offset = done.get(partition);
            if (offset != null && owned.contains(partition)) {
                finished.put(partition, offset);
                // Events the channel queued (a digest) and has not sent yet are not committed.
                long held = channel.heldFrom(partition.topic(), partition.partition());
                if (held >= offset.offset()) {
                    offsets.put(partition, offset);
                } else if (!Long.valueOf(held).equals(heldCommitted.get(partition))) {
                    offsets.put(partition, new OffsetAndMetadata(held));
                }
            }
        }
        if (offsets.isEmpty()) {
            return;
        }
        try {
            consumer.commitSync(offsets);
            offsets.forEach((partition, offset) -> {
                OffsetAndMetadata upTo = finished.get(partition);
                if (offset.offset() >= upTo.offset()) {
                    done.remove(partition, upTo);
                    heldCommitted.remove(partition);
                } else {
                    heldCommitted.put(partition, offset.offset()); // committed as far as it may go for now
                }
                // After a rebalance mid-batch the position is back at the last commit: skip what was delivered since.
                if (consumer.assignment().contains(partition) && consumer.position(partition) < upTo.offset()) {
                    consumer.seek(partition, upTo);
                }
            });
        } catch (CommitFailedException | RebalanceInProgressException e) {
            LOG.warn(
                    "{}: could not commit delivered offsets ({}); those events may be delivered again",
                    componentName,
                    e.getMessage());
            offsets.keySet().forEach(done::remove);
            offsets.keySet().forEach(heldCommitted::remove);
        }
    }

    private static void closeQuietly(Consumer<byte[], byte[]> consumer) {
        if (consumer == null) {
            return;
        }
        boolean interrupted = Thread.interrupted(); // close() interrupts; the consumer must still close cleanly
        try {
            consumer.close(Duration.ofSeconds(5));
        } catch (RuntimeException e) {
            LOG.warn("notifier: error closing the consumer: {}", e.toString());
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        running = false;
        channel.stop();
        Consumer<byte[], byte[]> consumer = current;
        if (consumer != null) {
            consumer.wakeup();
        }
        worker.shutdownNow();
        thread.interrupt();
        try {
            thread.join(10_000);
            worker.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        dlqProducer.close(Duration.ofSeconds(5));
        components.remove(componentName);
    }
}
