package org.revenant.http.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.revenant.http.webhook.WebhookFixtures.event;
import static org.revenant.http.webhook.WebhookFixtures.subscription;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cloudevents.CloudEvent;
import io.cloudevents.SpecVersion;
import io.cloudevents.jackson.JsonFormat;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.revenant.avro.AlertEvent;
import org.revenant.avro.AlertEventType;
import org.revenant.avro.SourceHealthEvent;
import org.revenant.avro.SourceHealthEventType;
import org.revenant.health.ComponentState;
import org.revenant.health.Components;
import org.revenant.http.metrics.RevenantMetrics;
import org.revenant.testkit.CloudEventRules;
import org.revenant.testkit.KafkaBroker;
import org.revenant.wire.AlertCloudEvent;
import org.revenant.wire.AlertJson;
import org.revenant.wire.TopicSetup;
import org.revenant.wire.Topics;

/** The notifier in its own consumer group on a real broker: alert events in, signed deliveries and DLQ records out. */
@Tag("broker")
@Timeout(120)
class WebhookNotifierTest {

    @RegisterExtension
    static final KafkaBroker KAFKA = new KafkaBroker();

    @Test
    void alertEventsReachTheReceiverSignedAndFailuresReachTheDlq() throws Exception {
        Topics topics = new Topics(KafkaBroker.uniquePrefix("webhooks") + ".");
        TopicSetup.ensure(KAFKA.admin(), topics, 2, (short) 1);
        Properties client = KAFKA.adminProperties();
        Components components = new Components();
        try (WebhookFixtures.Receiver receiver = new WebhookFixtures.Receiver(503);
                RevenantMetrics metrics = new RevenantMetrics();
                WebhookNotifier notifier = WebhookNotifier.start(
                        client,
                        topics,
                        topics.prefix() + "webhooks",
                        List.of(
                                subscription(
                                        "team",
                                        receiver.url(),
                                        WebhookSubscription.Format.SLACK,
                                        true,
                                        3,
                                        Set.of("ms-celeb-1m"),
                                        Set.of()),
                                subscription(
                                        "down",
                                        URI.create("http://127.0.0.1:9/hook"),
                                        WebhookSubscription.Format.JSON,
                                        true,
                                        2,
                                        Set.of(),
                                        Set.of("REAPPEARED"))),
                        metrics,
                        components)) {
            assertTrue(notifier.awaitAssignment(Duration.ofSeconds(60)), "the notifier joined its group");
            AlertEvent opened = event("ms-celeb-1m", AlertEventType.OPENED, "github:x/faces", "MS-Celeb-1M");
            AlertEvent reappeared = event("dukemtmc", AlertEventType.REAPPEARED, "torrent:abc", "DukeMTMC");
            try (KafkaProducer<String, AlertEvent> producer = new KafkaProducer<>(
                    KAFKA.producerProperties(),
                    topics.alerts.keySerde().serializer(),
                    topics.alerts.valueSerde().serializer())) {
                producer.send(new ProducerRecord<>(topics.alerts.name(), opened.getAlertKey(), opened))
                        .get();
                producer.send(new ProducerRecord<>(topics.alerts.name(), reappeared.getAlertKey(), reappeared))
                        .get();
            }

            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (receiver.received.size() < 2 && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertEquals(2, receiver.received.size(), "one 503, then the retry delivered");
            WebhookFixtures.Received delivered = receiver.received.get(1);
            assertEquals(WebhookDispatcher.idempotencyKey(opened.getEventId()), delivered.header("Idempotency-Key"));
            assertTrue(delivered.text().contains("*OPENED* MS-Celeb-1M"), delivered.text());
            long timestamp = Long.parseLong(delivered.header("X-Revenant-Timestamp"));
            assertEquals(
                    WebhookSigner.sign("s3cret".getBytes(StandardCharsets.UTF_8), timestamp, delivered.body()),
                    delivered.header("X-Revenant-Signature"));

            ConsumerRecord<byte[], byte[]> dead = firstDlqRecord(topics);
            assertEquals(reappeared.getAlertKey(), new String(dead.key(), StandardCharsets.UTF_8));
            assertEquals(
                    "down",
                    new String(
                            dead.headers()
                                    .lastHeader("revenant.webhook.subscription")
                                    .value(),
                            StandardCharsets.UTF_8));
            assertEquals(
                    topics.alerts.name(),
                    new String(dead.headers().lastHeader("topic").value(), StandardCharsets.UTF_8));
            assertTrue(metrics.scrape()
                    .contains("revenant_webhook_deliveries_total{outcome=\"failed\",subscription=\"down\"} 1.0"));
        }
    }

    @Test
    void aCyrillicMirrorKeyAndAReceiverSlowerThanThePollIntervalDoNotStopLaterDeliveries() throws Exception {
        Topics topics = new Topics(KafkaBroker.uniquePrefix("webhooks-hostile") + ".");
        TopicSetup.ensure(KAFKA.admin(), topics, 1, (short) 1);
        Properties client = KAFKA.adminProperties();
        client.put(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, 2000);
        Components components = new Components();
        try (WebhookFixtures.Receiver receiver = new WebhookFixtures.Receiver();
                RevenantMetrics metrics = new RevenantMetrics();
                WebhookNotifier notifier = WebhookNotifier.start(
                        client,
                        topics,
                        topics.prefix() + "webhooks",
                        List.of(new WebhookSubscription(
                                "slow",
                                receiver.url(),
                                WebhookSubscription.Format.JSON,
                                "s3cret".getBytes(StandardCharsets.UTF_8),
                                Set.of(),
                                Set.of(),
                                Set.of(),
                                Set.of(),
                                true,
                                1,
                                Duration.ofMillis(10),
                                Duration.ofSeconds(20))),
                        metrics,
                        components)) {
            assertTrue(notifier.awaitAssignment(Duration.ofSeconds(60)), "the notifier joined its group");
            receiver.delays.add(6_000L); // three times max.poll.interval.ms
            AlertEvent cyrillic = event("ms-celeb-1m", AlertEventType.OPENED, "manifest:датасет", "MS-Celeb-1M");
            send(topics, cyrillic);
            await(() -> receiver.received.size() == 1, "the Cyrillic mirror's alert delivered");
            assertEquals(
                    WebhookDispatcher.idempotencyKey(cyrillic.getEventId()),
                    receiver.received.get(0).header("Idempotency-Key"));

            Thread.sleep(7_000); // the slow answer, and then some
            AlertEvent later = event("dukemtmc", AlertEventType.REAPPEARED, "github:x/later", "DukeMTMC");
            send(topics, later);
            await(
                    () -> receiver.received.stream().anyMatch(r -> r.text().contains("github:x/later")),
                    "the later alert delivered");
            assertEquals(
                    ComponentState.UP,
                    components.register(WebhookNotifier.COMPONENT, false).state(),
                    components.snapshots().toString());
        }
    }

    @Test
    void aCloudEventsSubscriptionReceivesAStructuredCloudEventThatKeepsTheSpecRules() throws Exception {
        Topics topics = new Topics(KafkaBroker.uniquePrefix("webhooks-ce") + ".");
        TopicSetup.ensure(KAFKA.admin(), topics, 1, (short) 1);
        Components components = new Components();
        try (WebhookFixtures.Receiver receiver = new WebhookFixtures.Receiver();
                RevenantMetrics metrics = new RevenantMetrics();
                WebhookNotifier notifier = WebhookNotifier.start(
                        KAFKA.adminProperties(),
                        topics,
                        topics.prefix() + "webhooks",
                        List.of(subscription(
                                "pipeline",
                                receiver.url(),
                                WebhookSubscription.Format.CLOUDEVENTS,
                                true,
                                1,
                                Set.of(),
                                Set.of())),
                        metrics,
                        components)) {
            assertTrue(notifier.awaitAssignment(Duration.ofSeconds(60)), "the notifier joined its group");
            AlertEvent reappeared = event("ms-celeb-1m", AlertEventType.REAPPEARED, "github:x/faces", "MS-Celeb-1M");
            send(topics, reappeared);
            await(() -> receiver.received.size() == 1, "the CloudEvent delivered");

            WebhookFixtures.Received delivered = receiver.received.get(0);
            assertEquals("application/cloudevents+json; charset=utf-8", delivered.header("Content-Type"));
            JsonNode envelope = new ObjectMapper().readTree(delivered.body());
            Map<String, String> attributes = new LinkedHashMap<>();
            envelope.fields().forEachRemaining(field -> {
                if (!field.getKey().equals("data")) {
                    assertTrue(field.getValue().isTextual(), field.getKey() + " is a JSON string");
                    attributes.put(field.getKey(), field.getValue().asText());
                }
            });
            CloudEventRules.check(attributes);
            assertEquals(
                    Set.of("specversion", "id", "source", "type", "subject", "time", "datacontenttype"),
                    attributes.keySet());
            assertEquals(reappeared.getEventId(), attributes.get("id"));
            assertEquals("org.revenant.alert.reappeared", attributes.get("type"));
            assertEquals(AlertCloudEvent.source(topics).toString(), attributes.get("source"));
            assertEquals(reappeared.getAlertKey(), attributes.get("subject"));
            assertEquals(reappeared.getObservedAt(), Instant.parse(attributes.get("time")));
            assertEquals("application/json", attributes.get("datacontenttype"));
            assertEquals(AlertJson.toNode(reappeared), envelope.get("data"), "data is the alert JSON, inline");
            // The signature covers the envelope exactly as sent.
            long timestamp = Long.parseLong(delivered.header("X-Revenant-Timestamp"));
            assertEquals(
                    WebhookSigner.sign("s3cret".getBytes(StandardCharsets.UTF_8), timestamp, delivered.body()),
                    delivered.header("X-Revenant-Signature"));
            // And a CloudEvents reader takes it as it is.
            CloudEvent read = new JsonFormat().deserialize(delivered.body());
            assertEquals(SpecVersion.V1, read.getSpecVersion());
            assertEquals(reappeared.getEventId(), read.getId());
        }
    }

    @Test
    void aSourcesHealthGoesOnlyToTheSubscriptionsThatOptedInAsACloudEventAndAsEscapedSlackText() throws Exception {
        Topics topics = new Topics(KafkaBroker.uniquePrefix("webhooks-sources") + ".");
        TopicSetup.ensure(KAFKA.admin(), topics, 1, (short) 1);
        Components components = new Components();
        try (WebhookFixtures.Receiver pipeline = new WebhookFixtures.Receiver();
                WebhookFixtures.Receiver chat = new WebhookFixtures.Receiver();
                WebhookFixtures.Receiver alertsOnly = new WebhookFixtures.Receiver();
                RevenantMetrics metrics = new RevenantMetrics();
                WebhookNotifier notifier = WebhookNotifier.start(
                        KAFKA.adminProperties(),
                        topics,
                        topics.prefix() + "webhooks",
                        List.of(
                                subscription(
                                        "pipeline",
                                        pipeline.url(),
                                        WebhookSubscription.Format.CLOUDEVENTS,
                                        true,
                                        1,
                                        Set.of(),
                                        Set.of("SOURCE_DEGRADED", "SOURCE_RECOVERED", "OPENED")),
                                subscription(
                                        "chat",
                                        chat.url(),
                                        WebhookSubscription.Format.SLACK,
                                        true,
                                        1,
                                        Set.of(),
                                        Set.of("source_degraded")),
                                subscription(
                                        "alerts-only",
                                        alertsOnly.url(),
                                        WebhookSubscription.Format.JSON,
                                        true,
                                        1,
                                        Set.of(),
                                        Set.of())),
                        metrics,
                        components)) {
            assertTrue(notifier.awaitAssignment(Duration.ofSeconds(60)), "the notifier joined its group");
            SourceHealthEvent degraded = SourceHealthEvent.newBuilder()
                    .setEventId("github|SOURCE_DEGRADED|1|x")
                    .setSource("github")
                    .setEvent(SourceHealthEventType.SOURCE_DEGRADED)
                    .setAt(Instant.parse("2026-12-01T10:05:00Z"))
                    .setFailingSince(Instant.parse("2026-12-01T10:00:00Z"))
                    .setConsecutiveFailures(5)
                    .setLastError("HTTP 401 <@here> <https://evil.example|click>")
                    .setReportedBy("crawler-1")
                    .build();
            SourceHealthEvent recovered = SourceHealthEvent.newBuilder(degraded)
                    .setEventId("github|SOURCE_RECOVERED|2|y")
                    .setEvent(SourceHealthEventType.SOURCE_RECOVERED)
                    .setLastError(null)
                    .build();
            try (KafkaProducer<String, SourceHealthEvent> producer = new KafkaProducer<>(
                    KAFKA.producerProperties(),
                    topics.sourceHealth.keySerde().serializer(),
                    topics.sourceHealth.valueSerde().serializer())) {
                producer.send(new ProducerRecord<>(topics.sourceHealth.name(), "github", degraded))
                        .get();
                producer.send(new ProducerRecord<>(topics.sourceHealth.name(), "github", recovered))
                        .get();
            }
            AlertEvent opened = event("ms-celeb-1m", AlertEventType.OPENED, "github:x/faces", "MS-Celeb-1M");
            send(topics, opened);
            await(() -> pipeline.received.size() == 3 && chat.received.size() == 1, "the opted-in deliveries");
            await(() -> alertsOnly.received.size() == 1, "the alert to the subscription without opt-in");
            Thread.sleep(500); // nothing more may come

            assertEquals(1, chat.received.size(), "chat asked for SOURCE_DEGRADED only");
            assertEquals(1, alertsOnly.received.size(), "no source events without opting in");
            assertEquals("OPENED", alertsOnly.received.get(0).header("X-Revenant-Event"));

            List<String> types = new ArrayList<>();
            for (WebhookFixtures.Received r : pipeline.received) {
                JsonNode envelope = new ObjectMapper().readTree(r.body());
                Map<String, String> attributes = new LinkedHashMap<>();
                envelope.fields().forEachRemaining(field -> {
                    if (!field.getKey().equals("data")) {
                        attributes.put(field.getKey(), field.getValue().asText());
                    }
                });
                CloudEventRules.check(attributes);
                types.add(attributes.get("type"));
                if (attributes.get("type").startsWith("org.revenant.source.")) {
                    assertEquals("github", attributes.get("subject"));
                    assertEquals("github", envelope.path("data").path("source").asText());
                    assertEquals(
                            r.header("X-Revenant-Event"),
                            envelope.path("data").path("event").asText());
                }
            }
            assertTrue(
                    types.containsAll(List.of(
                            "org.revenant.source.degraded",
                            "org.revenant.source.recovered",
                            "org.revenant.alert.opened")),
                    types.toString());

            WebhookFixtures.Received slack = chat.received.get(0);
            assertEquals("SOURCE_DEGRADED", slack.header("X-Revenant-Event"));
            assertEquals(WebhookDispatcher.idempotencyKey(degraded.getEventId()), slack.header("Idempotency-Key"));
            String text = new ObjectMapper().readTree(slack.body()).path("text").asText();
            assertTrue(text.contains("SOURCE_DEGRADED") && text.contains("`github`"), text);
            assertTrue(text.contains("HTTP 401 &lt;@here&gt; &lt;https://evil.example|click&gt;"), text);
            assertTrue(!text.contains("<@here>") && !text.contains("<https://evil"), "no mention, no link: " + text);
        }
    }

    private static void send(Topics topics, AlertEvent... events) throws Exception {
        try (KafkaProducer<String, AlertEvent> producer = new KafkaProducer<>(
                KAFKA.producerProperties(),
                topics.alerts.keySerde().serializer(),
                topics.alerts.valueSerde().serializer())) {
            for (AlertEvent e : events) {
                producer.send(new ProducerRecord<>(topics.alerts.name(), e.getAlertKey(), e))
                        .get();
            }
        }
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(100);
        }
    }

    private static ConsumerRecord<byte[], byte[]> firstDlqRecord(Topics topics) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(
                KAFKA.consumerProperties(topics.prefix() + "dlq-check"),
                new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topics.dlq.name()));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    return record;
                }
            }
        }
        throw new AssertionError("no DLQ record within 60 s");
    }
}
