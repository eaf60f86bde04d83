package org.revenant.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.streams.KafkaStreams.State;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.junit.jupiter.api.Test;
import org.revenant.avro.RetractedDataset;
import org.revenant.avro.Signature;
import org.revenant.avro.SignatureKind;
import org.revenant.detect.registry.RegistryIndex;
import org.revenant.health.Component;
import org.revenant.health.ComponentState;
import org.revenant.health.Components;

/** What the streams and registry components say as the client moves through its states and threads die. */
class StreamsSupervisorTest {

    private final Components components = new Components();
    private final Component streams = components.register("streams", true);
    private final Component registry = components.register("registry", false);
    private final AtomicLong nanos = new AtomicLong();
    private final List<Long> pauses = new ArrayList<>();
    private final StreamsSupervisor supervisor = new StreamsSupervisor(streams, registry, nanos::get, pauses::add);

    @Test
    void streamsIsStartingWhileRebalancingUpWhenRunningAndDownOnError() {
        supervisor.onChange(State.REBALANCING, State.CREATED);
        assertEquals(ComponentState.STARTING, streams.state());
        supervisor.onChange(State.RUNNING, State.REBALANCING);
        assertEquals(ComponentState.UP, streams.state());
        supervisor.onChange(State.PENDING_ERROR, State.RUNNING);
        assertEquals(ComponentState.DOWN, streams.state());
        assertEquals(ComponentState.DOWN, components.overall());
    }

    @Test
    void stoppingThatIsNotACloseIsDownButAClosedClientIsNot() {
        supervisor.onChange(State.RUNNING, State.REBALANCING);
        supervisor.onChange(State.NOT_RUNNING, State.PENDING_SHUTDOWN);
        assertEquals(ComponentState.DOWN, streams.state());

        StreamsSupervisor closing = new StreamsSupervisor(streams, registry, nanos::get, pauses::add);
        closing.onChange(State.RUNNING, State.REBALANCING);
        closing.closing();
        closing.onChange(State.PENDING_SHUTDOWN, State.RUNNING);
        closing.onChange(State.NOT_RUNNING, State.PENDING_SHUTDOWN);
        assertEquals(ComponentState.UP, streams.state());
    }

    @Test
    void replacedThreadIsDegradedWithCountAndReasonThenDownWhenItKeepsFailingWithGrowingPauses() {
        supervisor.onChange(State.RUNNING, State.REBALANCING);
        assertEquals(
                StreamThreadExceptionResponse.REPLACE_THREAD,
                supervisor.handle(new IllegalStateException("poison at offset 7")));
        supervisor.onChange(State.REBALANCING, State.RUNNING);
        supervisor.onChange(State.RUNNING, State.REBALANCING);
        assertEquals(ComponentState.DEGRADED, streams.state());
        assertTrue(
                streams.snapshot().reason().contains("replaced 1 time(s)"),
                streams.snapshot().reason());
        assertTrue(
                streams.snapshot().reason().contains("poison at offset 7"),
                streams.snapshot().reason());

        for (int i = 0; i < StreamsSupervisor.DOWN_AFTER - 1; i++) {
            assertEquals(
                    StreamThreadExceptionResponse.REPLACE_THREAD,
                    supervisor.handle(new IllegalStateException("again")));
        }
        supervisor.onChange(State.RUNNING, State.REBALANCING);
        assertEquals(ComponentState.DOWN, streams.state());
        assertTrue(
                streams.snapshot().reason().startsWith("stream threads keep failing (5 in 10 min)"),
                streams.snapshot().reason());
        assertEquals(List.of(1000L, 2000L, 4000L, 8000L, 16000L), pauses);
        assertEquals(5, supervisor.replacements());

        nanos.addAndGet(StreamsSupervisor.WINDOW.toNanos() + 1);
        supervisor.onChange(State.RUNNING, State.REBALANCING);
        assertEquals(ComponentState.UP, streams.state());
    }

    @Test
    void deadRegistryThreadIsNotReplacedButReportedDown() throws Exception {
        supervisor.onChange(State.RUNNING, State.REBALANCING);
        StreamThreadExceptionResponse[] response = new StreamThreadExceptionResponse[1];
        Thread global = new Thread(
                () -> response[0] = supervisor.handle(new IllegalStateException("boom")), "app-1-GlobalStreamThread");
        global.start();
        global.join();
        assertEquals(StreamThreadExceptionResponse.SHUTDOWN_CLIENT, response[0]);
        assertEquals(ComponentState.DOWN, streams.state());
        assertEquals(
                "registry thread failed: java.lang.IllegalStateException: boom",
                streams.snapshot().reason());
        assertEquals(0, supervisor.replacements());
        assertTrue(pauses.isEmpty());
    }

    @Test
    void registryIsDegradedWhileRecordsAreSkippedAndUpWhenNoneAre() {
        RetractedDataset poison = Fixtures.dataset(
                "poison",
                "Poison",
                null,
                "2020-01-01",
                Signature.newBuilder()
                        .setKind(SignatureKind.BTIH)
                        .setValue(null)
                        .build());
        supervisor.registryIndexed(
                RegistryIndex.ofRecords(Map.of("poison", poison, "ms-celeb-1m", Fixtures.msCeleb())));
        assertEquals(ComponentState.DEGRADED, registry.state());
        assertEquals(
                "1 registry record(s) skipped: 'poison': signature 1 (BTIH): missing required field 'value'",
                registry.snapshot().reason());
        assertEquals(ComponentState.DEGRADED, components.overall());

        supervisor.registryIndexed(RegistryIndex.ofRecords(Map.of("ms-celeb-1m", Fixtures.msCeleb())));
        assertEquals(ComponentState.UP, registry.state());
    }
}
