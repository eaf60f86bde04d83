package org.revenant.detect;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;
import org.apache.kafka.streams.errors.LogAndContinueProcessingExceptionHandler;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.revenant.detect.registry.RegistryView;
import org.revenant.http.metrics.DetectionTap;

/** Runs the detection topology: exactly-once, poison pills to the DLQ, explicit state dir. */
public final class RevenantStreams implements AutoCloseable {

    public static final String DEFAULT_APPLICATION_ID = "revenant-detect";

    private final KafkaStreams streams;
    private final RegistryView view = new RegistryView();
    private final DetectConfig config;
    private final String applicationServer;

    public RevenantStreams(DetectConfig config, Properties clientProperties, String applicationId, Path stateDir) {
        this(config, clientProperties, applicationId, stateDir, DetectionTap.NONE);
    }

    /**
     * With a tap for metrics. For the HTTP API to answer for all instances, put
     * {@code application.server} (this instance's HTTP host:port) into the client properties.
     */
    public RevenantStreams(DetectConfig config, Properties clientProperties, String applicationId, Path stateDir, DetectionTap tap) {
        this.config = config;
        Properties props = properties(config, clientProperties, applicationId, stateDir);
        this.applicationServer = props.getProperty(StreamsConfig.APPLICATION_SERVER_CONFIG);
        this.streams = new KafkaStreams(RevenantTopology.build(config, view, tap), props);
        streams.setUncaughtExceptionHandler(e -> StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD);
    }

    public static Properties properties(DetectConfig config, Properties clientProperties, String applicationId, Path stateDir) {
        Properties props = new Properties();
        // Tuning defaults first: the caller's client properties may override them.
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
        props.put(StreamsConfig.consumerPrefix(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG), 4 * 1024 * 1024);
        props.put(StreamsConfig.producerPrefix(ProducerConfig.MAX_REQUEST_SIZE_CONFIG), 4 * 1024 * 1024);
        props.putAll(clientProperties);
        // What Revenant's correctness depends on is not overridable.
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toAbsolutePath().toString());
        props.put(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, config.topics().dlq.name());
        props.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, LogAndContinueExceptionHandler.class.getName());
        props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, LogAndContinueProcessingExceptionHandler.class.getName());
        return props;
    }

    public RegistryView registry() {
        return view;
    }

    public DetectConfig config() {
        return config;
    }

    /** This instance's {@code application.server} (host:port of its HTTP API), or null. */
    public String applicationServer() {
        return applicationServer;
    }

    public KafkaStreams kafkaStreams() {
        return streams;
    }

    public void start() {
        streams.start();
    }

    /** Leaves the group on close, so a restarted or remaining instance takes over at once. */
    @Override
    public void close() {
        streams.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                .withTimeout(Duration.ofSeconds(30)));
    }
}
