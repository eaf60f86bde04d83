package org.revenant.deadletter;

import java.time.Duration;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dead letters through a small producer of its own, opened on the first record (most runs never
 * need it). Not transactional: its users (the registry thread, crawler workers, the checkpoint
 * follower) have no transaction to join.
 */
public final class KafkaDeadLetters implements DeadLetters, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaDeadLetters.class);

    private final Properties clientProperties;
    private KafkaProducer<byte[], byte[]> producer;
    private boolean closed;

    public KafkaDeadLetters(Properties clientProperties) {
        this.clientProperties = new Properties();
        this.clientProperties.putAll(clientProperties);
    }

    @Override
    public synchronized void write(ProducerRecord<byte[], byte[]> record) {
        if (closed) {
            return;
        }
        try {
            if (producer == null) {
                producer = new KafkaProducer<>(
                        producerProperties(clientProperties), new ByteArraySerializer(), new ByteArraySerializer());
            }
            producer.send(record, (metadata, e) -> {
                if (e != null) {
                    LOG.error("cannot write a dead letter to {}: {}", record.topic(), e.toString());
                }
            });
            producer.flush();
        } catch (RuntimeException e) {
            LOG.error("cannot write a dead letter to {}: {}", record.topic(), e.toString());
        }
    }

    static Properties producerProperties(Properties clientProperties) {
        Properties props = new Properties();
        // Only what a producer understands: the streams app's client properties hold streams settings too.
        for (String name : clientProperties.stringPropertyNames()) {
            if (ProducerConfig.configNames().contains(name) || name.startsWith("sasl.") || name.startsWith("ssl.")) {
                props.put(name, clientProperties.getProperty(name));
            }
        }
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        // No caller may hang on an unreachable broker.
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 4 * 1024 * 1024);
        props.remove(ProducerConfig.TRANSACTIONAL_ID_CONFIG);
        return props;
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
        }
    }
}
