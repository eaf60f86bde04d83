package org.revenant.cli.broker;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Properties;
import java.util.stream.Stream;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The broker's data directory: formatted once (new cluster id, written by Kafka's own formatter
 * into {@code meta.properties}), then reused as is so topics and records survive restarts.
 */
final class BrokerStorage {

    private static final Logger LOG = LoggerFactory.getLogger(BrokerStorage.class);
    static final String META_PROPERTIES = "meta.properties";
    /** Held by the running broker; Kafka ignores plain files in a log dir. */
    static final String LOCK_FILE = ".revenant-broker.lock";

    private BrokerStorage() {}

    /**
     * Makes sure {@code dataDir} is usable by node {@code nodeId}, formatting it if it is new or
     * empty, and returns its cluster id.
     *
     * @throws BrokerStartException with a one-line reason when the directory cannot be used
     */
    static String prepare(Path dataDir, int nodeId, String controllerListenerName) {
        Path metaFile = dataDir.resolve(META_PROPERTIES);
        if (Files.exists(metaFile)) {
            return verify(dataDir, metaFile, nodeId);
        }
        if (!isEmpty(dataDir)) {
            // Formatting writes into the directory; never do that to files we did not create.
            throw new BrokerStartException("data dir " + dataDir + " is not empty and has no " + META_PROPERTIES
                    + "; it does not belong to a Revenant broker (use an empty or new directory)");
        }
        return format(dataDir, nodeId, controllerListenerName);
    }

    /**
     * Creates {@code dataDir} if needed and locks it for this process. A second broker on the
     * same directory, in this JVM or another, must be refused before Kafka touches anything:
     * a half-started second server in the same JVM leaves the first unable to shut down.
     */
    static FileLock lock(Path dataDir) {
        try {
            Files.createDirectories(dataDir);
        } catch (IOException e) {
            throw new BrokerStartException("cannot create data dir " + dataDir + ": " + e.getMessage(), e);
        }
        if (!Files.isDirectory(dataDir) || !Files.isWritable(dataDir)) {
            throw new BrokerStartException("data dir " + dataDir + " is not a writable directory");
        }
        FileChannel channel = null;
        try {
            channel = FileChannel.open(dataDir.resolve(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock = channel.tryLock();
            if (lock == null) {
                throw inUse(dataDir, null);
            }
            return lock;
        } catch (OverlappingFileLockException e) {
            closeQuietly(channel);
            throw inUse(dataDir, e);
        } catch (IOException e) {
            closeQuietly(channel);
            throw new BrokerStartException("cannot lock data dir " + dataDir + ": " + e.getMessage(), e);
        } catch (BrokerStartException e) {
            closeQuietly(channel);
            throw e;
        }
    }

    /** Releases the lock taken by {@link #lock(Path)}. */
    static void unlock(FileLock lock) {
        closeQuietly(lock.channel());
    }

    private static BrokerStartException inUse(Path dataDir, Throwable cause) {
        return new BrokerStartException("data dir " + dataDir + " is in use by another running broker", cause);
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel == null) {
            return;
        }
        try {
            channel.close();
        } catch (IOException e) {
            LOG.debug("Ignoring failure to close the lock file", e);
        }
    }

    private static String verify(Path dataDir, Path metaFile, int nodeId) {
        Properties meta = new Properties();
        try (InputStream in = Files.newInputStream(metaFile)) {
            meta.load(in);
        } catch (IOException e) {
            throw new BrokerStartException("cannot read " + metaFile + ": " + e.getMessage(), e);
        }
        String clusterId = meta.getProperty("cluster.id");
        String storedNode = meta.getProperty("node.id");
        if (clusterId == null || storedNode == null) {
            throw new BrokerStartException(metaFile + " has no cluster.id or node.id; data dir " + dataDir
                    + " was not formatted by a KRaft broker");
        }
        if (!storedNode.trim().equals(Integer.toString(nodeId))) {
            throw new BrokerStartException("data dir " + dataDir + " belongs to another Kafka cluster (cluster "
                    + clusterId + ", node " + storedNode.trim() + "); the Revenant broker is node " + nodeId);
        }
        LOG.debug("Reusing data dir {} of cluster {}", dataDir, clusterId);
        return clusterId;
    }

    private static String format(Path dataDir, int nodeId, String controllerListenerName) {
        String clusterId = Uuid.randomUuid().toString();
        String dir = dataDir.toString();
        try {
            new Formatter()
                    .setPrintStream(new PrintStream(OutputStream.nullOutputStream(), false, StandardCharsets.UTF_8))
                    .setNodeId(nodeId)
                    .setClusterId(clusterId)
                    .addDirectory(dir)
                    .setMetadataLogDirectory(dir)
                    .setControllerListenerName(controllerListenerName)
                    .setReleaseVersion(MetadataVersion.latestProduction())
                    .run();
        } catch (Exception e) {
            throw new BrokerStartException("cannot format data dir " + dataDir + ": " + e.getMessage(), e);
        }
        LOG.info("Formatted new Kafka data dir {} (cluster id {})", dataDir, clusterId);
        return clusterId;
    }

    private static boolean isEmpty(Path dir) {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.noneMatch(entry -> !entry.getFileName().toString().equals(LOCK_FILE));
        } catch (IOException e) {
            throw new BrokerStartException("cannot list data dir " + dir + ": " + e.getMessage(), e);
        }
    }
}
