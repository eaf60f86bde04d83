package org.revenant.http.webhook;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.revenant.avro.AlertEvent;
import org.revenant.http.metrics.RevenantMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers one alert event to every subscription it matches: a signed POST with the event id as
 * idempotency key, retried with exponential backoff on network errors, 408, 429 and 5xx; after
 * the last failed attempt (or a refused target or another 4xx) the body goes to the DLQ with
 * where it came from and why. Redirects are not followed.
 */
public final class WebhookDispatcher {

    public static final String IDEMPOTENCY_HEADER = "Idempotency-Key";
    public static final String EVENT_HEADER = "X-Revenant-Event";
    private static final Logger LOG = LoggerFactory.getLogger(WebhookDispatcher.class);
    private static final Duration MAX_BACKOFF = Duration.ofMinutes(1);

    /** How one delivery ended. */
    public enum Outcome { DELIVERED, FAILED, REFUSED }

    private final List<WebhookSubscription> subscriptions;
    private final HttpClient client;
    private final Producer<byte[], byte[]> dlqProducer;
    private final String dlqTopic;
    private final RevenantMetrics metrics;
    private volatile boolean stopping;

    public WebhookDispatcher(List<WebhookSubscription> subscriptions, Producer<byte[], byte[]> dlqProducer, String dlqTopic, RevenantMetrics metrics) {
        this.subscriptions = List.copyOf(subscriptions);
        this.dlqProducer = Objects.requireNonNull(dlqProducer, "dlqProducer");
        this.dlqTopic = Objects.requireNonNull(dlqTopic, "dlqTopic");
        this.metrics = metrics;
        this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(10)).build();
    }

    /** Delivers the event to each matching subscription; the source coordinates go into DLQ records. */
    public void dispatch(AlertEvent event, String topic, int partition, long offset) throws InterruptedException {
        for (WebhookSubscription subscription : subscriptions) {
            if (subscription.matches(event)) {
                deliver(subscription, event, topic, partition, offset);
            }
        }
    }

    Outcome deliver(WebhookSubscription s, AlertEvent event, String topic, int partition, long offset) throws InterruptedException {
        byte[] body = WebhookPayload.body(s.format(), event);
        String refusal = TargetGuard.refusal(s.url(), s.allowPrivate());
        if (refusal != null) {
            LOG.warn("webhook {}: refused: {}", s.name(), refusal);
            deadLetter(s, event, body, "refused: " + refusal, 0, topic, partition, offset);
            count(s, "refused");
            return Outcome.REFUSED;
        }
        String error = null;
        int attempt = 0;
        while (attempt < s.maxAttempts() && !stopping) {
            attempt++;
            if (metrics != null) {
                metrics.webhookAttempt(s.name());
            }
            long timestamp = Instant.now().getEpochSecond();
            HttpRequest request = HttpRequest.newBuilder(s.url()).timeout(s.timeout())
                    .header("Content-Type", "application/json; charset=utf-8")
                    .header("User-Agent", "Revenant-Webhook/1")
                    .header(IDEMPOTENCY_HEADER, event.getEventId())
                    .header(EVENT_HEADER, event.getEvent().name())
                    .header(WebhookSigner.TIMESTAMP_HEADER, Long.toString(timestamp))
                    .header(WebhookSigner.SIGNATURE_HEADER, WebhookSigner.sign(s.secret(), timestamp, body))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
            boolean retryable;
            try {
                HttpResponse<Void> response = client.send(request, HttpResponse.BodyHandlers.discarding());
                int status = response.statusCode();
                if (status >= 200 && status < 300) {
                    count(s, "delivered");
                    return Outcome.DELIVERED;
                }
                error = "HTTP " + status;
                retryable = status >= 500 || status == 408 || status == 429;
            } catch (IOException e) {
                error = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
                retryable = true;
            }
            LOG.warn("webhook {} ({}): attempt {}/{} for event {} failed: {}", s.name(), s.safeTarget(), attempt, s.maxAttempts(),
                    event.getEventId(), error);
            if (!retryable) {
                break;
            }
            if (attempt < s.maxAttempts()) {
                Thread.sleep(backoff(s.backoff(), attempt).toMillis());
            }
        }
        deadLetter(s, event, body, error, attempt, topic, partition, offset);
        count(s, "failed");
        return Outcome.FAILED;
    }

    /** Backoff before attempt {@code n + 1}: the base doubled per failed attempt, capped at a minute. */
    static Duration backoff(Duration base, int failedAttempts) {
        Duration wait = base.multipliedBy(1L << Math.min(failedAttempts - 1, 20));
        return wait.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : wait;
    }

    void stop() {
        stopping = true;
    }

    private void deadLetter(WebhookSubscription s, AlertEvent event, byte[] body, String error, int attempts,
                            String topic, int partition, long offset) throws InterruptedException {
        RecordHeaders headers = new RecordHeaders();
        headers.add("revenant.webhook.subscription", utf8(s.name()));
        headers.add("revenant.webhook.target", utf8(s.safeTarget()));
        headers.add("revenant.webhook.error", utf8(error == null ? "not attempted" : error));
        headers.add("revenant.webhook.attempts", utf8(Integer.toString(attempts)));
        headers.add("revenant.event.id", utf8(event.getEventId()));
        headers.add("topic", utf8(topic));
        headers.add("partition", utf8(Integer.toString(partition)));
        headers.add("offset", utf8(Long.toString(offset)));
        try {
            dlqProducer.send(new ProducerRecord<>(dlqTopic, null, utf8(event.getAlertKey()), body, headers)).get(30, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            LOG.error("webhook {}: cannot write the failed delivery of {} to {}: {}", s.name(), event.getEventId(), dlqTopic, e.toString());
        }
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
