package org.revenant.detect;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.revenant.detect.registry.RegistryIndex;
import org.revenant.health.Component;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reports how the streams client is doing to its health components, and decides what happens
 * when a stream thread dies: it is replaced, after a pause that doubles with each failure in
 * the last {@link #WINDOW} (so a record that kills every thread cannot spin the process), and
 * from {@link #DOWN_AFTER} failures in that window detection is reported DOWN while replacing
 * goes on. The client itself is never shut down from here.
 */
final class StreamsSupervisor implements KafkaStreams.StateListener, StreamsUncaughtExceptionHandler {

    static final Duration WINDOW = Duration.ofMinutes(10);
    static final int DOWN_AFTER = 5;
    static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
    private static final Logger LOG = LoggerFactory.getLogger(StreamsSupervisor.class);

    private final Component streams;
    private final Component registry;
    private final LongSupplier nanos;
    private final LongConsumer pause;
    private final Deque<Long> recentFailures = new ArrayDeque<>();
    private volatile boolean closing;
    private long replacements;
    private String lastFailure;

    StreamsSupervisor(Component streams, Component registry, LongSupplier nanos) {
        this.streams = streams;
        this.registry = registry;
        this.nanos = nanos;
        this.pause = this::sleep;
    }

    /** With a clock and a pause of its own (tests). */
    StreamsSupervisor(Component streams, Component registry, LongSupplier nanos, LongConsumer pause) {
        this.streams = streams;
        this.registry = registry;
        this.nanos = nanos;
        this.pause = pause;
    }

    void closing() {
        closing = true;
    }

    synchronized long replacements() {
        return replacements;
    }

    @Override
    public synchronized void onChange(KafkaStreams.State now, KafkaStreams.State before) {
        switch (now) {
            case CREATED, REBALANCING -> {
                if (recentCount() < DOWN_AFTER) {
                    streams.starting(now == KafkaStreams.State.CREATED ? "created" : "rebalancing");
                }
            }
            case RUNNING -> {
                int recent = recentCount();
                if (recent >= DOWN_AFTER) {
                    streams.down(failingReason(recent));
                } else if (recent > 0) {
                    streams.degraded(replacedReason());
                } else {
                    streams.up();
                }
            }
            case PENDING_SHUTDOWN, NOT_RUNNING -> {
                if (!closing) {
                    streams.down("streams client stopped (" + now + ")"
                            + (lastFailure == null ? "" : " after: " + lastFailure));
                }
            }
            case PENDING_ERROR, ERROR ->
                streams.down("streams client failed (" + now + ")" + (lastFailure == null ? "" : ": " + lastFailure));
        }
    }

    @Override
    public StreamThreadExceptionResponse handle(Throwable exception) {
        if (Thread.currentThread().getName().contains("GlobalStreamThread")) {
            // Kafka Streams cannot replace the global (registry) thread; the client stops either way.
            synchronized (this) {
                lastFailure = describe(exception);
                streams.down("registry thread failed: " + lastFailure);
            }
            LOG.error("registry (global) thread died; the streams client stops: {}", lastFailure, exception);
            return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        }
        long pauseMs;
        synchronized (this) {
            replacements++;
            lastFailure = describe(exception);
            long now = nanos.getAsLong();
            recentFailures.addLast(now);
            int recent = recentCount();
            if (recent >= DOWN_AFTER) {
                streams.down(failingReason(recent));
            } else {
                streams.degraded(replacedReason());
            }
            pauseMs = Math.min(MAX_BACKOFF.toMillis(), 1000L << Math.min(recent - 1, 20));
            LOG.error(
                    "stream thread died ({} failure(s) in the last {} min); replacing it in {} ms: {}",
                    recent,
                    WINDOW.toMinutes(),
                    pauseMs,
                    lastFailure,
                    exception);
        }
        pause.accept(pauseMs);
        return StreamThreadExceptionResponse.REPLACE_THREAD;
    }

    /** Registry health follows the index: DEGRADED while some records are left out. */
    void registryIndexed(RegistryIndex index) {
        if (index.skipped().isEmpty()) {
            registry.up();
        } else {
            var first = index.skipped().entrySet().iterator().next();
            registry.degraded(index.skipped().size() + " registry record(s) skipped: '" + first.getKey() + "': "
                    + first.getValue());
        }
    }

    private void sleep(long ms) {
        long end = System.currentTimeMillis() + ms;
        try {
            while (!closing && System.currentTimeMillis() < end) {
                Thread.sleep(Math.min(100, Math.max(1, end - System.currentTimeMillis())));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private int recentCount() {
        long cutoff = nanos.getAsLong() - WINDOW.toNanos();
        while (!recentFailures.isEmpty() && recentFailures.peekFirst() - cutoff < 0) {
            recentFailures.removeFirst();
        }
        return recentFailures.size();
    }

    private String replacedReason() {
        return "stream thread replaced " + replacements + " time(s); last failure: " + lastFailure;
    }

    private String failingReason(int recent) {
        return "stream threads keep failing (" + recent + " in " + WINDOW.toMinutes() + " min); last failure: "
                + lastFailure;
    }

    private static String describe(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root == e ? e.toString() : e.getClass().getSimpleName() + " caused by " + root;
    }
}
