package org.revenant.http.webhook;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import javax.net.ssl.SSLContext;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.revenant.avro.AlertEvent;
import org.revenant.avro.SourceHealthEvent;
import org.revenant.http.metrics.RevenantMetrics;
import org.revenant.wire.AlertCloudEvent;
import org.revenant.wire.Topics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers one alert event to every subscription it matches: a signed POST with a hash of the
 * event id as idempotency key, retried with exponential backoff on network errors, 408, 429 and
 * 5xx; after the last failed attempt (or a refused target, another 4xx, or any other failure of
 * this delivery) the body goes to the DLQ with where it came from and why. One delivery's failure
 * never stops the next. Before each attempt the target is resolved and checked, and the request
 * goes to exactly the address checked. Redirects are not followed.
 */
public final class WebhookDispatcher implements AlertChannel {

    public static final String IDEMPOTENCY_HEADER = "Idempotency-Key";
    public static final String EVENT_HEADER = "X-Revenant-Event";
    private static final Logger LOG = LoggerFactory.getLogger(WebhookDispatcher.class);
    private static final Duration MAX_BACKOFF = Duration.ofMinutes(1);

    /** How one delivery ended. */
    public enum Outcome {
        DELIVERED,
        FAILED,
        REFUSED
    }

    /** One subscription's delivery of one event; {@code error} is null when delivered. */
    public record Delivery(String subscription, Outcome outcome, String error) {}

    /** Where a record came from, for DLQ records. */
    public record Source(String topic, int partition, long offset) {}

    private final List<WebhookSubscription> subscriptions;
    private final DeadLetters dlq;
    private final RevenantMetrics metrics;
    private final TargetGuard.Resolver resolver;
    private final SSLContext tls;
    private final URI eventSource;
    private volatile boolean stopping;

    public WebhookDispatcher(
            List<WebhookSubscription> subscriptions,
            Producer<byte[], byte[]> dlqProducer,
            String dlqTopic,
            RevenantMetrics metrics) {
        this(subscriptions, dlqProducer, dlqTopic, metrics, TargetGuard.Resolver.SYSTEM);
    }

    WebhookDispatcher(
            List<WebhookSubscription> subscriptions,
            Producer<byte[], byte[]> dlqProducer,
            String dlqTopic,
            RevenantMetrics metrics,
            TargetGuard.Resolver resolver) {
        this(subscriptions, dlqProducer, dlqTopic, metrics, resolver, null);
    }

    /** {@code tls}: the TLS context for https targets (null: the JVM's default trust). */
    WebhookDispatcher(
            List<WebhookSubscription> subscriptions,
            Producer<byte[], byte[]> dlqProducer,
            String dlqTopic,
            RevenantMetrics metrics,
            TargetGuard.Resolver resolver,
            SSLContext tls) {
        this(subscriptions, dlqProducer, dlqTopic, metrics, resolver, tls, AlertCloudEvent.source(Topics.defaults()));
    }

    /** {@code eventSource}: the CloudEvents {@code source} of this instance, for {@code format: cloudevents}. */
    WebhookDispatcher(
            List<WebhookSubscription> subscriptions,
            Producer<byte[], byte[]> dlqProducer,
            String dlqTopic,
            RevenantMetrics metrics,
            TargetGuard.Resolver resolver,
            SSLContext tls,
            URI eventSource) {
        this.tls = tls;
        this.eventSource = Objects.requireNonNull(eventSource, "eventSource");
        this.subscriptions = List.copyOf(subscriptions);
        this.dlq = new DeadLetters(dlqProducer, dlqTopic, "webhooks");
        this.metrics = metrics;
        this.resolver = Objects.requireNonNull(resolver, "resolver");
    }

    /**
     * Delivers the event to each matching subscription and says how each went. Throws only
     * {@link InterruptedException}, when the notifier is closing (the record is then delivered
     * again after a restart, as it was not committed).
     */
    public List<Delivery> dispatch(AlertEvent event, String topic, int partition, long offset)
            throws InterruptedException {
        return dispatch(event, new Source(topic, partition, offset));
    }

    @Override
    public List<Delivery> dispatch(AlertEvent event, Source source) throws InterruptedException {
        List<WebhookSubscription> matching = new ArrayList<>();
        for (WebhookSubscription subscription : subscriptions) {
            if (subscription.matches(event)) {
                matching.add(subscription);
            }
        }
        return dispatch(matching, Outgoing.of(event, eventSource), source);
    }

    /** A source's health event, to the subscriptions that opted in to it (decision 026). */
    @Override
    public List<Delivery> dispatch(SourceHealthEvent event, Source source) throws InterruptedException {
        List<WebhookSubscription> matching = new ArrayList<>();
        for (WebhookSubscription subscription : subscriptions) {
            if (subscription.filter().matches(event)) {
                matching.add(subscription);
            }
        }
        return dispatch(matching, Outgoing.of(event, eventSource), source);
    }

    @Override
    public boolean wantsSourceHealth() {
        return subscriptions.stream().anyMatch(s -> s.filter().wantsSourceHealth());
    }

    private List<Delivery> dispatch(List<WebhookSubscription> matching, Outgoing out, Source source)
            throws InterruptedException {
        List<Delivery> deliveries = new ArrayList<>();
        for (WebhookSubscription subscription : matching) {
            try {
                deliveries.add(deliver(subscription, out, source));
            } catch (RuntimeException e) {
                String error = "delivery failed: " + e;
                LOG.warn(
                        "webhook {}: {} (event at {}-{}@{})",
                        subscription.name(),
                        error,
                        source.topic(),
                        source.partition(),
                        source.offset());
                deadLetter(
                        subscription, out.eventId(), out.key(), out.safeBody(subscription.format()), error, 0, source);
                count(subscription, "failed");
                deliveries.add(new Delivery(subscription.name(), Outcome.FAILED, error));
            }
        }
        return deliveries;
    }

    /** What one delivery sends, whatever it is about: an alert's event or a source's health. */
    private record Outgoing(
            String eventId, String key, String type, Function<WebhookSubscription.Format, byte[]> body) {

        static Outgoing of(AlertEvent event, URI eventSource) {
            return new Outgoing(
                    event.getEventId(),
                    event.getAlertKey(),
                    event.getEvent().name(),
                    format -> WebhookPayload.body(format, event, eventSource));
        }

        static Outgoing of(SourceHealthEvent event, URI eventSource) {
            return new Outgoing(
                    event.getEventId(),
                    "source:" + event.getSource(),
                    event.getEvent().name(),
                    format -> WebhookPayload.body(format, event, eventSource));
        }

        byte[] safeBody(WebhookSubscription.Format format) {
            try {
                return body.apply(format);
            } catch (RuntimeException e) {
                return new byte[0];
            }
        }
    }

    Outcome deliver(WebhookSubscription s, AlertEvent event, String topic, int partition, long offset)
            throws InterruptedException {
        return deliver(s, Outgoing.of(event, eventSource), new Source(topic, partition, offset))
                .outcome();
    }

    private Delivery deliver(WebhookSubscription s, Outgoing out, Source source) throws InterruptedException {
        byte[] body = out.body().apply(s.format());
        String idempotencyKey = idempotencyKey(out.eventId());
        String error = null;
        int attempt = 0;
        while (attempt < s.maxAttempts()) {
            if (stopping) {
                throw new InterruptedException("closing");
            }
            attempt++;
            boolean retryable;
            TargetGuard.Verdict verdict = TargetGuard.check(s.url(), s.allowPrivate(), resolver);
            if (verdict instanceof TargetGuard.Refused refused && !refused.transientFailure()) {
                LOG.warn("webhook {}: refused: {}", s.name(), refused.reason());
                deadLetter(s, out.eventId(), out.key(), body, "refused: " + refused.reason(), attempt - 1, source);
                count(s, "refused");
                return new Delivery(s.name(), Outcome.REFUSED, "refused: " + refused.reason());
            } else if (verdict instanceof TargetGuard.Refused unresolved) {
                error = unresolved.reason();
                retryable = true;
            } else {
                TargetGuard.Allowed allowed = (TargetGuard.Allowed) verdict;
                if (metrics != null) {
                    metrics.webhookAttempt(s.name());
                }
                long timestamp = Instant.now().getEpochSecond();
                Map<String, String> headers = new LinkedHashMap<>();
                headers.put("Content-Type", WebhookPayload.contentType(s.format()));
                headers.put("User-Agent", "Revenant-Webhook/1");
                headers.put(IDEMPOTENCY_HEADER, idempotencyKey);
                headers.put(EVENT_HEADER, out.type());
                headers.put(WebhookSigner.TIMESTAMP_HEADER, Long.toString(timestamp));
                headers.put(WebhookSigner.SIGNATURE_HEADER, WebhookSigner.sign(s.secret(), timestamp, body));
                try {
                    int status = PinnedPost.send(s.url(), allowed.address(), headers, body, s.timeout(), tls);
                    if (status >= 200 && status < 300) {
                        count(s, "delivered");
                        return new Delivery(s.name(), Outcome.DELIVERED, null);
                    }
                    error = "HTTP " + status;
                    retryable = status >= 500 || status == 408 || status == 429;
                } catch (IOException e) {
                    error = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
                    retryable = true;
                }
            }
            LOG.warn(
                    "webhook {} ({}): attempt {}/{} for {} failed: {}",
                    s.name(),
                    s.safeTarget(),
                    attempt,
                    s.maxAttempts(),
                    out.key(),
                    error);
            if (!retryable) {
                break;
            }
            if (attempt < s.maxAttempts()) {
                Thread.sleep(backoff(s.backoff(), attempt).toMillis());
            }
        }
        deadLetter(s, out.eventId(), out.key(), body, error, attempt, source);
        count(s, "failed");
        return new Delivery(s.name(), Outcome.FAILED, error);
    }

    /**
     * The idempotency key of an event: the hex SHA-256 of its id. Event ids hold mirror keys, which
     * are written by whoever controls the mirror and may hold any character; a hash is always a
     * valid header value and still the same on every retry.
     */
    public static String idempotencyKey(String eventId) {
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(sha256.digest(eventId.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }

    /** Backoff before attempt {@code n + 1}: the base doubled per failed attempt, capped at a minute. */
    public static Duration backoff(Duration base, int failedAttempts) {
        Duration wait = base.multipliedBy(1L << Math.min(failedAttempts - 1, 20));
        return wait.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : wait;
    }

    @Override
    public void undecodable(byte[] key, byte[] value, String reason, Source source) {
        RecordHeaders headers = new RecordHeaders();
        headers.add("revenant.webhook.error", utf8("undecodable alert event: " + reason));
        DeadLetters.provenance(headers, source);
        dlq.write(key, value, headers, "an undecodable record");
    }

    @Override
    public void stop() {
        stopping = true;
    }

    private void deadLetter(
            WebhookSubscription s,
            String eventId,
            String alertKey,
            byte[] body,
            String error,
            int attempts,
            Source source) {
        RecordHeaders headers = new RecordHeaders();
        headers.add("revenant.webhook.subscription", utf8(s.name()));
        headers.add("revenant.webhook.target", utf8(s.safeTarget()));
        headers.add("revenant.webhook.error", utf8(error == null ? "not attempted" : error));
        headers.add("revenant.webhook.attempts", utf8(Integer.toString(attempts)));
        headers.add("revenant.event.id", utf8(eventId == null ? "" : eventId));
        DeadLetters.provenance(headers, source);
        dlq.write(alertKey, body, headers, "the failed delivery to " + s.name());
    }

    private void count(WebhookSubscription s, String outcome) {
        if (metrics != null) {
            metrics.webhook(s.name(), outcome);
        }
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
