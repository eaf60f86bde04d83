package org.revenant.http.webhook;

import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import org.revenant.avro.AlertEvent;

/**
 * One webhook subscription: where to deliver, which alert events, in which format, signed with
 * which secret. Empty filter sets match everything; filter values are compared case-insensitively.
 */
public record WebhookSubscription(
        String name,
        URI url,
        Format format,
        byte[] secret,
        Set<String> datasets,
        Set<String> severities,
        Set<String> platforms,
        Set<String> events,
        boolean allowPrivate,
        int maxAttempts,
        Duration backoff,
        Duration timeout) {

    /**
     * {@code slack}: a Slack/Mattermost incoming-webhook message; {@code json}: the public alert JSON (architecture section 9);
     * {@code cloudevents}: that JSON as the data of a structured-mode CloudEvent 1.0 (docs/decisions/017-integrations.md).
     */
    public enum Format {
        SLACK,
        JSON,
        CLOUDEVENTS
    }

    public WebhookSubscription {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(secret, "secret");
        datasets = lower(datasets);
        severities = lower(severities);
        platforms = lower(platforms);
        events = lower(events);
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("attempts must be at least 1");
        }
        Objects.requireNonNull(backoff, "backoff");
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isZero() || timeout.isNegative() || backoff.isNegative()) {
            throw new IllegalArgumentException("timeout must be positive and backoff not negative");
        }
    }

    public boolean matches(AlertEvent event) {
        return filter().matches(event);
    }

    /** Its filters, for alert events and sources' health events alike. */
    public AlertFilter filter() {
        return new AlertFilter(datasets, severities, platforms, events);
    }

    /** The URL without its path and query, which often hold a token (Slack hooks): safe for logs and DLQ headers. */
    public String safeTarget() {
        return url.getScheme() + "://" + url.getHost() + (url.getPort() < 0 ? "" : ":" + url.getPort());
    }

    private static Set<String> lower(Set<String> values) {
        return values == null
                ? Set.of()
                : values.stream().map(v -> v.toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
    }

    @Override
    public String toString() {
        return "WebhookSubscription[" + name + " -> " + safeTarget() + ", " + format + "]";
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof WebhookSubscription s && s.name.equals(name);
    }

    @Override
    public int hashCode() {
        return name.hashCode();
    }
}
