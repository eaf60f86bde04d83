package org.revenant.deadletter;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.header.Headers;

/**
 * Writes dead-letter records for places Kafka Streams' own dead-letter queue does not reach (the
 * global registry processor has no processing exception handler; the crawlers' plain consumers).
 * The records carry the headers Kafka Streams puts on its own, so every record on the dead-letter
 * topic reads the same way.
 * Implementations never throw: a dead-letter write that fails is logged and dropped.
 */
@FunctionalInterface
public interface DeadLetters {

    /** Header names as Kafka Streams writes them on its dead-letter records. */
    String EXCEPTION = "__streams.errors.exception";

    String MESSAGE = "__streams.errors.message";
    String STACKTRACE = "__streams.errors.stacktrace";
    String TOPIC = "__streams.errors.topic";
    String PARTITION = "__streams.errors.partition";
    String OFFSET = "__streams.errors.offset";

    DeadLetters NONE = record -> {};

    void write(ProducerRecord<byte[], byte[]> record);

    /** A dead-letter record of the source record at {@code topic}-{@code partition}@{@code offset}. */
    static ProducerRecord<byte[], byte[]> record(
            String deadLetterTopic,
            byte[] key,
            byte[] value,
            String topic,
            int partition,
            long offset,
            long timestamp,
            Exception cause) {
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(deadLetterTopic, null, timestamp, key, value);
        Headers headers = record.headers();
        headers.add(EXCEPTION, utf8(cause.getClass().getName()));
        headers.add(MESSAGE, utf8(cause.getMessage()));
        StringWriter trace = new StringWriter();
        cause.printStackTrace(new PrintWriter(trace));
        headers.add(STACKTRACE, utf8(trace.toString()));
        headers.add(TOPIC, utf8(topic));
        headers.add(PARTITION, utf8(String.valueOf(partition)));
        headers.add(OFFSET, utf8(String.valueOf(offset)));
        return record;
    }

    /** A dead-letter record of a record a plain consumer could not deserialize, with its original bytes. */
    static ProducerRecord<byte[], byte[]> undecodable(String deadLetterTopic, RecordDeserializationException e) {
        long timestamp = e.timestamp() >= 0 ? e.timestamp() : System.currentTimeMillis();
        return record(
                deadLetterTopic,
                bytes(e.keyBuffer()),
                bytes(e.valueBuffer()),
                e.topicPartition().topic(),
                e.topicPartition().partition(),
                e.offset(),
                timestamp,
                e);
    }

    private static byte[] bytes(ByteBuffer buffer) {
        if (buffer == null) {
            return null;
        }
        ByteBuffer copy = buffer.duplicate();
        byte[] bytes = new byte[copy.remaining()];
        copy.get(bytes);
        return bytes;
    }

    private static byte[] utf8(String s) {
        return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
    }
}
