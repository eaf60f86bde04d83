package org.revenant.http;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.revenant.avro.AnalystDecision;
import org.revenant.avro.DecisionKind;
import org.revenant.wire.Topic;

/** Writes analyst decisions from the dashboard to the decisions topic, keyed by alert key. */
final class DecisionWriter implements AutoCloseable {

    static final int MAX_NOTE = 2000;

    private final Topic<String, AnalystDecision> topic;
    private final KafkaProducer<String, AnalystDecision> producer;

    DecisionWriter(Properties clientProperties, Topic<String, AnalystDecision> topic) {
        this.topic = Objects.requireNonNull(topic, "topic");
        Properties props = new Properties();
        props.putAll(clientProperties);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "revenant-http-decisions");
        this.producer = new KafkaProducer<>(
                props, topic.keySerde().serializer(), topic.valueSerde().serializer());
    }

    AnalystDecision write(String alertKey, DecisionKind kind, String note, String by) throws InterruptedException {
        return write(alertKey, kind, note, by, null, null, null);
    }

    /** With a takedown request's reference and date, or a suppression's end (all optional). */
    AnalystDecision write(
            String alertKey,
            DecisionKind kind,
            String note,
            String by,
            String reference,
            Instant requestedAt,
            Instant until)
            throws InterruptedException {
        AnalystDecision decision = AnalystDecision.newBuilder()
                .setAlertKey(alertKey)
                .setDecision(kind)
                .setNote(note)
                .setBy(by)
                .setAt(Instant.now())
                .setReference(reference)
                .setRequestedAt(requestedAt)
                .setUntil(until)
                .build();
        try {
            producer.send(new ProducerRecord<>(topic.name(), alertKey, decision))
                    .get(15, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot write the decision to " + topic.name() + ": " + e.getMessage(), e);
        }
        return decision;
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
