package org.revenant.http.webhook;

import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a channel (webhooks, e-mail) puts what it could not deliver: the DLQ topic, each record with
 * the channel's headers and where the event came from ({@code topic}, {@code partition},
 * {@code offset}). A DLQ that cannot be written is logged, never thrown: the channel goes on.
 */
public final class DeadLetters {

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetters.class);

    private final Producer<byte[], byte[]> producer;
    private final String topic;
    private final String channel;

    /** @param channel how the log names the channel ({@code webhooks}, {@code email}) */
    public DeadLetters(Producer<byte[], byte[]> producer, String topic, String channel) {
        this.producer = Objects.requireNonNull(producer, "producer");
        this.topic = Objects.requireNonNull(topic, "topic");
        this.channel = Objects.requireNonNull(channel, "channel");
    }

    /** Adds where the event came from. */
    public static void provenance(RecordHeaders headers, WebhookDispatcher.Source source) {
        headers.add("topic", utf8(source.topic()));
        headers.add("partition", utf8(Integer.toString(source.partition())));
        headers.add("offset", utf8(Long.toString(source.offset())));
    }

    /** Writes one record and waits for it (at most 30 s); {@code what} names it in the log if that fails. */
    public void write(String key, byte[] value, RecordHeaders headers, String what) {
        write(key == null ? null : utf8(key), value, headers, what);
    }

    public void write(byte[] key, byte[] value, RecordHeaders headers, String what) {
        try {
            producer.send(new ProducerRecord<>(topic, null, key, value, headers))
                    .get(30, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            LOG.error("{}: cannot write {} to {}: {}", channel, what, topic, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
