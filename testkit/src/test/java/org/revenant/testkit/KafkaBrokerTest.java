package org.revenant.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

@Tag("broker")
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class KafkaBrokerTest {

    @RegisterExtension
    static final KafkaBroker KAFKA = new KafkaBroker();

    private static final Duration READ_DEADLINE = Duration.ofSeconds(30);

    @Test
    void producedRecordsAreConsumed() throws Exception {
        String prefix = KafkaBroker.uniquePrefix("round-trip");
        String topic = prefix + ".in";
        KAFKA.createTopic(topic, 1, Map.of());

        try (var producer =
                new KafkaProducer<>(KAFKA.producerProperties(), new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(topic, "k1", "v1")).get();
            producer.send(new ProducerRecord<>(topic, "k2", "v2")).get();
        }

        List<String> read = readValues(KAFKA.consumerProperties(prefix), topic, 2);
        assertEquals(List.of("v1", "v2"), read);
    }

    @Test
    void abortedTransactionIsInvisibleToReadCommittedConsumer() {
        String prefix = KafkaBroker.uniquePrefix("txn");
        String topic = prefix + ".in";
        KAFKA.createTopic(topic, 1, Map.of());

        try (var producer = new KafkaProducer<>(
                KAFKA.transactionalProducerProperties(prefix), new StringSerializer(), new StringSerializer())) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, "k", "aborted"));
            producer.flush();
            producer.abortTransaction();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, "k", "committed"));
            producer.commitTransaction();
        }

        // The uncommitted view proves the aborted record really reached the log ...
        Properties uncommitted = KAFKA.consumerProperties(prefix + "-uncommitted");
        uncommitted.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted");
        assertEquals(List.of("aborted", "committed"), readValues(uncommitted, topic, 2));
        // ... and the committed view hides it.
        assertEquals(List.of("committed"), readValues(KAFKA.consumerProperties(prefix), topic, 1));
    }

    @Test
    void exactlyOnceStreamsAppTransformsRecords() throws Exception {
        String prefix = KafkaBroker.uniquePrefix("eos");
        String input = prefix + ".in";
        String output = prefix + ".out";
        KAFKA.createTopic(input, 1, Map.of());
        KAFKA.createTopic(output, 1, Map.of());

        StreamsBuilder builder = new StreamsBuilder();
        builder.stream(input, Consumed.with(Serdes.String(), Serdes.String()).withName("read-input"))
                .mapValues(value -> value.toUpperCase(), Named.as("upper-case"))
                .to(output, Produced.with(Serdes.String(), Serdes.String()).withName("write-output"));

        Properties streamsProps = KAFKA.streamsProperties(prefix);
        assertEquals("exactly_once_v2", streamsProps.get("processing.guarantee"));
        try (KafkaStreams streams = new KafkaStreams(builder.build(), streamsProps)) {
            streams.start();
            try (var producer =
                    new KafkaProducer<>(KAFKA.producerProperties(), new StringSerializer(), new StringSerializer())) {
                producer.send(new ProducerRecord<>(input, "k", "reappeared")).get();
                producer.send(new ProducerRecord<>(input, "k", "resolved")).get();
            }
            List<String> read = readValues(KAFKA.consumerProperties(prefix + "-reader"), output, 2);
            assertEquals(List.of("REAPPEARED", "RESOLVED"), read);
            assertEquals(KafkaStreams.State.RUNNING, streams.state());
        }
    }

    @Test
    void adminParameterIsTheSharedClientOfTheCluster(Admin admin, KafkaBroker injected) throws Exception {
        String topic = KafkaBroker.uniquePrefix("param") + ".topic";
        injected.createTopic(topic, 2, Map.of("cleanup.policy", "compact"));
        assertTrue(admin.listTopics().names().get().contains(topic));
        assertEquals(injected.bootstrapServers(), KAFKA.bootstrapServers());
    }

    @Test
    void uniquePrefixesDifferAndAreLegalTopicNames() {
        String first = KafkaBroker.uniquePrefix("Alert State");
        String second = KafkaBroker.uniquePrefix("Alert State");
        assertNotEquals(first, second);
        assertTrue(first.matches("[a-z0-9._-]+"), first);
        assertTrue(first.startsWith("alert-state-"), first);
    }

    /** Reads from the beginning until {@code expected} values arrived or the deadline passed. */
    private static List<String> readValues(Properties props, String topic, int expected) {
        List<String> values = new ArrayList<>();
        long deadline = System.nanoTime() + READ_DEADLINE.toNanos();
        try (var consumer = new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            while (values.size() < expected && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    values.add(record.value());
                }
            }
            // One more short poll so an unexpected extra record would be caught.
            consumer.poll(Duration.ofMillis(300)).forEach(record -> values.add(record.value()));
        }
        return values;
    }
}
