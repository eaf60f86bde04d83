package org.revenant.http;

import io.javalin.Javalin;
import io.javalin.http.sse.SseClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.revenant.avro.AlertEvent;
import org.revenant.health.Component;
import org.revenant.health.Components;
import org.revenant.http.metrics.RevenantMetrics;
import org.revenant.wire.AlertJson;
import org.revenant.wire.Topics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tails the alert topic (every partition, from the end, committed records only, no consumer
 * group) and pushes each event to the connected Server-Sent Events clients as the public alert
 * JSON; also counts what arrives on the DLQ. One thread owns the consumer and puts each message
 * on every client's bounded queue; each client is written by its own drain task, so a slow or
 * stalled client delays only itself, and is dropped when its queue is full. Clients beyond
 * {@link #maxClients()} are refused (503).
 */
final class LiveFeed implements AutoCloseable {

    /** The name under which the feed reports its health. */
    static final String COMPONENT = "live-feed";

    private static final Duration MAX_RESTART_PAUSE = Duration.ofMinutes(1);

    private static final Logger LOG = LoggerFactory.getLogger(LiveFeed.class);
    private static final Duration PING = Duration.ofSeconds(15);
    static final int DEFAULT_MAX_CLIENTS = 100;
    static final int QUEUE = 256;

    private final Topics topics;
    private final RevenantMetrics metrics;
    private final Properties consumerProperties;
    private volatile KafkaConsumer<byte[], byte[]> consumer;
    private final Component health;
    private final Components components;
    private final Set<Subscriber> clients = ConcurrentHashMap.newKeySet();
    private final ExecutorService writers = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "revenant-live-feed-writer");
        t.setDaemon(true);
        return t;
    });
    private final int maxClients;
    private final Thread thread;
    private volatile boolean running = true;
    private boolean started;

    LiveFeed(Properties clientProperties, Topics topics, RevenantMetrics metrics, Components components) {
        this(clientProperties, topics, metrics, DEFAULT_MAX_CLIENTS, components);
    }

    LiveFeed(Properties clientProperties, Topics topics, RevenantMetrics metrics, int maxClients) {
        this(clientProperties, topics, metrics, maxClients, new Components());
    }

    LiveFeed(
            Properties clientProperties,
            Topics topics,
            RevenantMetrics metrics,
            int maxClients,
            Components components) {
        this.components = components;
        this.health = components.register(COMPONENT, false);
        this.topics = Objects.requireNonNull(topics, "topics");
        this.maxClients = maxClients;
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        metrics.knownTopics(topics.all().stream().map(t -> t.name()).toList());
        Properties props = new Properties();
        props.putAll(clientProperties);
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "revenant-http-live-feed");
        this.consumerProperties = props;
        this.consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.thread = new Thread(this::supervise, "revenant-live-feed");
        thread.setDaemon(true);
    }

    void start() {
        started = true;
        thread.start();
    }

    /** Serves the feed at {@code path}: 503 with {@code Retry-After} once {@link #maxClients()} are connected. */
    void serve(Javalin app, String path) {
        app.before(path, ctx -> {
            if (full()) {
                throw new LocalState.NotReady(
                        "the live feed already has its " + maxClients + " clients; try again later", null);
            }
        });
        app.sse(path, this::join);
    }

    /** True when a new client would be refused. */
    boolean full() {
        return clients.size() >= maxClients;
    }

    int maxClients() {
        return maxClients;
    }

    void join(SseClient client) {
        Subscriber subscriber = new Subscriber(client);
        synchronized (clients) {
            if (full()) {
                // Two requests raced past the check in front of the handler: the later one goes.
                client.close();
                return;
            }
            clients.add(subscriber);
        }
        client.keepAlive();
        client.onClose(() -> clients.remove(subscriber));
        subscriber.offer(c -> c.sendComment("revenant live alerts"));
    }

    int clients() {
        return clients.size();
    }

    /** One connected client: its pending messages and whether a writer is draining them. */
    private final class Subscriber {
        private final SseClient client;
        private final BlockingQueue<Consumer<SseClient>> pending = new ArrayBlockingQueue<>(QUEUE);
        private final AtomicBoolean draining = new AtomicBoolean();

        Subscriber(SseClient client) {
            this.client = client;
        }

        void offer(Consumer<SseClient> message) {
            if (!pending.offer(message)) {
                LOG.info("live feed: dropping a client that fell {} messages behind", QUEUE);
                drop();
                return;
            }
            if (draining.compareAndSet(false, true)) {
                try {
                    writers.execute(this::drain);
                } catch (RejectedExecutionException closing) {
                    draining.set(false);
                }
            }
        }

        private void drain() {
            try {
                Consumer<SseClient> next;
                while ((next = pending.poll()) != null) {
                    next.accept(client);
                    if (client.terminated()) {
                        drop();
                        return;
                    }
                }
            } catch (RuntimeException e) {
                drop();
                return;
            } finally {
                draining.set(false);
            }
            if (!pending.isEmpty() && draining.compareAndSet(false, true)) {
                try {
                    writers.execute(this::drain);
                } catch (RejectedExecutionException closing) {
                    draining.set(false);
                }
            }
        }

        void drop() {
            clients.remove(this);
            pending.clear();
            try {
                client.close();
            } catch (RuntimeException e) {
                LOG.debug("closing a live feed client: {}", e.toString());
            }
        }
    }

    /** Runs the feed, and runs it again with a fresh consumer when it dies, after a pause doubling up to a minute. */
    private void supervise() {
        Duration pause = Duration.ofSeconds(1);
        while (running) {
            String died = run();
            if (!running) {
                return;
            }
            health.down("the live feed stopped (" + died + "); restarting in " + pause.toSeconds() + " s");
            try {
                Thread.sleep(pause.toMillis());
            } catch (InterruptedException e) {
                return;
            }
            pause = pause.multipliedBy(2).compareTo(MAX_RESTART_PAUSE) > 0 ? MAX_RESTART_PAUSE : pause.multipliedBy(2);
            if (running) {
                consumer = new KafkaConsumer<>(
                        consumerProperties, new ByteArrayDeserializer(), new ByteArrayDeserializer());
            }
        }
    }

    /** The feed's loop; returns why it stopped, or null when asked to. */
    private String run() {
        try {
            List<TopicPartition> partitions = awaitPartitions();
            if (partitions.isEmpty()) {
                return null;
            }
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            health.up();
            long lastPing = System.nanoTime();
            while (running) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    dispatch(record);
                }
                if (System.nanoTime() - lastPing > PING.toNanos()) {
                    broadcast(client -> client.sendComment("ping"));
                    lastPing = System.nanoTime();
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException | Error e) {
            if (running) {
                LOG.error("the live alert feed stopped: {}", e.toString());
                return e.toString();
            }
        } finally {
            consumer.close(Duration.ofSeconds(2));
        }
        return null;
    }

    private List<TopicPartition> awaitPartitions() {
        while (running) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (String topic : List.of(topics.alerts.name(), topics.dlq.name())) {
                List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(5));
                if (infos != null) {
                    infos.forEach(p -> partitions.add(new TopicPartition(p.topic(), p.partition())));
                }
            }
            if (partitions.stream().anyMatch(p -> p.topic().equals(topics.alerts.name()))) {
                return partitions;
            }
            LOG.warn("topic {} does not exist yet; the live feed waits for it", topics.alerts.name());
        }
        return List.of();
    }

    private void dispatch(ConsumerRecord<byte[], byte[]> record) {
        if (record.topic().equals(topics.dlq.name())) {
            // Kafka Streams' dead letters name their source in __streams.errors.topic, Revenant's own (webhooks) in
            // topic.
            Header origin = record.headers().lastHeader("__streams.errors.topic");
            if (origin == null) {
                origin = record.headers().lastHeader("topic");
            }
            metrics.deadLetter(origin == null ? null : new String(origin.value(), StandardCharsets.UTF_8));
            return;
        }
        AlertEvent event;
        try {
            event = topics.alerts.deserializeValue(record.value());
        } catch (RuntimeException e) {
            LOG.warn(
                    "live feed skips an undecodable alert at {}-{}@{}: {}",
                    record.topic(),
                    record.partition(),
                    record.offset(),
                    e.getMessage());
            return;
        }
        if (event == null) {
            return;
        }
        String json = AlertJson.toJson(event);
        broadcast(client -> client.sendEvent("alert", json, event.getEventId()));
    }

    void broadcast(Consumer<SseClient> send) {
        for (Subscriber subscriber : clients) {
            subscriber.offer(send);
        }
    }

    @Override
    public void close() {
        running = false;
        components.remove(COMPONENT);
        consumer.wakeup();
        for (Subscriber subscriber : clients) {
            subscriber.drop();
        }
        writers.shutdownNow();
        if (!started) {
            consumer.close(Duration.ZERO);
            return;
        }
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
