package org.revenant.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.revenant.cli.broker.EmbeddedBroker;
import org.revenant.wire.TopicSetup;
import org.revenant.wire.Topics;

/** The embedded broker of `broker` and `standalone`, with Revenant's topics created on it. */
final class LocalKafka implements AutoCloseable {

    static final int PARTITIONS = 3;

    private final EmbeddedBroker broker;
    private final Topics topics;

    private LocalKafka(EmbeddedBroker broker, Topics topics) {
        this.broker = broker;
        this.topics = topics;
    }

    static LocalKafka start(BrokerCommand.BrokerOptions options, PrintWriter out) throws Exception {
        out.printf(
                "starting Kafka (KRaft) on localhost:%d, data in %s ...%n",
                options.kafkaPort, options.dataDir.toAbsolutePath());
        out.flush();
        EmbeddedBroker broker = EmbeddedBroker.start(options.dataDir.resolve("kafka"), options.kafkaPort);
        LocalKafka kafka = new LocalKafka(broker, new Topics(options.topicPrefix));
        try (Admin admin = Admin.create(kafka.clientProperties())) {
            List<String> created = TopicSetup.ensure(admin, kafka.topics, PARTITIONS, (short) 1);
            if (!created.isEmpty()) {
                out.printf("created topics: %s%n", String.join(", ", created));
            }
        } catch (Exception e) {
            broker.close();
            throw e;
        }
        return kafka;
    }

    String bootstrapServers() {
        return broker.bootstrapServers();
    }

    Topics topics() {
        return topics;
    }

    Properties clientProperties() {
        Properties props = new Properties();
        props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        return props;
    }

    @Override
    public void close() {
        broker.close();
    }
}
