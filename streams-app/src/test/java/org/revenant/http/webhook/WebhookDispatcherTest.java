package org.revenant.http.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.revenant.http.webhook.WebhookFixtures.event;
import static org.revenant.http.webhook.WebhookFixtures.subscription;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.revenant.avro.AlertEvent;
import org.revenant.avro.AlertEventType;
import org.revenant.http.metrics.RevenantMetrics;
import org.revenant.wire.AlertJson;

class WebhookDispatcherTest {

    private final MockProducer<byte[], byte[]> dlq = new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
    private final RevenantMetrics metrics = new RevenantMetrics();
    private WebhookFixtures.Receiver receiver;

    @AfterEach
    void stop() {
        if (receiver != null) {
            receiver.close();
        }
        metrics.close();
    }

    @Test
    void jsonDeliveryIsSignedAndCarriesTheEventIdAsIdempotencyKey() throws Exception {
        receiver = new WebhookFixtures.Receiver();
        AlertEvent alert = event("ms-celeb-1m", AlertEventType.OPENED, "github:a/b", "MS-Celeb-1M");
        WebhookSubscription s = subscription("ts", receiver.url(), WebhookSubscription.Format.JSON, true, 3, Set.of(), Set.of());

        assertEquals(WebhookDispatcher.Outcome.DELIVERED, dispatcher(s).deliver(s, alert, "alerts", 0, 7));

        WebhookFixtures.Received got = receiver.received.get(0);
        assertEquals(AlertJson.toJson(alert), got.text());
        assertEquals(alert.getEventId(), got.header("Idempotency-Key"));
        assertEquals("OPENED", got.header("X-Revenant-Event"));
        long timestamp = Long.parseLong(got.header("X-Revenant-Timestamp"));
        assertTrue(Math.abs(timestamp - System.currentTimeMillis() / 1000) < 60);
        assertEquals(WebhookSigner.sign("s3cret".getBytes(StandardCharsets.UTF_8), timestamp, got.body()), got.header("X-Revenant-Signature"));
        assertFalse(got.header("X-Revenant-Signature").equals(WebhookSigner.sign("other".getBytes(StandardCharsets.UTF_8), timestamp, got.body())));
        assertTrue(dlq.history().isEmpty());
        assertTrue(metrics.scrape().contains("revenant_webhook_deliveries_total{outcome=\"delivered\",subscription=\"ts\"} 1.0"), metrics.scrape());
    }

    @Test
    void serverErrorsAreRetriedWithTheSameIdempotencyKeyUntilDelivered() throws Exception {
        receiver = new WebhookFixtures.Receiver(500, 503, 429);
        AlertEvent alert = event("ms-celeb-1m", AlertEventType.REAPPEARED, "github:a/b", "MS-Celeb-1M");
        WebhookSubscription s = subscription("ts", receiver.url(), WebhookSubscription.Format.JSON, true, 5, Set.of(), Set.of());

        assertEquals(WebhookDispatcher.Outcome.DELIVERED, dispatcher(s).deliver(s, alert, "alerts", 0, 7));
        assertEquals(4, receiver.received.size());
        assertEquals(Set.of(alert.getEventId()), receiver.received.stream().map(r -> r.header("Idempotency-Key")).collect(java.util.stream.Collectors.toSet()));
        assertTrue(dlq.history().isEmpty());
    }

    @Test
    void afterTheLastFailedAttemptTheDeliveryGoesToTheDlqWithItsProvenance() throws Exception {
        receiver = new WebhookFixtures.Receiver(500, 500, 500, 500);
        AlertEvent alert = event("ms-celeb-1m", AlertEventType.OPENED, "github:a/b", "MS-Celeb-1M");
        WebhookSubscription s = subscription("ts", receiver.url(), WebhookSubscription.Format.JSON, true, 3, Set.of(), Set.of());

        assertEquals(WebhookDispatcher.Outcome.FAILED, dispatcher(s).deliver(s, alert, "revenant.alerts", 1, 42));
        assertEquals(3, receiver.received.size());
        ProducerRecord<byte[], byte[]> dead = dlq.history().get(0);
        assertEquals("revenant.dlq", dead.topic());
        assertEquals(alert.getAlertKey(), new String(dead.key(), StandardCharsets.UTF_8));
        assertEquals(AlertJson.toJson(alert), new String(dead.value(), StandardCharsets.UTF_8));
        assertEquals("HTTP 500", header(dead, "revenant.webhook.error"));
        assertEquals("3", header(dead, "revenant.webhook.attempts"));
        assertEquals("revenant.alerts", header(dead, "topic"));
        assertEquals("42", header(dead, "offset"));
        assertEquals(alert.getEventId(), header(dead, "revenant.event.id"));
    }

    @Test
    void aClientErrorIsNotRetried() throws Exception {
        receiver = new WebhookFixtures.Receiver(400);
        WebhookSubscription s = subscription("ts", receiver.url(), WebhookSubscription.Format.JSON, true, 5, Set.of(), Set.of());
        assertEquals(WebhookDispatcher.Outcome.FAILED,
                dispatcher(s).deliver(s, event("ms-celeb-1m", AlertEventType.OPENED, "github:a/b", "MS"), "alerts", 0, 0));
        assertEquals(1, receiver.received.size());
        assertEquals(1, dlq.history().size());
    }

    @Test
    void unreachableTargetFailsAfterItsAttempts() throws Exception {
        URI closed = URI.create("http://127.0.0.1:" + freePort() + "/hook");
        WebhookSubscription s = subscription("down", closed, WebhookSubscription.Format.JSON, true, 2, Set.of(), Set.of());
        assertEquals(WebhookDispatcher.Outcome.FAILED,
                dispatcher(s).deliver(s, event("ms-celeb-1m", AlertEventType.OPENED, "github:a/b", "MS"), "alerts", 0, 0));
        assertTrue(header(dlq.history().get(0), "revenant.webhook.error").contains("ConnectException"), header(dlq.history().get(0), "revenant.webhook.error"));
    }

    @Test
    void loopbackAndPrivateTargetsAreRefusedUnlessTheSubscriptionAllowsThem() throws Exception {
        receiver = new WebhookFixtures.Receiver();
        WebhookSubscription s = subscription("strict", receiver.url(), WebhookSubscription.Format.JSON, false, 3, Set.of(), Set.of());
        assertEquals(WebhookDispatcher.Outcome.REFUSED,
                dispatcher(s).deliver(s, event("ms-celeb-1m", AlertEventType.OPENED, "github:a/b", "MS"), "alerts", 0, 0));
        assertTrue(receiver.received.isEmpty());
        assertTrue(header(dlq.history().get(0), "revenant.webhook.error").startsWith("refused"));
        for (String address : List.of("10.1.2.3", "192.168.0.1", "172.16.5.4", "169.254.169.254", "100.64.0.1", "0.0.0.0", "::1", "fd00::1")) {
            assertTrue(TargetGuard.isPrivate(java.net.InetAddress.getByName(address)), address);
        }
        assertFalse(TargetGuard.isPrivate(java.net.InetAddress.getByName("93.184.215.14")));
    }

    @Test
    void onlyMatchingSubscriptionsReceiveAnEvent() throws Exception {
        receiver = new WebhookFixtures.Receiver();
        URI base = receiver.url();
        WebhookSubscription reappearances = subscription("reappeared-only", base, WebhookSubscription.Format.JSON, true, 1, Set.of(), Set.of("REAPPEARED"));
        WebhookSubscription duke = subscription("duke-only", base, WebhookSubscription.Format.JSON, true, 1, Set.of("dukemtmc"), Set.of());
        WebhookDispatcher dispatcher = new WebhookDispatcher(List.of(reappearances, duke), dlq, "revenant.dlq", metrics);

        dispatcher.dispatch(event("ms-celeb-1m", AlertEventType.OPENED, "github:a/b", "MS"), "alerts", 0, 0);
        assertEquals(0, receiver.received.size());
        dispatcher.dispatch(event("ms-celeb-1m", AlertEventType.REAPPEARED, "github:a/b", "MS"), "alerts", 0, 1);
        dispatcher.dispatch(event("DukeMTMC", AlertEventType.OPENED, "github:a/b", "DukeMTMC"), "alerts", 0, 2);
        assertEquals(2, receiver.received.size());
    }

    @Test
    void slackMessagesEscapeCrawledText() throws Exception {
        AlertEvent alert = event("ms-celeb-1m", AlertEventType.REAPPEARED, "github:a/b", "MS <@channel> & co");
        JsonNode message = new ObjectMapper().readTree(WebhookPayload.body(WebhookSubscription.Format.SLACK, alert));
        String text = message.path("text").asText();
        assertTrue(text.contains("*REAPPEARED* MS &lt;@channel&gt; &amp; co"), text);
        assertTrue(text.contains("data/&lt;b&gt;a&lt;/b&gt;.tsv"), text);
        assertTrue(text.contains("<https://github.com/a/b|open the mirror>"), text);
        assertFalse(text.contains("<@channel>"));
    }

    @Test
    void backoffDoublesAndIsCapped() {
        assertEquals(Duration.ofSeconds(1), WebhookDispatcher.backoff(Duration.ofSeconds(1), 1));
        assertEquals(Duration.ofSeconds(4), WebhookDispatcher.backoff(Duration.ofSeconds(1), 3));
        assertEquals(Duration.ofMinutes(1), WebhookDispatcher.backoff(Duration.ofSeconds(1), 12));
    }

    private WebhookDispatcher dispatcher(WebhookSubscription s) {
        return new WebhookDispatcher(List.of(s), dlq, "revenant.dlq", metrics);
    }

    private static String header(ProducerRecord<byte[], byte[]> record, String name) {
        return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }

    private static int freePort() throws java.io.IOException {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
