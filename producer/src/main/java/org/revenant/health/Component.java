package org.revenant.health;

import java.time.Clock;
import java.time.Instant;
import java.util.Objects;

/**
 * The reported state of one supervised component (a stream thread group, the crawler workers, the
 * webhook notifier, ...). The component itself reports; {@link Components} aggregates. Reasons are
 * shown in {@code /health} and on the dashboard, so they must not hold secrets; they are cut to
 * {@link #MAX_REASON} characters because they may quote crawled text.
 */
public final class Component {

    public static final int MAX_REASON = 300;

    /** A consistent view of a component at one moment. */
    public record Snapshot(
            String name, boolean critical, ComponentState state, String reason, Instant since, long failures) {}

    private final String name;
    private final boolean critical;
    private final Clock clock;
    private ComponentState state = ComponentState.STARTING;
    private String reason = "starting";
    private Instant since;
    private long failures;

    Component(String name, boolean critical, Clock clock) {
        this.name = Objects.requireNonNull(name, "name");
        this.critical = critical;
        this.clock = clock;
        this.since = clock.instant();
    }

    public String name() {
        return name;
    }

    /** Whether detection itself stops when this component is down ({@code /health} says DOWN). */
    public boolean critical() {
        return critical;
    }

    /** Working; clears the failure count. */
    public synchronized void up() {
        set(ComponentState.UP, null);
        failures = 0;
    }

    public synchronized void starting(String why) {
        set(ComponentState.STARTING, why);
    }

    /** Working, but something is wrong that an operator should see. */
    public synchronized void degraded(String why) {
        set(ComponentState.DEGRADED, why);
    }

    /**
     * One failure of the component's work (not of one input item); {@code threshold} consecutive
     * failures make it DEGRADED until the next {@link #up()}.
     */
    public synchronized void failed(String why, int threshold) {
        failures++;
        if (failures >= threshold) {
            set(ComponentState.DEGRADED, why + " (" + failures + " consecutive failures)");
        }
    }

    /** Stopped; it stays DOWN until it reports again. */
    public synchronized void down(String why) {
        set(ComponentState.DOWN, why);
    }

    public synchronized Snapshot snapshot() {
        return new Snapshot(name, critical, state, reason, since, failures);
    }

    public synchronized ComponentState state() {
        return state;
    }

    private void set(ComponentState next, String why) {
        if (next != state) {
            since = clock.instant();
        }
        state = next;
        reason = why == null ? null : cut(why);
    }

    static String cut(String s) {
        String oneLine = s.replaceAll("[\\r\\n\\t]+", " ");
        return oneLine.length() <= MAX_REASON ? oneLine : oneLine.substring(0, MAX_REASON) + "…";
    }
}
