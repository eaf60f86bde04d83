package org.revenant.cli.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Tag("broker")
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class EmbeddedBrokerTest {

    private static final String TOPIC = "registry-under-test";

    @TempDir
    Path tmp;

    @Test
    void restartOnSameDataDirKeepsTopicAndRecordAndRunsTransactions() throws Exception {
        Path dataDir = tmp.resolve("kafka");
        int port = freePort();

        String firstClusterId;
        try (EmbeddedBroker broker = EmbeddedBroker.start(dataDir, port)) {
            firstClusterId = broker.clusterId();
            assertEquals("localhost:" + port, broker.bootstrapServers());
            try (Admin admin = Admin.create(clientProperties(broker))) {
                admin.createTopics(
                                List.of(new NewTopic(TOPIC, 1, (short) 1).configs(Map.of("cleanup.policy", "compact"))))
                        .all()
                        .get();
            }
            try (var producer = producer(clientProperties(broker))) {
                producer.send(new ProducerRecord<>(TOPIC, "ms-celeb-1m", "retracted"))
                        .get();
            }
        }
        assertEquals(firstClusterId, metaProperties(dataDir).getProperty("cluster.id"));

        try (EmbeddedBroker broker = EmbeddedBroker.start(dataDir, port)) {
            assertEquals(firstClusterId, broker.clusterId());
            try (Admin admin = Admin.create(clientProperties(broker))) {
                assertTrue(admin.listTopics().names().get().contains(TOPIC));
                ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, TOPIC);
                Config config =
                        admin.describeConfigs(Set.of(resource)).all().get().get(resource);
                assertEquals("compact", config.get("cleanup.policy").value());
            }
            assertEquals(List.of("ms-celeb-1m=retracted"), readCommitted(broker, TOPIC, 1));

            try (var producer = producer(transactional(clientProperties(broker), "restart-tx"))) {
                producer.initTransactions();
                producer.beginTransaction();
                producer.send(new ProducerRecord<>(TOPIC, "duke-mtmc", "aborted"));
                producer.flush();
                producer.abortTransaction();
                producer.beginTransaction();
                producer.send(new ProducerRecord<>(TOPIC, "megaface", "committed"));
                producer.commitTransaction();
            }
            assertEquals(List.of("ms-celeb-1m=retracted", "megaface=committed"), readCommitted(broker, TOPIC, 2));

            BrokerStartException taken =
                    assertThrows(BrokerStartException.class, () -> EmbeddedBroker.start(tmp.resolve("other"), port));
            assertOneLineMentioning(taken, "already in use");
            BrokerStartException inUse =
                    assertThrows(BrokerStartException.class, () -> EmbeddedBroker.start(dataDir, freePort()));
            assertOneLineMentioning(inUse, "in use by another running broker");
        }
    }

    @Test
    void occupiedPortFailsWithOneClearLineBeforeTouchingTheDataDir() throws Exception {
        Path dataDir = tmp.resolve("kafka");
        try (ServerSocket occupant = new ServerSocket()) {
            occupant.bind(new InetSocketAddress("localhost", 0));
            BrokerStartException error = assertThrows(
                    BrokerStartException.class, () -> EmbeddedBroker.start(dataDir, occupant.getLocalPort()));
            assertOneLineMentioning(error, "Kafka port " + occupant.getLocalPort());
            assertOneLineMentioning(error, "already in use");
        }
        assertFalse(Files.exists(dataDir));
    }

    @Test
    void dataDirOfAnotherNodeIsRefused() throws Exception {
        Path dataDir = Files.createDirectories(tmp.resolve("foreign"));
        Files.writeString(
                dataDir.resolve("meta.properties"), "version=1\ncluster.id=AAAAAAAAAAAAAAAAAAAAAA\nnode.id=7\n");
        BrokerStartException error =
                assertThrows(BrokerStartException.class, () -> EmbeddedBroker.start(dataDir, freePort()));
        assertOneLineMentioning(error, "belongs to another Kafka cluster");
    }

    @Test
    void nonEmptyDirWithoutMetaPropertiesIsNotFormatted() throws Exception {
        Path dataDir = Files.createDirectories(tmp.resolve("photos"));
        Files.writeString(dataDir.resolve("holiday.txt"), "not Kafka data");
        BrokerStartException error =
                assertThrows(BrokerStartException.class, () -> EmbeddedBroker.start(dataDir, freePort()));
        assertOneLineMentioning(error, "is not empty");
        assertFalse(Files.exists(dataDir.resolve("meta.properties")));
    }

    private static void assertOneLineMentioning(BrokerStartException error, String expected) {
        String message = error.getMessage();
        assertTrue(message.contains(expected), message);
        assertFalse(message.contains("\n"), message);
    }

    private static Properties clientProperties(EmbeddedBroker broker) {
        Properties props = new Properties();
        props.put("bootstrap.servers", broker.bootstrapServers());
        return props;
    }

    private static Properties transactional(Properties props, String transactionalId) {
        props.put("transactional.id", transactionalId);
        return props;
    }

    private static KafkaProducer<String, String> producer(Properties props) {
        props.put("acks", "all");
        return new KafkaProducer<>(props, new StringSerializer(), new StringSerializer());
    }

    /** Reads {@code key=value} pairs from the beginning, committed records only. */
    private static List<String> readCommitted(EmbeddedBroker broker, String topic, int expected) {
        Properties props = clientProperties(broker);
        props.put("group.id", "reader-" + System.nanoTime());
        props.put("auto.offset.reset", "earliest");
        props.put("isolation.level", "read_committed");
        props.put("enable.auto.commit", "false");
        List<String> read = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        try (var consumer = new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            while (read.size() < expected && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    read.add(record.key() + "=" + record.value());
                }
            }
            consumer.poll(Duration.ofMillis(300)).forEach(record -> read.add(record.key() + "=" + record.value()));
        }
        return read;
    }

    private static Properties metaProperties(Path dataDir) throws IOException {
        Properties meta = new Properties();
        try (InputStream in = Files.newInputStream(dataDir.resolve("meta.properties"))) {
            meta.load(in);
        }
        return meta;
    }

    private static int freePort() throws IOException {
        try (ServerSocket probe = new ServerSocket()) {
            probe.bind(new InetSocketAddress("localhost", 0));
            return probe.getLocalPort();
        }
    }
}
