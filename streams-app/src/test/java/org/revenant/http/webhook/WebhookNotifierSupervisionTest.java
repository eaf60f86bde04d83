package org.revenant.http.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
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
        WebhookNotifier notifier = new WebhookNotifier(consumers, new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer()),
                new Topics("supervision."), List.of(), null, components, TargetGuard.Resolver.SYSTEM, Duration.ofMillis(50));
        notifier.begin();
        try {
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (!(created.get() >= 2 && state(components) == ComponentState.UP) && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertEquals(2, created.get(), "one restart");
            assertEquals(ComponentState.UP, state(components), components.snapshots().toString());
            Component.Snapshot atRestart = seenAtRestart.get(0).stream().filter(c -> c.name().equals("webhooks")).findFirst().orElseThrow();
            assertEquals(ComponentState.DOWN, atRestart.state());
            assertTrue(atRestart.reason().contains("the broker is on fire") && atRestart.reason().contains("restarting"), atRestart.reason());
            assertEquals(ComponentState.DEGRADED, overallAtRestart.get(0), "webhooks are not critical: the process is degraded, not down");
        } finally {
            notifier.close();
        }
        assertTrue(components.snapshots().stream().noneMatch(c -> c.name().equals("webhooks")), "closed on purpose, so forgotten");
    }

    private static ComponentState state(Components components) {
        return components.snapshots().stream().filter(c -> c.name().equals("webhooks")).map(Component.Snapshot::state)
                .findFirst().orElse(null);
    }
}
