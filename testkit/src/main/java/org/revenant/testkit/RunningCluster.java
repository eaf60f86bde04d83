package org.revenant.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.stream.Stream;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster a test JVM talks to: either one in-JVM KRaft node started here, or an external
 * cluster named by {@code KAFKA_BOOTSTRAP_SERVERS}. Lives in JUnit's root store, so JUnit closes
 * it once, after the last test class of the JVM.
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
    private final KafkaClusterTestKit embedded;
    private final Admin admin;
    private Path scratchDirectory;

    private RunningCluster(String bootstrapServers, KafkaClusterTestKit embedded) {
        this.bootstrapServers = Objects.requireNonNull(bootstrapServers, "bootstrapServers");
        this.embedded = embedded;
        Properties adminProps = new Properties();
        adminProps.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        this.admin = Admin.create(adminProps);
    }

    /** Uses {@code externalBootstrap} when it is set and not blank, otherwise starts a node. */
    static RunningCluster startOrConnect(String externalBootstrap) {
        if (externalBootstrap != null && !externalBootstrap.isBlank()) {
            LOG.info("Using external Kafka cluster at {}", externalBootstrap);
            return new RunningCluster(externalBootstrap.trim(), null);
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
            RunningCluster running = new RunningCluster(cluster.bootstrapServers(), cluster);
            LOG.info("Embedded KRaft node ready at {} in {} ms", running.bootstrapServers,
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
            LOG.info("Embedded KRaft node stopped in {} ms",
                Duration.ofNanos(System.nanoTime() - started).toMillis());
        }
    }

    private synchronized void deleteScratchDirectory() {
        if (scratchDirectory == null) {
            return;
        }
        try (Stream<Path> paths = Files.walk(scratchDirectory)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
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
