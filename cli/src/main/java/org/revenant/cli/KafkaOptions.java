package org.revenant.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.apache.kafka.clients.CommonClientConfigs;
import org.revenant.wire.Topics;
import picocli.CommandLine.Option;

/** The options every command that talks to Kafka shares (architecture section 9). */
public final class KafkaOptions {

    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT[,...]",
            description = "Kafka brokers (env KAFKA_BOOTSTRAP_SERVERS; default ${DEFAULT-VALUE}).",
            defaultValue = "${env:KAFKA_BOOTSTRAP_SERVERS:-localhost:9092}")
    String bootstrapServers;

    @Option(names = "--command-config", paramLabel = "FILE",
            description = "Kafka client properties (e.g. SASL/SSL settings), as Kafka's own tools take them.")
    Path commandConfig;

    @Option(names = "--topic-prefix", paramLabel = "PREFIX", defaultValue = Topics.DEFAULT_PREFIX,
            description = "Prefix of every Revenant topic (default ${DEFAULT-VALUE}).")
    String topicPrefix;

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

    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** Used by standalone mode, which knows where its own broker listens. */
    void useBootstrapServers(String servers) {
        this.bootstrapServers = servers;
    }
}
