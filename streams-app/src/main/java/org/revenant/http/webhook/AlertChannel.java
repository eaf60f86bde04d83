package org.revenant.http.webhook;

import java.util.List;
import org.revenant.avro.AlertEvent;
import org.revenant.avro.SourceHealthEvent;

/**
 * What the {@link WebhookNotifier}'s consumer loop hands alert events to: webhooks over HTTP, or
 * e-mail over SMTP. Every method but {@link #stop()} and {@link #heldFrom} runs on the notifier's
 * delivery thread, one call at a time.
 */
public interface AlertChannel {

    /**
     * Delivers (or queues) the event for each matching subscription and says how each went. Throws
     * only {@link InterruptedException}, when the notifier is closing: the record is not committed
     * and so is delivered again after a restart.
     */
    List<WebhookDispatcher.Delivery> dispatch(AlertEvent event, WebhookDispatcher.Source source)
            throws InterruptedException;

    /**
     * A source's health event (decision 026), for the subscriptions that opted in to its type;
     * a channel without any delivers nothing.
     */
    default List<WebhookDispatcher.Delivery> dispatch(SourceHealthEvent event, WebhookDispatcher.Source source)
            throws InterruptedException {
        return List.of();
    }

    /** Whether any subscription opted in to sources' health events (the notifier then reads their topic too). */
    default boolean wantsSourceHealth() {
        return false;
    }

    /** A record that cannot be read as an alert event: to the DLQ as it is, with where it came from. */
    void undecodable(byte[] key, byte[] value, String reason, WebhookDispatcher.Source source);

    /** The notifier is closing: give up waits and retries. May be called from any thread. */
    void stop();

    /** True when queued work (a digest whose period ended) waits for {@link #flushDue()}. */
    default boolean due() {
        return false;
    }

    /** Sends what {@link #due()} announced and says how each went. */
    default List<WebhookDispatcher.Delivery> flushDue() throws InterruptedException {
        return List.of();
    }

    /**
     * The lowest offset of {@code topic}-{@code partition} whose event was accepted but not yet sent
     * (queued for a digest), or {@link Long#MAX_VALUE}: the notifier commits no further than this, so
     * a restart delivers a queued event again rather than lose it. May be called from any thread.
     */
    default long heldFrom(String topic, int partition) {
        return Long.MAX_VALUE;
    }
}
