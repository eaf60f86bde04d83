package org.revenant.http;

import io.javalin.http.sse.SseClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.revenant.avro.AlertEvent;
import org.revenant.http.metrics.RevenantMetrics;
import org.revenant.wire.AlertJson;
import org.revenant.wire.Topics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tails the alert topic (every partition, from the end, committed records only, no consumer
 * group) and pushes each event to the connected Server-Sent Events clients as the public alert
 * JSON; also counts what arrives on the DLQ. One thread owns the consumer and writes to the
 * clients, so events reach each client in order.
 */
final class LiveFeed implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LiveFeed.class);
    private static final Duration PING = Duration.ofSeconds(15);

    private final Topics topics;
    private final RevenantMetrics metrics;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Set<SseClient> clients = ConcurrentHashMap.newKeySet();
    private final Thread thread;
    private volatile boolean running = true;
    private boolean started;

    LiveFeed(Properties clientProperties, Topics topics, RevenantMetrics metrics) {
        this.topics = Objects.requireNonNull(topics, "topics");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        Properties props = new Properties();
        props.putAll(clientProperties);
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "revenant-http-live-feed");
        this.consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.thread = new Thread(this::run, "revenant-live-feed");
        thread.setDaemon(true);
    }

    void start() {
        started = true;
        thread.start();
    }

    void join(SseClient client) {
        client.keepAlive();
        client.onClose(() -> clients.remove(client));
        client.sendComment("revenant live alerts");
        clients.add(client);
    }

    int clients() {
        return clients.size();
    }

    private void run() {
        try {
            List<TopicPartition> partitions = awaitPartitions();
            if (partitions.isEmpty()) {
                return;
            }
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
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
        } catch (RuntimeException e) {
            LOG.error("the live alert feed stopped: {}", e.toString());
        } finally {
            consumer.close(Duration.ofSeconds(2));
        }
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
            // Kafka Streams' dead letters name their source in __streams.errors.topic, Revenant's own (webhooks) in topic.
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
            LOG.warn("live feed skips an undecodable alert at {}-{}@{}: {}", record.topic(), record.partition(), record.offset(), e.getMessage());
            return;
        }
        if (event == null) {
            return;
        }
        String json = AlertJson.toJson(event);
        broadcast(client -> client.sendEvent("alert", json, event.getEventId()));
    }

    private void broadcast(java.util.function.Consumer<SseClient> send) {
        for (SseClient client : clients) {
            try {
                send.accept(client);
                if (client.terminated()) {
                    clients.remove(client);
                }
            } catch (RuntimeException e) {
                clients.remove(client);
            }
        }
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        for (SseClient client : clients) {
            client.close();
        }
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
