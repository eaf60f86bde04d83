package org.revenant.cli.broker;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real, persistent single-node Kafka broker (KRaft, broker and controller in one process) for
 * {@code revenant broker} and {@code revenant standalone}.
 *
 * <p>Clients connect to {@code localhost:<kafkaPort>} (PLAINTEXT). The controller listener is
 * internal to the process: it binds {@code localhost} on a free port chosen at each start (or
 * the one given), and because the quorum is static ({@code controller.quorum.voters}) that port
 * may differ from one start to the next. The data dir is formatted on first start and reused
 * afterwards, so topics and records survive restarts.
 *
 * <pre>{@code
 * try (EmbeddedBroker broker = EmbeddedBroker.start(Path.of("data/kafka"), 9092)) {
 *     System.out.println("Kafka at " + broker.bootstrapServers());
 *     ...
 * }
 * }</pre>
 */
public final class EmbeddedBroker implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedBroker.class);

    /** The node id of the only node; kept in meta.properties, so it must never change. */
    static final int NODE_ID = 1;

    static final String HOST = "localhost";
    static final String CONTROLLER_LISTENER = "CONTROLLER";
    static final String CLIENT_LISTENER = "PLAINTEXT";

    /**
     * One node: every internal topic has one replica, transactions (exactly_once_v2) need only
     * that replica in sync, and consumer groups start without the initial rebalance delay.
     */
    private static final Map<String, String> SINGLE_NODE_CONFIG = Map.ofEntries(
            Map.entry("offsets.topic.replication.factor", "1"),
            Map.entry("transaction.state.log.replication.factor", "1"),
            Map.entry("transaction.state.log.min.isr", "1"),
            Map.entry("share.coordinator.state.topic.replication.factor", "1"),
            Map.entry("share.coordinator.state.topic.min.isr", "1"),
            Map.entry("group.initial.rebalance.delay.ms", "0"),
            Map.entry("default.replication.factor", "1"),
            Map.entry("min.insync.replicas", "1"),
            Map.entry("num.partitions", "1"),
            // Fail instead of waiting forever when the node cannot come up.
            Map.entry("server.max.startup.time.ms", "120000"));

    private final KafkaRaftServer server;
    private final FileLock lock;
    private final Path dataDir;
    private final String clusterId;
    private final int kafkaPort;
    private final int controllerPort;
    private boolean closed;

    private EmbeddedBroker(
            KafkaRaftServer server, FileLock lock, Path dataDir, String clusterId, int kafkaPort, int controllerPort) {
        this.server = server;
        this.lock = lock;
        this.dataDir = dataDir;
        this.clusterId = clusterId;
        this.kafkaPort = kafkaPort;
        this.controllerPort = controllerPort;
    }

    /** Starts the broker on {@code localhost:kafkaPort}, its controller on a free port. */
    public static EmbeddedBroker start(Path dataDir, int kafkaPort) {
        return start(dataDir, kafkaPort, 0);
    }

    /**
     * Starts the broker on {@code localhost:kafkaPort} with its data in {@code dataDir} (a
     * directory the broker owns). {@code controllerPort} 0 picks a free port.
     *
     * @throws BrokerStartException with a one-line message when a port is taken or the data dir
     *                              cannot be used
     */
    public static EmbeddedBroker start(Path dataDir, int kafkaPort, int controllerPort) {
        Path dir = Objects.requireNonNull(dataDir, "dataDir").toAbsolutePath().normalize();
        requirePort(kafkaPort, "kafka port", false);
        requirePort(controllerPort, "controller port", true);
        ensurePortFree(
                kafkaPort,
                "Kafka port " + kafkaPort + " on " + HOST
                        + " is already in use (another broker running? choose another with --kafka-port)");
        int cport = controllerPort == 0 ? freePort() : controllerPort;
        ensurePortFree(cport, "controller port " + cport + " on " + HOST + " is already in use");

        long started = System.nanoTime();
        FileLock lock = BrokerStorage.lock(dir);
        String clusterId;
        KafkaRaftServer server = null;
        try {
            clusterId = BrokerStorage.prepare(dir, NODE_ID, CONTROLLER_LISTENER);
            KafkaConfig config = KafkaConfig.fromProps(serverProperties(dir, kafkaPort, cport), false);
            server = new KafkaRaftServer(config, Time.SYSTEM);
            server.startup();
        } catch (BrokerStartException e) {
            BrokerStorage.unlock(lock);
            throw e;
        } catch (RuntimeException e) {
            stopQuietly(server);
            BrokerStorage.unlock(lock);
            throw new BrokerStartException("cannot start the Kafka broker on " + dir + ": " + oneLine(e), e);
        }
        LOG.info(
                "Kafka broker ready at {}:{} (cluster {}, data in {}) in {} ms",
                HOST,
                kafkaPort,
                clusterId,
                dir,
                Duration.ofNanos(System.nanoTime() - started).toMillis());
        return new EmbeddedBroker(server, lock, dir, clusterId, kafkaPort, cport);
    }

    /** The bootstrap servers clients use: {@code localhost:<kafkaPort>}. */
    public String bootstrapServers() {
        return HOST + ":" + kafkaPort;
    }

    public int kafkaPort() {
        return kafkaPort;
    }

    /** The port of the internal controller listener for this run. */
    public int controllerPort() {
        return controllerPort;
    }

    /** The cluster id generated when the data dir was formatted. */
    public String clusterId() {
        return clusterId;
    }

    public Path dataDir() {
        return dataDir;
    }

    /**
     * Controlled shutdown: the broker hands back its partitions, flushes and closes its logs
     * (writing the clean-shutdown marker, so the next start skips log recovery), then the
     * controller stops. Returns when everything has stopped. Calling it again does nothing.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        long started = System.nanoTime();
        try {
            server.shutdown();
            server.awaitShutdown();
        } finally {
            BrokerStorage.unlock(lock);
        }
        LOG.info(
                "Kafka broker stopped in {} ms",
                Duration.ofNanos(System.nanoTime() - started).toMillis());
    }

    static Properties serverProperties(Path dataDir, int kafkaPort, int controllerPort) {
        Properties props = new Properties();
        props.putAll(SINGLE_NODE_CONFIG);
        props.put("process.roles", "broker,controller");
        props.put("node.id", Integer.toString(NODE_ID));
        props.put("controller.quorum.voters", NODE_ID + "@" + HOST + ":" + controllerPort);
        props.put("controller.listener.names", CONTROLLER_LISTENER);
        props.put("inter.broker.listener.name", CLIENT_LISTENER);
        props.put(
                "listeners",
                CLIENT_LISTENER + "://" + HOST + ":" + kafkaPort + "," + CONTROLLER_LISTENER + "://" + HOST + ":"
                        + controllerPort);
        props.put("advertised.listeners", CLIENT_LISTENER + "://" + HOST + ":" + kafkaPort);
        props.put(
                "listener.security.protocol.map", CLIENT_LISTENER + ":PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
        props.put("log.dirs", dataDir.toString());
        props.put("metadata.log.dir", dataDir.toString());
        return props;
    }

    private static void requirePort(int port, String what, boolean zeroAllowed) {
        if (port < (zeroAllowed ? 0 : 1) || port > 65535) {
            throw new BrokerStartException(what + " must be between 1 and 65535, got " + port);
        }
    }

    /** Checks up front so the user gets one clear line instead of the broker's fatal-error log. */
    private static void ensurePortFree(int port, String messageWhenTaken) {
        try (ServerSocket probe = new ServerSocket()) {
            probe.setReuseAddress(true);
            probe.bind(new InetSocketAddress(HOST, port));
        } catch (IOException e) {
            throw new BrokerStartException(messageWhenTaken, e);
        }
    }

    private static int freePort() {
        try (ServerSocket probe = new ServerSocket()) {
            probe.bind(new InetSocketAddress(HOST, 0));
            return probe.getLocalPort();
        } catch (IOException e) {
            throw new BrokerStartException("cannot find a free port on " + HOST + ": " + e.getMessage(), e);
        }
    }

    private static void stopQuietly(KafkaRaftServer server) {
        if (server == null) {
            return;
        }
        try {
            server.shutdown();
            server.awaitShutdown();
        } catch (RuntimeException suppressed) {
            LOG.debug("Ignoring failure while stopping a half-started broker", suppressed);
        }
    }

    private static String oneLine(Throwable error) {
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        return message.replaceAll("\\s+", " ").trim();
    }
}
