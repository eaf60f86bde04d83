package org.revenant.testkit;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.revenant.wire.Topic;

/**
 * A {@link TopologyTestDriver} reached through the topic catalogue: inputs and outputs are typed
 * by a {@link Topic}'s own name and serdes, so a test never spells a topic name or picks a serde.
 * Closing the harness closes the driver (and its state directory).
 */
public final class TopologyHarness implements AutoCloseable {

    /** Wall-clock and record time start here, so runs are repeatable. */
    public static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

    private final TopologyTestDriver driver;

    /** {@code properties} need at least an application id; a dummy bootstrap server is added if missing. */
    public TopologyHarness(Topology topology, Properties properties) {
        Objects.requireNonNull(topology, "topology");
        Properties props = new Properties();
        props.putAll(Objects.requireNonNull(properties, "properties"));
        props.putIfAbsent(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        this.driver = new TopologyTestDriver(topology, props, START);
    }

    public <K, V> TestInputTopic<K, V> input(Topic<K, V> topic) {
        return driver.createInputTopic(
                topic.name(), topic.keySerde().serializer(), topic.valueSerde().serializer(), START, Duration.ZERO);
    }

    public <K, V> TestOutputTopic<K, V> output(Topic<K, V> topic) {
        return driver.createOutputTopic(
                topic.name(),
                topic.keySerde().deserializer(),
                topic.valueSerde().deserializer());
    }

    public <K, V> KeyValueStore<K, V> store(String name) {
        return driver.getKeyValueStore(name);
    }

    /** Moves wall-clock time, firing wall-clock punctuations that are due. */
    public void advanceWallClock(Duration by) {
        driver.advanceWallClockTime(by);
    }

    /** The driver itself, for what the harness does not wrap. */
    public TopologyTestDriver driver() {
        return driver;
    }

    @Override
    public void close() {
        driver.close();
    }
}
