package org.revenant.http.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.revenant.avro.AlertEvent;
import org.revenant.avro.AlertEventType;
import org.revenant.health.Component;
import org.revenant.health.ComponentState;
import org.revenant.health.Components;
import org.revenant.wire.Topics;

/** The notifier's supervision, with Kafka's mock clients: a loop that dies is reported and restarted. */
@Timeout(30)
class WebhookNotifierSupervisionTest {

    @Test
    void whenItsLoopDiesTheNotifierIsDownWithTheReasonThenRestartsAndIsUpAgain() throws Exception {
        Components components = new Components();
        components.register("streams", true).up();
        AtomicInteger created = new AtomicInteger();
        List<List<Component.Snapshot>> seenAtRestart = new CopyOnWriteArrayList<>();
        List<ComponentState> overallAtRestart = new CopyOnWriteArrayList<>();
        Supplier<Consumer<byte[], byte[]>> consumers = () -> {
            MockConsumer<byte[], byte[]> consumer = new MockConsumer<>("latest");
            if (created.incrementAndGet() == 1) {
                consumer.setPollException(new KafkaException("the broker is on fire"));
            } else {
                seenAtRestart.add(components.snapshots());
                overallAtRestart.add(components.overall());
            }
            return consumer;
        };
        WebhookNotifier notifier = new WebhookNotifier(
                consumers,
                new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer()),
                new Topics("supervision."),
                List.of(),
                null,
                components,
                TargetGuard.Resolver.SYSTEM,
                Duration.ofMillis(50));
        notifier.begin();
        try {
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (!(created.get() >= 2 && state(components) == ComponentState.UP) && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertEquals(2, created.get(), "one restart");
            assertEquals(
                    ComponentState.UP, state(components), components.snapshots().toString());
            Component.Snapshot atRestart = seenAtRestart.get(0).stream()
                    .filter(c -> c.name().equals("webhooks"))
                    .findFirst()
                    .orElseThrow();
            assertEquals(ComponentState.DOWN, atRestart.state());
            assertTrue(
                    atRestart.reason().contains("the broker is on fire")
                            && atRestart.reason().contains("restarting"),
                    atRestart.reason());
            assertEquals(
                    ComponentState.DEGRADED,
                    overallAtRestart.get(0),
                    "webhooks are not critical: the process is degraded, not down");
        } finally {
            notifier.close();
        }
        assertTrue(
                components.snapshots().stream().noneMatch(c -> c.name().equals("webhooks")),
                "closed on purpose, so forgotten");
    }

    @Test
    void aFailedCommitDoesNotEndTheNotifierAndLaterEventsAreStillDelivered() throws Exception {
        Components components = new Components();
        Topics topics = new Topics("commit.");
        TopicPartition partition = new TopicPartition(topics.alerts.name(), 0);
        AtomicInteger created = new AtomicInteger();
        AtomicInteger failedCommits = new AtomicInteger();
        MockConsumer<byte[], byte[]> consumer = new MockConsumer<>("latest") {
            @Override
            public synchronized void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets) {
                if (failedCommits.getAndIncrement() == 0) {
                    throw new CommitFailedException("the group rebalanced");
                }
                super.commitSync(offsets);
            }
        };
        consumer.schedulePollTask(() -> {
            consumer.updateEndOffsets(Map.of(partition, 0L));
            consumer.rebalance(List.of(partition));
            consumer.addRecord(alert(topics, partition, 0, "github:first/copy"));
        });
        try (WebhookFixtures.Receiver receiver = new WebhookFixtures.Receiver()) {
            WebhookSubscription s = WebhookFixtures.subscription(
                    "team", receiver.url(), WebhookSubscription.Format.JSON, true, 1, Set.of(), Set.of());
            WebhookNotifier notifier = new WebhookNotifier(
                    () -> {
                        created.incrementAndGet();
                        return consumer;
                    },
                    new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer()),
                    topics,
                    List.of(s),
                    null,
                    components,
                    TargetGuard.Resolver.SYSTEM,
                    Duration.ofMillis(50));
            notifier.begin();
            try {
                await(
                        () -> receiver.received.size() == 1 && failedCommits.get() >= 1,
                        "the first delivery and its failed commit");
                consumer.schedulePollTask(() -> consumer.addRecord(alert(topics, partition, 1, "github:second/copy")));
                await(() -> receiver.received.size() == 2, "the later event delivered");
                await(
                        () -> consumer.committed(Set.of(partition)).get(partition) != null
                                && consumer.committed(Set.of(partition))
                                                .get(partition)
                                                .offset()
                                        == 2,
                        "the later commit");
                assertEquals(1, created.get(), "no restart was needed");
                assertEquals(ComponentState.UP, state(components));
            } finally {
                notifier.close();
            }
        }
    }

    private static ConsumerRecord<byte[], byte[]> alert(
            Topics topics, TopicPartition partition, long offset, String mirrorKey) {
        AlertEvent event = WebhookFixtures.event("ms-celeb-1m", AlertEventType.OPENED, mirrorKey, "MS-Celeb-1M");
        return new ConsumerRecord<>(
                partition.topic(),
                partition.partition(),
                offset,
                event.getAlertKey().getBytes(StandardCharsets.UTF_8),
                topics.alerts.valueSerde().serializer().serialize(partition.topic(), event));
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(20);
        }
    }

    private static ComponentState state(Components components) {
        return components.snapshots().stream()
                .filter(c -> c.name().equals("webhooks"))
                .map(Component.Snapshot::state)
                .findFirst()
                .orElse(null);
    }
}
