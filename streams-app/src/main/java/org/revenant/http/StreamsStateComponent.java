package org.revenant.http;

import org.apache.kafka.streams.KafkaStreams;
import org.revenant.health.Component;
import org.revenant.health.Components;

/**
 * Reports the Kafka Streams client's state as the critical component {@value #NAME}, for
 * processes whose streams app does not report itself. A rebalance after the first RUNNING is
 * normal work and keeps the component UP.
 */
public final class StreamsStateComponent {

    public static final String NAME = "streams";

    private final Component component;
    private boolean wasRunning;

    private StreamsStateComponent(Components components) {
        this.component = components.register(NAME, true);
    }

    /** Follows {@code streams} through a state listener; call before {@link KafkaStreams#start()}. */
    public static StreamsStateComponent follow(KafkaStreams streams, Components components) {
        StreamsStateComponent reporter = new StreamsStateComponent(components);
        reporter.update(streams.state());
        streams.setStateListener((now, before) -> reporter.update(now));
        return reporter;
    }

    /** Reads the state when asked (for a client that was started before anyone listened). */
    static StreamsStateComponent polled(Components components) {
        return new StreamsStateComponent(components);
    }

    synchronized void update(KafkaStreams.State state) {
        switch (state) {
            case RUNNING -> {
                wasRunning = true;
                component.up();
            }
            case CREATED -> component.starting("created, not started");
            case REBALANCING -> {
                if (!wasRunning) {
                    component.starting("joining the group and restoring state");
                }
            }
            case PENDING_SHUTDOWN, NOT_RUNNING -> component.down("Kafka Streams stopped (" + state + ")");
            case PENDING_ERROR, ERROR -> component.down("Kafka Streams failed (" + state + "): detection has stopped");
        }
    }
}
