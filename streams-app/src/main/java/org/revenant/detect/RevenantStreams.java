package org.revenant.detect;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;
import org.apache.kafka.streams.errors.LogAndContinueProcessingExceptionHandler;
import org.revenant.avro.AlertEvent;
import org.revenant.avro.SnapshotChunk;
import org.revenant.deadletter.KafkaDeadLetters;
import org.revenant.detect.registry.RegistryView;
import org.revenant.detect.tap.DetectionTap;
import org.revenant.health.Components;

/**
 * Runs the detection topology: exactly-once, poison pills to the DLQ, explicit state dir. Reports
 * its health as two components: {@value #STREAMS_COMPONENT} (critical: detection) and
 * {@value #REGISTRY_COMPONENT} (DEGRADED while registry records are left out of the index).
 */
public final class RevenantStreams implements AutoCloseable {

    public static final String DEFAULT_APPLICATION_ID = "revenant-detect";
    public static final String STREAMS_COMPONENT = "streams";
    public static final String REGISTRY_COMPONENT = "registry";

    private final KafkaStreams streams;
    private final RegistryView view = new RegistryView();
    private final DetectConfig config;
    private final String applicationServer;
    private final Components components;
    private final StreamsSupervisor supervisor;
    private final KafkaDeadLetters registryDeadLetters;
    private final AtomicLong deadLetteredChunks = new AtomicLong();
    private final AtomicLong deadLetteredRecords = new AtomicLong();

    private final AtomicLong runningSince = new AtomicLong();

    public RevenantStreams(DetectConfig config, Properties clientProperties, String applicationId, Path stateDir) {
        this(config, clientProperties, applicationId, stateDir, DetectionTap.NONE);
    }

    /**
     * With a tap for metrics. For the HTTP API to answer for all instances, put
     * {@code application.server} (this instance's HTTP host:port) into the client properties.
     */
    public RevenantStreams(
            DetectConfig config, Properties clientProperties, String applicationId, Path stateDir, DetectionTap tap) {
        this(config, clientProperties, applicationId, stateDir, tap, new Components());
    }

    /** Reporting health to the process's components (shared with the HTTP layer's /health). */
    public RevenantStreams(
            DetectConfig config,
            Properties clientProperties,
            String applicationId,
            Path stateDir,
            DetectionTap tap,
            Components components) {
        this.config = config;
        this.components = Objects.requireNonNull(components, "components");
        Properties props = properties(config, clientProperties, applicationId, stateDir);
        this.applicationServer = props.getProperty(StreamsConfig.APPLICATION_SERVER_CONFIG);
        this.supervisor = new StreamsSupervisor(
                components.register(STREAMS_COMPONENT, true),
                components.register(REGISTRY_COMPONENT, false),
                System::nanoTime);
        view.onSwap(supervisor::registryIndexed);
        this.registryDeadLetters = new KafkaDeadLetters(clientProperties);
        this.streams =
                new KafkaStreams(RevenantTopology.build(config, view, counting(tap), registryDeadLetters), props);
        streams.setStateListener((now, before) -> {
            if (now == KafkaStreams.State.RUNNING) {
                runningSince.compareAndSet(0, System.nanoTime());
            }
            supervisor.onChange(now, before);
        });
        streams.setUncaughtExceptionHandler(supervisor);
    }

    /** The tap, with the dead-letter counts this class exposes added in front. */
    private DetectionTap counting(DetectionTap tap) {
        String snapshots = config.topics().snapshots.name();
        return new DetectionTap() {
            @Override
            public void chunk(SnapshotChunk chunk) {
                tap.chunk(chunk);
            }

            @Override
            public void alert(AlertEvent event) {
                tap.alert(event);
            }

            @Override
            public void registryRecordSkipped(String key, String reason) {
                tap.registryRecordSkipped(key, reason);
            }

            @Override
            public void deadLettered(String sourceTopic, String reason) {
                deadLetteredRecords.incrementAndGet();
                if (snapshots.equals(sourceTopic)) {
                    deadLetteredChunks.incrementAndGet();
                }
                tap.deadLettered(sourceTopic, reason);
            }
        };
    }

    public static Properties properties(
            DetectConfig config, Properties clientProperties, String applicationId, Path stateDir) {
        // Tuning defaults first: the caller's client properties may override them.
        Properties props = tuning();
        props.putAll(clientProperties);
        // What Revenant's correctness depends on is not overridable.
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toAbsolutePath().toString());
        props.put(
                StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG,
                config.topics().dlq.name());
        props.put(
                StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG,
                LogAndContinueExceptionHandler.class.getName());
        props.put(
                StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG,
                LogAndContinueProcessingExceptionHandler.class.getName());
        return props;
    }

    /**
     * The client tuning Revenant runs with unless told otherwise; the bench gives its pass-through
     * baseline the same, so the two pay the same transaction and transfer costs.
     */
    public static Properties tuning() {
        Properties props = new Properties();
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
        props.put(StreamsConfig.consumerPrefix(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG), 4 * 1024 * 1024);
        props.put(StreamsConfig.producerPrefix(ProducerConfig.MAX_REQUEST_SIZE_CONFIG), 4 * 1024 * 1024);
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

    /**
     * {@link System#nanoTime()} when the app was first RUNNING, taken on the thread that made it
     * so (the bench times from it), or 0 before that.
     */
    public long runningSinceNanos() {
        return runningSince.get();
    }

    public KafkaStreams kafkaStreams() {
        return streams;
    }

    /** The health components this instance reports to ({@value #STREAMS_COMPONENT}, {@value #REGISTRY_COMPONENT}). */
    public Components components() {
        return components;
    }

    /** Registry records currently left out of the index (invalid, or not indexable). */
    public int skippedRegistryRecords() {
        return view.current().skipped().size();
    }

    /** Snapshot chunks rejected to the dead-letter topic since start. */
    public long deadLetteredChunks() {
        return deadLetteredChunks.get();
    }

    /** Records of any input rejected to the dead-letter topic since start (chunks, decisions, registry). */
    public long deadLetteredRecords() {
        return deadLetteredRecords.get();
    }

    /** Stream threads replaced after an uncaught exception since start. */
    public long threadReplacements() {
        return supervisor.replacements();
    }

    public void start() {
        streams.start();
    }

    /** Leaves the group on close, so a restarted or remaining instance takes over at once. */
    @Override
    public void close() {
        supervisor.closing();
        try {
            streams.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                    .withTimeout(Duration.ofSeconds(30)));
        } finally {
            registryDeadLetters.close();
            // Closed on purpose: not a failed component.
            components.remove(STREAMS_COMPONENT);
            components.remove(REGISTRY_COMPONENT);
        }
    }
}
