package org.revenant.testkit;

import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.PortBinding;
import com.github.dockerjava.api.model.Ports;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.stream.Stream;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.common.utils.AppInfoParser;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * The cluster a test JVM talks to: one in-JVM KRaft node started here, an external cluster named
 * by {@code KAFKA_BOOTSTRAP_SERVERS}, or a broker in a Docker container (Testcontainers'
 * {@link KafkaContainer}). Lives in JUnit's root store, so JUnit closes it once, after the last
 * test class of the JVM.
 */
final class RunningCluster implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RunningCluster.class);

    /**
     * Single-node settings: internal topics with one replica, no initial rebalance delay, and
     * few partitions so the first transactional producer or consumer group starts quickly.
     */
    static final Map<String, String> SINGLE_NODE_CONFIG = Map.ofEntries(
            Map.entry("offsets.topic.replication.factor", "1"),
            Map.entry("offsets.topic.num.partitions", "3"),
            Map.entry("transaction.state.log.replication.factor", "1"),
            Map.entry("transaction.state.log.min.isr", "1"),
            Map.entry("transaction.state.log.num.partitions", "3"),
            Map.entry("share.coordinator.state.topic.replication.factor", "1"),
            Map.entry("share.coordinator.state.topic.min.isr", "1"),
            Map.entry("group.initial.rebalance.delay.ms", "0"),
            Map.entry("default.replication.factor", "1"),
            Map.entry("min.insync.replicas", "1"),
            Map.entry("num.partitions", "1"));

    private final String bootstrapServers;
    /** Variable naming the Kafka image of the container tier (default apache/kafka at the client's version). */
    static final String KAFKA_IMAGE_ENV = "KAFKA_IMAGE";

    private final KafkaClusterTestKit embedded;
    private final KafkaContainer container;
    private final Admin admin;
    private Path scratchDirectory;

    private RunningCluster(String bootstrapServers, KafkaClusterTestKit embedded, KafkaContainer container) {
        this.bootstrapServers = Objects.requireNonNull(bootstrapServers, "bootstrapServers");
        this.embedded = embedded;
        this.container = container;
        Properties adminProps = new Properties();
        adminProps.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        this.admin = Admin.create(adminProps);
    }

    /** Uses {@code externalBootstrap} when it is set and not blank, otherwise starts a node. */
    static RunningCluster startOrConnect(String externalBootstrap) {
        if (externalBootstrap != null && !externalBootstrap.isBlank()) {
            LOG.info("Using external Kafka cluster at {}", externalBootstrap);
            return new RunningCluster(externalBootstrap.trim(), null, null);
        }
        return startEmbedded();
    }

    private static RunningCluster startEmbedded() {
        long started = System.nanoTime();
        KafkaClusterTestKit cluster = null;
        try {
            TestKitNodes nodes = new TestKitNodes.Builder()
                    .setCombined(true)
                    .setNumBrokerNodes(1)
                    .setNumControllerNodes(1)
                    // The testkit defaults to the newest, unreleased metadata version; tests should
                    // see what a released broker runs.
                    .setBootstrapMetadataVersion(MetadataVersion.latestProduction())
                    .build();
            KafkaClusterTestKit.Builder builder = new KafkaClusterTestKit.Builder(nodes);
            SINGLE_NODE_CONFIG.forEach(builder::setConfigProp);
            cluster = builder.build();
            cluster.format();
            cluster.startup();
            cluster.waitForReadyBrokers();
            RunningCluster running = new RunningCluster(cluster.bootstrapServers(), cluster, null);
            LOG.info(
                    "Embedded KRaft node ready at {} in {} ms",
                    running.bootstrapServers,
                    Duration.ofNanos(System.nanoTime() - started).toMillis());
            return running;
        } catch (Exception e) {
            closeQuietly(cluster);
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new IllegalStateException("could not start the embedded Kafka node: " + e, e);
        }
    }

    /**
     * Starts one broker in a container of {@code KAFKA_IMAGE} (default {@code apache/kafka} at
     * the version of the Kafka clients), published on 127.0.0.1 only. Skips the calling test
     * when there is no Docker engine (see {@link DockerEngine}).
     */
    static RunningCluster startContainer() {
        DockerEngine.requireOrSkip("the Testcontainers tier");
        String image = DockerEngine.image(KAFKA_IMAGE_ENV, "apache/kafka:" + AppInfoParser.getVersion());
        long started = System.nanoTime();
        KafkaContainer container = new KafkaContainer(
                        DockerImageName.parse(image).asCompatibleSubstituteFor("apache/kafka"))
                .withStartupTimeout(Duration.ofMinutes(3))
                // A random port on the loopback interface only, never on the machine's other addresses.
                .withCreateContainerCmdModifier(cmd -> cmd.getHostConfig()
                        .withPortBindings(new PortBinding(Ports.Binding.bindIp("127.0.0.1"), ExposedPort.tcp(9092))));
        SINGLE_NODE_CONFIG.forEach((key, value) ->
                container.withEnv("KAFKA_" + key.toUpperCase(Locale.ROOT).replace('.', '_'), value));
        try {
            container.start();
        } catch (RuntimeException e) {
            container.stop();
            throw new IllegalStateException(
                    "could not start a Kafka container from " + image + ": " + e.getMessage(), e);
        }
        RunningCluster running = new RunningCluster(container.getBootstrapServers(), null, container);
        LOG.info(
                "Kafka container {} ({}) ready at {} in {} ms",
                container.getContainerId().substring(0, 12),
                image,
                running.bootstrapServers,
                Duration.ofNanos(System.nanoTime() - started).toMillis());
        return running;
    }

    String bootstrapServers() {
        return bootstrapServers;
    }

    boolean isEmbedded() {
        return embedded != null;
    }

    Admin admin() {
        return admin;
    }

    /** A directory for test state (e.g. Kafka Streams state dirs), deleted on close. */
    synchronized Path scratchDirectory() {
        if (scratchDirectory == null) {
            try {
                scratchDirectory = Files.createTempDirectory("revenant-testkit-");
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create a scratch directory for tests", e);
            }
        }
        return scratchDirectory;
    }

    @Override
    public void close() throws Exception {
        admin.close(Duration.ofSeconds(10));
        deleteScratchDirectory();
        if (embedded != null) {
            long started = System.nanoTime();
            embedded.close();
            LOG.info(
                    "Embedded KRaft node stopped in {} ms",
                    Duration.ofNanos(System.nanoTime() - started).toMillis());
        }
        if (container != null) {
            container.stop();
            LOG.info("Kafka container stopped and removed");
        }
    }

    private synchronized void deleteScratchDirectory() {
        if (scratchDirectory == null) {
            return;
        }
        try (Stream<Path> paths = Files.walk(scratchDirectory)) {
            paths.sorted(Comparator.reverseOrder())
                    .forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            LOG.warn("Could not delete test scratch directory {}", scratchDirectory, e);
        }
    }

    private static void closeQuietly(AutoCloseable closeable) {
        if (closeable == null) {
            return;
        }
        try {
            closeable.close();
        } catch (Exception suppressed) {
            LOG.warn("Ignoring failure while cleaning up a half-started node", suppressed);
        }
    }
}
