package org.revenant.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension giving a test a real Kafka cluster.
 *
 * <p>By default one in-JVM KRaft node (broker and controller combined) is started for the whole
 * test JVM and shared by every test class; it is stopped when JUnit finishes. When the
 * environment variable {@value #BOOTSTRAP_ENV} is set, that external cluster is used instead and
 * nothing is started. Tests keep apart by naming everything with {@link #uniquePrefix(String)}.
 *
 * <pre>{@code
 * @Tag("broker")
 * @Timeout(60)
 * class SomethingIT {
 *     @RegisterExtension
 *     static final KafkaBroker KAFKA = new KafkaBroker();
 *
 *     @Test
 *     void roundTrip() {
 *         String topic = KAFKA.uniquePrefix("round-trip") + ".in";
 *         KAFKA.createTopic(topic, 1, Map.of());
 *         try (var producer = new KafkaProducer<>(KAFKA.producerProperties(), ...)) { ... }
 *     }
 * }
 * }</pre>
 *
 * It also works as {@code @ExtendWith(KafkaBroker.class)}, with a {@code KafkaBroker} or an
 * {@link Admin} parameter injected into test and lifecycle methods.
 */
public final class KafkaBroker implements BeforeAllCallback, ParameterResolver {

    /** Environment variable naming an external cluster; when set, no node is started. */
    public static final String BOOTSTRAP_ENV = "KAFKA_BOOTSTRAP_SERVERS";

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(KafkaBroker.class);
    private static final AtomicLong PREFIX_COUNTER = new AtomicLong();
    private static final long ADMIN_TIMEOUT_SECONDS = 30;

    private final boolean inContainer;
    private volatile RunningCluster cluster;

    /** The in-JVM node, or the external cluster of {@value #BOOTSTRAP_ENV}. */
    public KafkaBroker() {
        this(false);
    }

    private KafkaBroker(boolean inContainer) {
        this.inContainer = inContainer;
    }

    /**
     * A broker in a Docker container (Testcontainers' {@code KafkaContainer}, image
     * {@code KAFKA_IMAGE} or {@code apache/kafka}), shared by the classes of the JVM that ask for
     * one. Without a Docker engine the class is skipped, or fails when
     * {@value DockerEngine#REQUIRE_ENV} is {@code true}.
     */
    public static KafkaBroker inContainer() {
        return new KafkaBroker(true);
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        // The root store outlives every test class, so all classes of the JVM share one node,
        // and JUnit closes it (AutoCloseable) when the whole run ends.
        cluster = context.getRoot()
                .getStore(NAMESPACE)
                .getOrComputeIfAbsent(
                        inContainer ? "container" : "embedded-or-external",
                        key -> inContainer
                                ? RunningCluster.startContainer()
                                : RunningCluster.startOrConnect(System.getenv(BOOTSTRAP_ENV)),
                        RunningCluster.class);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == KafkaBroker.class || type == Admin.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == Admin.class ? admin() : this;
    }

    /** {@code host:port} list of the cluster. */
    public String bootstrapServers() {
        return running().bootstrapServers();
    }

    /** True when this JVM started the node itself, false for an external cluster. */
    public boolean isEmbedded() {
        return running().isEmbedded();
    }

    /** An admin client shared by all tests of the JVM; do not close it. */
    public Admin admin() {
        return running().admin();
    }

    /** A fresh set of properties with only the bootstrap servers. */
    public Properties adminProperties() {
        Properties props = new Properties();
        props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        return props;
    }

    /** Idempotent producer, {@code acks=all}; serializers are passed to the constructor. */
    public Properties producerProperties() {
        Properties props = adminProperties();
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        props.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        return props;
    }

    /** {@link #producerProperties()} plus a transactional id. */
    public Properties transactionalProducerProperties(String transactionalId) {
        Properties props = producerProperties();
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, requireText(transactionalId, "transactionalId"));
        return props;
    }

    /**
     * A consumer that reads from the beginning, sees only committed records and never commits
     * offsets behind the test's back.
     */
    public Properties consumerProperties(String groupId) {
        Properties props = adminProperties();
        props.put(ConsumerConfig.GROUP_ID_CONFIG, requireText(groupId, "groupId"));
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        return props;
    }

    /**
     * Kafka Streams settings for one test: exactly-once v2, a short commit interval so results
     * show up quickly, and a fresh state directory. Keys are spelled out so the testkit does not
     * force kafka-streams onto every module that uses it.
     */
    public Properties streamsProperties(String applicationId) {
        Properties props = adminProperties();
        props.put("application.id", requireText(applicationId, "applicationId"));
        props.put("processing.guarantee", "exactly_once_v2");
        props.put("commit.interval.ms", "100");
        props.put("statestore.cache.max.bytes", "0");
        try {
            Path stateDir = Files.createTempDirectory(running().scratchDirectory(), "streams-");
            props.put("state.dir", stateDir.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a Kafka Streams state directory", e);
        }
        return props;
    }

    /**
     * A name no other test (in this JVM or another one sharing an external cluster) will use,
     * e.g. {@code alerts-7-3f9a1c2e}. Use it as application id, group id, transactional id, and
     * as the stem of topic names ({@code prefix + ".snapshots"}).
     */
    public static String uniquePrefix(String label) {
        String stem = requireText(label, "label").toLowerCase().replaceAll("[^a-z0-9._-]", "-");
        String random = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
        return stem + "-" + PREFIX_COUNTER.incrementAndGet() + "-" + random;
    }

    /**
     * Reads the topic from its start (committed records only) until {@code done} says what was
     * read is enough, failing after 90 s with how much had come.
     */
    public List<ConsumerRecord<String, byte[]>> readUntil(
            String topic, String group, Predicate<List<ConsumerRecord<String, byte[]>>> done) {
        List<ConsumerRecord<String, byte[]>> seen = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer =
                new KafkaConsumer<>(consumerProperties(group), new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            while (!done.test(seen)) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("only " + seen.size() + " record(s) on " + topic);
                }
                consumer.poll(Duration.ofMillis(200)).forEach(seen::add);
            }
        }
        return seen;
    }

    /**
     * Creates a topic with a replication factor of 1 and waits until the broker confirms it and
     * lists it (on a loaded machine the listing can lag the creation).
     */
    public void createTopic(String name, int partitions, Map<String, String> configs) {
        NewTopic topic = new NewTopic(requireText(name, "name"), partitions, (short) 1)
                .configs(Objects.requireNonNull(configs, "configs"));
        try {
            admin().createTopics(List.of(topic)).all().get(ADMIN_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(ADMIN_TIMEOUT_SECONDS);
            while (!admin().listTopics()
                    .names()
                    .get(ADMIN_TIMEOUT_SECONDS, TimeUnit.SECONDS)
                    .contains(name)) {
                if (System.nanoTime() > deadline) {
                    throw new TimeoutException("topic " + name + " created but not listed");
                }
                Thread.sleep(50);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topic " + name, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot create topic " + name + ": " + e.getMessage(), e);
        }
    }

    private RunningCluster running() {
        RunningCluster current = cluster;
        if (current == null) {
            throw new IllegalStateException(
                    "KafkaBroker is not started: register it with @RegisterExtension on a static field "
                            + "or @ExtendWith, and use it from tests or @BeforeAll/@BeforeEach methods");
        }
        return current;
    }

    private static String requireText(String value, String what) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(what + " must not be blank");
        }
        return value;
    }
}
