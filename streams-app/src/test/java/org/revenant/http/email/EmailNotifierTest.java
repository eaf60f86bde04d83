package org.revenant.http.email;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.revenant.http.email.EmailFixtures.event;
import static org.revenant.http.email.EmailFixtures.parts;
import static org.revenant.http.email.EmailFixtures.subscription;

import com.icegreen.greenmail.util.DummySSLSocketFactory;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.internet.MimeMessage;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
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
import org.revenant.http.webhook.AlertFilter;
import org.revenant.http.webhook.TargetGuard;
import org.revenant.http.webhook.WebhookNotifier;
import org.revenant.testkit.KafkaBroker;
import org.revenant.wire.TopicSetup;
import org.revenant.wire.Topics;

/** The e-mail notifier on a real broker, sending to a real SMTP server (GreenMail) on 127.0.0.1. */
@Tag("broker")
@Timeout(120)
class EmailNotifierTest {

    @RegisterExtension
    static final KafkaBroker KAFKA = new KafkaBroker();

    private static final AlertFilter MS_CELEB = new AlertFilter(Set.of("ms-celeb-1m"), Set.of(), Set.of(), Set.of());

    @Test
    void theMsCelebTorrentAlertArrivesAsTextAndHtmlAndOtherDatasetsAreFilteredOut() throws Exception {
        Topics topics = topics("email");
        GreenMail smtp = EmailFixtures.smtp(EmailFixtures.freePort(), ServerSetup.PROTOCOL_SMTP);
        Components components = new Components();
        try (RevenantMetrics metrics = new RevenantMetrics();
                WebhookNotifier notifier = start(
                        topics,
                        subscription(
                                "watchdog", smtp.getSmtp().getPort(), EmailSubscription.Security.NONE, MS_CELEB, null),
                        metrics,
                        components)) {
            assertTrue(notifier.awaitAssignment(Duration.ofSeconds(60)), "the notifier joined its group");
            AlertEvent other = event("dukemtmc", AlertEventType.OPENED, "torrent:duke", "DukeMTMC");
            AlertEvent hostile = AlertEvent.newBuilder(
                            event("ms-celeb-1m", AlertEventType.REAPPEARED, "torrent:abc123", "MS-Celeb-1M"))
                    .setMirrorKey("torrent:<script>alert(1)</script>\r\nBcc: victim@example.org\r\n\r\nforged")
                    .build();
            send(topics, other, hostile);

            assertTrue(smtp.waitForIncomingEmail(60_000, 1), "the MS-Celeb-1M alert arrived");
            MimeMessage[] received = smtp.getReceivedMessages();
            assertEquals(1, received.length, "one message to one recipient: no Bcc slipped in, DukeMTMC filtered out");
            MimeMessage message = received[0];
            assertEquals("watchdog@example.org", message.getAllRecipients()[0].toString());
            assertNull(message.getHeader("Bcc"));
            String subject = message.getSubject();
            assertTrue(subject.startsWith("[Revenant] REAPPEARED MS-Celeb-1M on torrent:<script>"), subject);
            assertFalse(subject.contains("\r") || subject.contains("\n"), subject);
            assertEquals("REAPPEARED", message.getHeader("X-Revenant-Event")[0]);
            List<String> parts = parts(message);
            String text = parts.get(0);
            String html = parts.get(1);
            assertTrue(text.contains("FILE_SIZE 91124295076 at MsCelebV1/TrainData/<b>part</b>.tsv"), text);
            assertTrue(text.contains("Mirror URL: https://academictorrents.com/details/abc123"), text);
            assertTrue(html.contains("&lt;script&gt;alert(1)&lt;/script&gt; Bcc: victim@example.org forged"), html);
            assertFalse(html.contains("<script>"), html);
            assertTrue(html.contains("https://revenant.example.org/alert.html?key="), html);
            await(
                    () -> metrics.scrape()
                            .contains(
                                    "revenant_email_messages_total{outcome=\"delivered\",subscription=\"watchdog\"} 1.0"),
                    "the delivery counted");
            assertEquals(
                    ComponentState.UP, state(components), components.snapshots().toString());
        } finally {
            smtp.stop();
        }
    }

    @Test
    void aBlindSourceIsToldAtOnceToASubscriptionThatOptedInEvenWithADigest() throws Exception {
        Topics topics = topics("email-sources");
        GreenMail smtp = EmailFixtures.smtp(EmailFixtures.freePort(), ServerSetup.PROTOCOL_SMTP);
        AlertFilter optedIn = new AlertFilter(Set.of(), Set.of(), Set.of(), Set.of("SOURCE_DEGRADED"));
        try (RevenantMetrics metrics = new RevenantMetrics();
                WebhookNotifier notifier = start(
                        topics,
                        subscription(
                                "ops",
                                smtp.getSmtp().getPort(),
                                EmailSubscription.Security.NONE,
                                optedIn,
                                Duration.ofHours(1)),
                        metrics,
                        new Components())) {
            assertTrue(notifier.awaitAssignment(Duration.ofSeconds(60)), "the notifier joined its group");
            SourceHealthEvent degraded = SourceHealthEvent.newBuilder()
                    .setEventId("hf|SOURCE_DEGRADED|1|z")
                    .setSource("hf")
                    .setEvent(SourceHealthEventType.SOURCE_DEGRADED)
                    .setAt(Instant.parse("2026-12-01T10:05:00Z"))
                    .setFailingSince(Instant.parse("2026-12-01T10:00:00Z"))
                    .setConsecutiveFailures(5)
                    .setRateLimited(true)
                    .setLastError("rate limited <img src=x onerror=alert(1)>\r\nBcc: victim@example.org")
                    .setReportedBy("crawler-2")
                    .build();
            try (KafkaProducer<String, SourceHealthEvent> producer = new KafkaProducer<>(
                    KAFKA.producerProperties(),
                    topics.sourceHealth.keySerde().serializer(),
                    topics.sourceHealth.valueSerde().serializer())) {
                producer.send(new ProducerRecord<>(topics.sourceHealth.name(), "hf", degraded))
                        .get();
            }
            assertTrue(smtp.waitForIncomingEmail(60_000, 1), "the blind source told at once, not in an hour's digest");
            MimeMessage message = smtp.getReceivedMessages()[0];
            assertEquals(1, message.getAllRecipients().length);
            assertEquals("[Revenant] SOURCE_DEGRADED: the crawler cannot see hf", message.getSubject());
            assertEquals("SOURCE_DEGRADED", message.getHeader("X-Revenant-Event")[0]);
            List<String> parts = parts(message);
            assertTrue(parts.get(0).contains("Failed crawls in a row: 5"), parts.get(0));
            assertTrue(parts.get(0).contains("Rate-limited: yes"), parts.get(0));
            assertTrue(
                    parts.get(1).contains("rate limited &lt;img src=x onerror=alert(1)&gt; Bcc: victim@example.org"),
                    parts.get(1));
            assertFalse(parts.get(1).contains("<img"), parts.get(1));
        } finally {
            smtp.stop();
        }
    }

    @Test
    void aServerThatIsDownDeadLettersDegradesTheComponentAndTheNextMessageStillGoes() throws Exception {
        Topics topics = topics("email-down");
        int port = EmailFixtures.freePort(); // nothing listens here yet
        Components components = new Components();
        GreenMail smtp = null;
        try (RevenantMetrics metrics = new RevenantMetrics();
                WebhookNotifier notifier = start(
                        topics,
                        subscription("ops", port, EmailSubscription.Security.NONE, AlertFilter.ALL, null),
                        metrics,
                        components)) {
            assertTrue(notifier.awaitAssignment(Duration.ofSeconds(60)), "the notifier joined its group");
            send(
                    topics,
                    event("ms-celeb-1m", AlertEventType.OPENED, "torrent:a", "MS-Celeb-1M"),
                    event("ms-celeb-1m", AlertEventType.OPENED, "torrent:b", "MS-Celeb-1M"),
                    event("ms-celeb-1m", AlertEventType.OPENED, "torrent:c", "MS-Celeb-1M"));
            List<ConsumerRecord<byte[], byte[]>> dead = dlqRecords(topics, 3);
            ConsumerRecord<byte[], byte[]> first = dead.get(0);
            assertEquals("ms-celeb-1m|torrent:a", new String(first.key(), StandardCharsets.UTF_8));
            assertEquals("ops", header(first, "revenant.email.subscription"));
            assertEquals("127.0.0.1:" + port, header(first, "revenant.email.target"));
            assertEquals(topics.alerts.name(), header(first, "topic"));
            assertTrue(
                    header(first, "revenant.email.error").contains("Exception"), header(first, "revenant.email.error"));
            assertTrue(new String(first.value(), StandardCharsets.UTF_8).contains("\"datasetId\":\"ms-celeb-1m\""));
            await(() -> state(components) == ComponentState.DEGRADED, "the component degraded");
            assertTrue(metrics.scrape()
                    .contains("revenant_email_messages_total{outcome=\"failed\",subscription=\"ops\"} 3.0"));

            smtp = EmailFixtures.smtp(port, ServerSetup.PROTOCOL_SMTP);
            send(topics, event("ms-celeb-1m", AlertEventType.REAPPEARED, "torrent:d", "MS-Celeb-1M"));
            assertTrue(smtp.waitForIncomingEmail(60_000, 1), "the next alert went out");
            assertTrue(smtp.getReceivedMessages()[0].getSubject().contains("torrent:d"));
            await(() -> state(components) == ComponentState.UP, "the component up again");
        } finally {
            if (smtp != null) {
                smtp.stop();
            }
        }
    }

    @Test
    void twoEventsInADigestPeriodBecomeOneMessageAndAreCommittedOnlyAfterIt() throws Exception {
        Topics topics = topics("email-digest");
        GreenMail smtp = EmailFixtures.smtp(EmailFixtures.freePort(), ServerSetup.PROTOCOL_SMTP);
        Components components = new Components();
        String group = topics.prefix() + "email";
        try (RevenantMetrics metrics = new RevenantMetrics();
                WebhookNotifier notifier = start(
                        topics,
                        subscription(
                                "daily",
                                smtp.getSmtp().getPort(),
                                EmailSubscription.Security.NONE,
                                AlertFilter.ALL,
                                Duration.ofSeconds(4)),
                        metrics,
                        components)) {
            assertTrue(notifier.awaitAssignment(Duration.ofSeconds(60)), "the notifier joined its group");
            send(
                    topics,
                    event("ms-celeb-1m", AlertEventType.OPENED, "torrent:first", "MS-Celeb-1M"),
                    event("ms-celeb-1m", AlertEventType.REAPPEARED, "torrent:second", "MS-Celeb-1M"));
            Thread.sleep(1_500); // read and queued by now, its digest not yet due
            assertEquals(0, smtp.getReceivedMessages().length, "nothing before the period ends");
            assertTrue(committed(group, topics) < 2, "queued events are not committed before their digest is sent");

            assertTrue(smtp.waitForIncomingEmail(30_000, 1), "the digest arrived");
            Thread.sleep(500);
            MimeMessage[] received = smtp.getReceivedMessages();
            assertEquals(1, received.length, "one message for both events");
            assertEquals("[Revenant] digest: 2 alert events (daily)", received[0].getSubject());
            assertEquals("DIGEST", received[0].getHeader("X-Revenant-Event")[0]);
            List<String> parts = parts(received[0]);
            assertTrue(parts.get(0).contains("torrent:first") && parts.get(0).contains("torrent:second"), parts.get(0));
            assertTrue(parts.get(1).contains("torrent:first") && parts.get(1).contains("torrent:second"), parts.get(1));
            await(() -> committed(group, topics) == 2, "both events committed after the digest went out");
        } finally {
            smtp.stop();
        }
    }

    @Test
    void aDigestCutShortByAStopIsSentAfterTheRestart() throws Exception {
        Topics topics = topics("email-digest-restart");
        GreenMail smtp = EmailFixtures.smtp(EmailFixtures.freePort(), ServerSetup.PROTOCOL_SMTP);
        int port = smtp.getSmtp().getPort();
        try (RevenantMetrics metrics = new RevenantMetrics()) {
            try (WebhookNotifier first = start(
                    topics,
                    subscription(
                            "daily", port, EmailSubscription.Security.NONE, AlertFilter.ALL, Duration.ofMinutes(5)),
                    metrics,
                    new Components())) {
                assertTrue(first.awaitAssignment(Duration.ofSeconds(60)), "the notifier joined its group");
                send(
                        topics,
                        event("ms-celeb-1m", AlertEventType.OPENED, "torrent:first", "MS-Celeb-1M"),
                        event("ms-celeb-1m", AlertEventType.OPENED, "torrent:second", "MS-Celeb-1M"));
                await(() -> committed(topics.prefix() + "email", topics) == 0, "the queued events held at offset 0");
            } // stopped mid-period: the digest in memory is gone, its events are not committed
            assertEquals(0, smtp.getReceivedMessages().length);

            try (WebhookNotifier second = start(
                    topics,
                    subscription(
                            "daily", port, EmailSubscription.Security.NONE, AlertFilter.ALL, Duration.ofSeconds(1)),
                    metrics,
                    new Components())) {
                assertTrue(smtp.waitForIncomingEmail(60_000, 1), "the digest arrived after the restart");
                assertEquals("[Revenant] digest: 2 alert events (daily)", smtp.getReceivedMessages()[0].getSubject());
                await(() -> committed(topics.prefix() + "email", topics) == 2, "committed once sent");
            }
        } finally {
            smtp.stop();
        }
    }

    @Test
    void implicitTlsWithCredentialsFromTheSubscriptionDelivers() throws Exception {
        Topics topics = topics("email-tls");
        GreenMail smtps = EmailFixtures.smtp(EmailFixtures.freePort(), ServerSetup.PROTOCOL_SMTPS);
        smtps.setUser("revenant@example.org", "revenant", "s3cret");
        Components components = new Components();
        try (RevenantMetrics metrics = new RevenantMetrics();
                WebhookNotifier notifier = start(
                        topics,
                        subscription(
                                "secure",
                                smtps.getSmtps().getPort(),
                                EmailSubscription.Security.TLS,
                                AlertFilter.ALL,
                                null,
                                "revenant",
                                "s3cret"),
                        metrics,
                        components)) {
            assertTrue(notifier.awaitAssignment(Duration.ofSeconds(60)), "the notifier joined its group");
            send(topics, event("ms-celeb-1m", AlertEventType.OPENED, "torrent:abc", "MS-Celeb-1M"));
            assertTrue(smtps.waitForIncomingEmail(60_000, 1), "the alert arrived over TLS");
            assertEquals(2, parts(smtps.getReceivedMessages()[0]).size());
        } finally {
            smtps.stop();
        }
    }

    private static WebhookNotifier start(
            Topics topics, EmailSubscription subscription, RevenantMetrics metrics, Components components) {
        return EmailNotifier.start(
                KAFKA.adminProperties(),
                topics,
                topics.prefix() + "email",
                List.of(subscription),
                metrics,
                components,
                TargetGuard.Resolver.SYSTEM,
                new DummySSLSocketFactory());
    }

    private static Topics topics(String label) throws Exception {
        Topics topics = new Topics(KafkaBroker.uniquePrefix(label) + ".");
        TopicSetup.ensure(KAFKA.admin(), topics, 1, (short) 1);
        return topics;
    }

    private static ComponentState state(Components components) {
        return components.register(EmailNotifier.COMPONENT, false).state();
    }

    private static long committed(String group, Topics topics) {
        try {
            Map<TopicPartition, OffsetAndMetadata> offsets = KAFKA.admin()
                    .listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata()
                    .get();
            OffsetAndMetadata offset = offsets.get(new TopicPartition(topics.alerts.name(), 0));
            return offset == null ? -1 : offset.offset();
        } catch (Exception e) {
            throw new IllegalStateException(e);
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

    private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }

    private static List<ConsumerRecord<byte[], byte[]>> dlqRecords(Topics topics, int count) {
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(
                KAFKA.consumerProperties(topics.prefix() + "dlq-check"),
                new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topics.dlq.name()));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (records.size() < count && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        if (records.size() < count) {
            throw new AssertionError("only " + records.size() + " of " + count + " DLQ records within 60 s");
        }
        return records;
    }
}
