package org.revenant.http.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.revenant.http.webhook.WebhookFixtures.event;
import static org.revenant.http.webhook.WebhookFixtures.subscription;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
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

    private final MockProducer<byte[], byte[]> dlq =
            new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
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
        WebhookSubscription s =
                subscription("ts", receiver.url(), WebhookSubscription.Format.JSON, true, 3, Set.of(), Set.of());

        assertEquals(WebhookDispatcher.Outcome.DELIVERED, dispatcher(s).deliver(s, alert, "alerts", 0, 7));

        WebhookFixtures.Received got = receiver.received.get(0);
        assertEquals(AlertJson.toJson(alert), got.text());
        assertEquals(WebhookDispatcher.idempotencyKey(alert.getEventId()), got.header("Idempotency-Key"));
        assertEquals("OPENED", got.header("X-Revenant-Event"));
        long timestamp = Long.parseLong(got.header("X-Revenant-Timestamp"));
        assertTrue(Math.abs(timestamp - System.currentTimeMillis() / 1000) < 60);
        assertEquals(
                WebhookSigner.sign("s3cret".getBytes(StandardCharsets.UTF_8), timestamp, got.body()),
                got.header("X-Revenant-Signature"));
        assertFalse(got.header("X-Revenant-Signature")
                .equals(WebhookSigner.sign("other".getBytes(StandardCharsets.UTF_8), timestamp, got.body())));
        assertTrue(dlq.history().isEmpty());
        assertTrue(
                metrics.scrape()
                        .contains("revenant_webhook_deliveries_total{outcome=\"delivered\",subscription=\"ts\"} 1.0"),
                metrics.scrape());
    }

    @Test
    void serverErrorsAreRetriedWithTheSameIdempotencyKeyUntilDelivered() throws Exception {
        receiver = new WebhookFixtures.Receiver(500, 503, 429);
        AlertEvent alert = event("ms-celeb-1m", AlertEventType.REAPPEARED, "github:a/b", "MS-Celeb-1M");
        WebhookSubscription s =
                subscription("ts", receiver.url(), WebhookSubscription.Format.JSON, true, 5, Set.of(), Set.of());

        assertEquals(WebhookDispatcher.Outcome.DELIVERED, dispatcher(s).deliver(s, alert, "alerts", 0, 7));
        assertEquals(4, receiver.received.size());
        assertEquals(
                Set.of(WebhookDispatcher.idempotencyKey(alert.getEventId())),
                receiver.received.stream().map(r -> r.header("Idempotency-Key")).collect(Collectors.toSet()));
        assertTrue(dlq.history().isEmpty());
    }

    @Test
    void afterTheLastFailedAttemptTheDeliveryGoesToTheDlqWithItsProvenance() throws Exception {
        receiver = new WebhookFixtures.Receiver(500, 500, 500, 500);
        AlertEvent alert = event("ms-celeb-1m", AlertEventType.OPENED, "github:a/b", "MS-Celeb-1M");
        WebhookSubscription s =
                subscription("ts", receiver.url(), WebhookSubscription.Format.JSON, true, 3, Set.of(), Set.of());

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
        WebhookSubscription s =
                subscription("ts", receiver.url(), WebhookSubscription.Format.JSON, true, 5, Set.of(), Set.of());
        assertEquals(
                WebhookDispatcher.Outcome.FAILED,
                dispatcher(s)
                        .deliver(s, event("ms-celeb-1m", AlertEventType.OPENED, "github:a/b", "MS"), "alerts", 0, 0));
        assertEquals(1, receiver.received.size());
        assertEquals(1, dlq.history().size());
    }

    @Test
    void unreachableTargetFailsAfterItsAttempts() throws Exception {
        URI closed = URI.create("http://127.0.0.1:" + freePort() + "/hook");
        WebhookSubscription s =
                subscription("down", closed, WebhookSubscription.Format.JSON, true, 2, Set.of(), Set.of());
        assertEquals(
                WebhookDispatcher.Outcome.FAILED,
                dispatcher(s)
                        .deliver(s, event("ms-celeb-1m", AlertEventType.OPENED, "github:a/b", "MS"), "alerts", 0, 0));
        assertTrue(
                header(dlq.history().get(0), "revenant.webhook.error").contains("ConnectException"),
                header(dlq.history().get(0), "revenant.webhook.error"));
    }

    @Test
    void loopbackAndPrivateTargetsAreRefusedUnlessTheSubscriptionAllowsThem() throws Exception {
        receiver = new WebhookFixtures.Receiver();
        WebhookSubscription s =
                subscription("strict", receiver.url(), WebhookSubscription.Format.JSON, false, 3, Set.of(), Set.of());
        assertEquals(
                WebhookDispatcher.Outcome.REFUSED,
                dispatcher(s)
                        .deliver(s, event("ms-celeb-1m", AlertEventType.OPENED, "github:a/b", "MS"), "alerts", 0, 0));
        assertTrue(receiver.received.isEmpty());
        assertTrue(header(dlq.history().get(0), "revenant.webhook.error").startsWith("refused"));
        for (String address : List.of(
                "10.1.2.3",
                "192.168.0.1",
                "172.16.5.4",
                "169.254.169.254",
                "100.64.0.1",
                "0.0.0.0",
                "::1",
                "fd00::1")) {
            assertTrue(TargetGuard.isPrivate(InetAddress.getByName(address)), address);
        }
        assertFalse(TargetGuard.isPrivate(InetAddress.getByName("93.184.215.14")));
        byte[] mappedLoopback = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, 127, 0, 0, 1};
        assertTrue(TargetGuard.isPrivate(Inet6Address.getByAddress(null, mappedLoopback, -1)), "::ffff:127.0.0.1");
    }

    @Test
    void onlyMatchingSubscriptionsReceiveAnEvent() throws Exception {
        receiver = new WebhookFixtures.Receiver();
        URI base = receiver.url();
        WebhookSubscription reappearances = subscription(
                "reappeared-only", base, WebhookSubscription.Format.JSON, true, 1, Set.of(), Set.of("REAPPEARED"));
        WebhookSubscription duke =
                subscription("duke-only", base, WebhookSubscription.Format.JSON, true, 1, Set.of("dukemtmc"), Set.of());
        WebhookDispatcher dispatcher =
                new WebhookDispatcher(List.of(reappearances, duke), dlq, "revenant.dlq", metrics);

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
    void anAlertOnACyrillicMirrorKeyIsDeliveredWithAHeaderSafeIdempotencyKey() throws Exception {
        receiver = new WebhookFixtures.Receiver();
        AlertEvent alert = event("ms-celeb-1m", AlertEventType.OPENED, "manifest:датасет", "MS-Celeb-1M");
        WebhookSubscription s =
                subscription("ts", receiver.url(), WebhookSubscription.Format.JSON, true, 1, Set.of(), Set.of());

        assertEquals(WebhookDispatcher.Outcome.DELIVERED, dispatcher(s).deliver(s, alert, "alerts", 0, 7));

        String key = receiver.received.get(0).header("Idempotency-Key");
        assertTrue(key.matches("[0-9a-f]{64}"), key);
        assertEquals(WebhookDispatcher.idempotencyKey(alert.getEventId()), key);
        assertFalse(key.equals(
                WebhookDispatcher.idempotencyKey(event("ms-celeb-1m", AlertEventType.OPENED, "manifest:датасет2", "MS")
                        .getEventId())));
        assertTrue(receiver.received.get(0).text().contains("датасет"), "the body still carries the key in UTF-8");
        assertTrue(dlq.history().isEmpty());
    }

    @Test
    void aDeliveryThatThrowsIsDeadLetteredWithItsProvenanceAndTheNextIsDelivered() throws Exception {
        receiver = new WebhookFixtures.Receiver();
        URI broken = URI.create("http://broken.test:" + receiver.url().getPort() + "/hook");
        WebhookSubscription bad =
                subscription("bad", broken, WebhookSubscription.Format.JSON, true, 3, Set.of(), Set.of());
        WebhookSubscription good =
                subscription("good", receiver.url(), WebhookSubscription.Format.JSON, true, 3, Set.of(), Set.of());
        TargetGuard.Resolver resolver = host -> {
            if (host.equals("broken.test")) {
                throw new IllegalStateException("resolver exploded");
            }
            return new InetAddress[] {InetAddress.getByName(host)};
        };
        WebhookDispatcher dispatcher =
                new WebhookDispatcher(List.of(bad, good), dlq, "revenant.dlq", metrics, resolver);

        List<WebhookDispatcher.Delivery> first = dispatcher.dispatch(
                event("ms-celeb-1m", AlertEventType.OPENED, "github:a/b", "MS"), "revenant.alerts", 3, 41);
        dispatcher.dispatch(
                event("ms-celeb-1m", AlertEventType.REAPPEARED, "github:a/b", "MS"), "revenant.alerts", 3, 42);

        assertEquals(
                List.of(WebhookDispatcher.Outcome.FAILED, WebhookDispatcher.Outcome.DELIVERED),
                first.stream().map(WebhookDispatcher.Delivery::outcome).toList());
        assertEquals(2, receiver.received.size(), "the good subscription got both events");
        assertEquals(2, dlq.history().size(), "each failed delivery of the bad one was dead-lettered");
        ProducerRecord<byte[], byte[]> dead = dlq.history().get(0);
        assertTrue(
                header(dead, "revenant.webhook.error").contains("resolver exploded"),
                header(dead, "revenant.webhook.error"));
        assertEquals("bad", header(dead, "revenant.webhook.subscription"));
        assertEquals("revenant.alerts", header(dead, "topic"));
        assertEquals("3", header(dead, "partition"));
        assertEquals("41", header(dead, "offset"));
        assertEquals("42", header(dlq.history().get(1), "offset"));
    }

    @Test
    void aTargetWhoseNameDoesNotResolveIsNeverCalledAndEndsInTheDlq() throws Exception {
        receiver = new WebhookFixtures.Receiver();
        AtomicInteger lookups = new AtomicInteger();
        TargetGuard.Resolver failing = host -> {
            lookups.incrementAndGet();
            throw new UnknownHostException(host);
        };
        WebhookSubscription s =
                subscription("ts", receiver.url(), WebhookSubscription.Format.JSON, false, 2, Set.of(), Set.of());
        WebhookDispatcher dispatcher = new WebhookDispatcher(List.of(s), dlq, "revenant.dlq", metrics, failing);

        assertEquals(
                WebhookDispatcher.Outcome.FAILED,
                dispatcher.deliver(s, event("ms-celeb-1m", AlertEventType.OPENED, "github:a/b", "MS"), "alerts", 0, 0));
        assertTrue(receiver.received.isEmpty(), "fails closed: no request without a checked address");
        assertEquals(2, lookups.get(), "resolved again on the retry");
        assertTrue(
                header(dlq.history().get(0), "revenant.webhook.error").contains("cannot resolve 127.0.0.1"),
                header(dlq.history().get(0), "revenant.webhook.error"));
    }

    @Test
    void aNameThatTurnsToLoopbackOnTheRetryIsRefusedThen() throws Exception {
        receiver = new WebhookFixtures.Receiver();
        AtomicInteger lookups = new AtomicInteger();
        TargetGuard.Resolver rebinding = host ->
                new InetAddress[] {InetAddress.getByName(lookups.incrementAndGet() == 1 ? "192.0.2.1" : "127.0.0.1")};
        URI url = URI.create("http://hook.test:" + receiver.url().getPort() + "/hook");
        WebhookSubscription s = new WebhookSubscription(
                "ts",
                url,
                WebhookSubscription.Format.JSON,
                "s3cret".getBytes(StandardCharsets.UTF_8),
                Set.of(),
                Set.of(),
                Set.of(),
                Set.of(),
                false,
                3,
                Duration.ofMillis(10),
                Duration.ofMillis(300));
        WebhookDispatcher dispatcher = new WebhookDispatcher(List.of(s), dlq, "revenant.dlq", metrics, rebinding);

        assertEquals(
                WebhookDispatcher.Outcome.REFUSED,
                dispatcher.deliver(s, event("ms-celeb-1m", AlertEventType.OPENED, "github:a/b", "MS"), "alerts", 0, 0));
        assertEquals(
                2,
                lookups.get(),
                "the first (public, unreachable) answer was tried, the second checked again and refused");
        assertTrue(receiver.received.isEmpty());
        assertTrue(header(dlq.history().get(0), "revenant.webhook.error").contains("loopback address 127.0.0.1"));
    }

    @Test
    void theRequestGoesToTheCheckedAddressCarryingTheUrlsHost() throws Exception {
        receiver = new WebhookFixtures.Receiver();
        int port = receiver.url().getPort();
        TargetGuard.Resolver resolver = host -> {
            assertEquals("receiver.test", host);
            return new InetAddress[] {InetAddress.getByName("127.0.0.1")};
        };
        WebhookSubscription s = subscription(
                "ts",
                URI.create("http://receiver.test:" + port + "/hook?team=a%20b"),
                WebhookSubscription.Format.JSON,
                true,
                1,
                Set.of(),
                Set.of());
        WebhookDispatcher dispatcher = new WebhookDispatcher(List.of(s), dlq, "revenant.dlq", metrics, resolver);

        assertEquals(
                WebhookDispatcher.Outcome.DELIVERED,
                dispatcher.deliver(s, event("ms-celeb-1m", AlertEventType.OPENED, "github:a/b", "MS"), "alerts", 0, 0));
        assertEquals("receiver.test:" + port, receiver.received.get(0).header("Host"));
        assertEquals("team=a%20b", receiver.received.get(0).query());
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

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
