package org.revenant.http.email;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.revenant.http.email.EmailFixtures.event;
import static org.revenant.http.email.EmailFixtures.subscription;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.revenant.avro.AlertEventType;
import org.revenant.http.webhook.AlertFilter;
import org.revenant.http.webhook.TargetGuard;
import org.revenant.http.webhook.WebhookDispatcher.Delivery;
import org.revenant.http.webhook.WebhookDispatcher.Outcome;
import org.revenant.http.webhook.WebhookDispatcher.Source;

/** The dispatcher alone against a real SMTP server (GreenMail), its DLQ a MockProducer. */
@Timeout(60)
class EmailDispatcherTest {

    private static final Source SOURCE = new Source("revenant.alerts", 0, 41);

    @Test
    void starttlsIsRequiredNotOpportunisticAServerWithoutItGetsNothingInClear() throws Exception {
        GreenMail plain = EmailFixtures.smtp(EmailFixtures.freePort(), ServerSetup.PROTOCOL_SMTP); // no STARTTLS
        MockProducer<byte[], byte[]> dlq = dlq();
        try {
            EmailDispatcher dispatcher = dispatcher(
                    subscription(
                            "strict",
                            plain.getSmtp().getPort(),
                            EmailSubscription.Security.STARTTLS,
                            AlertFilter.ALL,
                            null),
                    dlq,
                    TargetGuard.Resolver.SYSTEM);
            List<Delivery> deliveries =
                    dispatcher.dispatch(event("ms-celeb-1m", AlertEventType.OPENED, "torrent:abc", "MS"), SOURCE);
            assertEquals(Outcome.FAILED, deliveries.get(0).outcome(), deliveries.toString());
            assertTrue(
                    deliveries.get(0).error().contains("STARTTLS"),
                    deliveries.get(0).error());
            assertEquals(0, plain.getReceivedMessages().length, "nothing was sent in clear");
            ProducerRecord<byte[], byte[]> dead = dlq.history().get(0);
            assertEquals("41", new String(dead.headers().lastHeader("offset").value(), StandardCharsets.UTF_8));
        } finally {
            plain.stop();
        }
    }

    @Test
    void aHostResolvingToAPrivateAddressIsRefusedWithoutAllowPrivate() throws Exception {
        EmailSubscription s = subscription("internal", 25, EmailSubscription.Security.NONE, AlertFilter.ALL, null);
        EmailSubscription closed = new EmailSubscription(
                s.name(),
                "mail.example.org",
                s.port(),
                s.security(),
                null,
                null,
                s.from(),
                s.to(),
                s.filter(),
                false,
                3,
                s.backoff(),
                s.timeout(),
                null,
                null);
        MockProducer<byte[], byte[]> dlq = dlq();
        EmailDispatcher dispatcher = dispatcher(closed, dlq, host ->
                new InetAddress[] {InetAddress.getByAddress(host, new byte[] {10, 0, 0, 25})});
        List<Delivery> deliveries =
                dispatcher.dispatch(event("ms-celeb-1m", AlertEventType.OPENED, "torrent:abc", "MS"), SOURCE);
        assertEquals(Outcome.REFUSED, deliveries.get(0).outcome());
        assertTrue(
                deliveries.get(0).error().contains("10.0.0.25"),
                deliveries.get(0).error());
        assertEquals(
                "mail.example.org:25",
                new String(
                        dlq.history()
                                .get(0)
                                .headers()
                                .lastHeader("revenant.email.target")
                                .value(),
                        StandardCharsets.UTF_8));
    }

    private static EmailDispatcher dispatcher(
            EmailSubscription s, MockProducer<byte[], byte[]> dlq, TargetGuard.Resolver resolver) {
        return new EmailDispatcher(List.of(s), dlq, "revenant.dlq", null, resolver, null, Clock.systemUTC());
    }

    private static MockProducer<byte[], byte[]> dlq() {
        return new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
    }
}
