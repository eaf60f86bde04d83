package org.revenant.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.KafkaException;
import org.revenant.wire.Topics;
import picocli.CommandLine.Option;

/** The options every command that talks to Kafka shares (architecture section 9). */
public final class KafkaOptions {

    @Option(
            names = "--bootstrap-servers",
            paramLabel = "HOST:PORT[,...]",
            description = "Kafka brokers (env KAFKA_BOOTSTRAP_SERVERS; default ${DEFAULT-VALUE}).",
            defaultValue = "${env:KAFKA_BOOTSTRAP_SERVERS:-localhost:9092}")
    String bootstrapServers;

    @Option(
            names = "--command-config",
            paramLabel = "FILE",
            description = "Kafka client properties (e.g. SASL/SSL settings), as Kafka's own tools take them.")
    Path commandConfig;

    @Option(
            names = "--topic-prefix",
            paramLabel = "PREFIX",
            defaultValue = Topics.DEFAULT_PREFIX,
            description = "Prefix of every Revenant topic (default ${DEFAULT-VALUE}).")
    String topicPrefix;

    /** How long a one-shot command waits for Kafka to answer before it says it cannot reach it. */
    static final Duration REACH_TIMEOUT = Duration.ofSeconds(5);
    /** The client id of the check; log4j2.xml drops its warnings, as the command reports the outcome in one line. */
    static final String REACH_CHECK_CLIENT = "revenant-reach-check";

    private boolean reached;

    public Topics topics() {
        return new Topics(topicPrefix);
    }

    /** Client properties: the command config file first, then the bootstrap servers. */
    public Properties clientProperties() {
        Properties props = new Properties();
        if (commandConfig != null) {
            try (InputStream in = Files.newInputStream(commandConfig)) {
                props.load(in);
            } catch (IOException e) {
                throw new UserError("cannot read command config " + commandConfig + ": " + e.getMessage());
            }
        }
        props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        return props;
    }

    /**
     * The client properties, once Kafka has answered: a one-shot command that cannot reach its
     * brokers stops within {@link #REACH_TIMEOUT} with one line naming them, instead of waiting out
     * the clients' own 60 s timeouts. Checked once per process.
     */
    public Properties reachableClientProperties() {
        Properties props = clientProperties();
        if (!reached) {
            requireReachable(props, bootstrapServers, REACH_TIMEOUT);
            reached = true;
        }
        return props;
    }

    static void requireReachable(Properties clientProperties, String servers, Duration timeout) {
        Properties props = new Properties();
        props.putAll(clientProperties);
        int millis = (int) timeout.toMillis();
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, millis);
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, millis);
        props.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 1000);
        props.put(
                AdminClientConfig.CLIENT_ID_CONFIG,
                REACH_CHECK_CLIENT); // its connection warnings are not shown: we report the outcome
        Admin admin;
        try {
            admin = Admin.create(props);
        } catch (KafkaException e) {
            throw new UserError("cannot use the Kafka client settings for " + servers + ": " + rootMessage(e), e);
        }
        try {
            admin.describeCluster(new DescribeClusterOptions().timeoutMs(millis + 1000))
                    .clusterId()
                    .get(millis, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof org.apache.kafka.common.errors.TimeoutException) {
                throw new UserError(unreachable(servers, timeout), e);
            }
            throw new UserError(unreachable(servers, timeout) + ": " + rootMessage(e.getCause()), e);
        } catch (TimeoutException e) {
            throw new UserError(unreachable(servers, timeout), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UserError("interrupted while reaching Kafka at " + servers, e);
        } finally {
            admin.close(Duration.ZERO);
        }
    }

    private static String unreachable(String servers, Duration timeout) {
        return "cannot reach Kafka at " + servers + " within " + timeout.toSeconds()
                + " s (is the broker running? set --bootstrap-servers or KAFKA_BOOTSTRAP_SERVERS)";
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        return message.lines().findFirst().orElse("");
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** Used by standalone mode, which knows where its own broker listens. */
    void useBootstrapServers(String servers) {
        this.bootstrapServers = servers;
    }
}
