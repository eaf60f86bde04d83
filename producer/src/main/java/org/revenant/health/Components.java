package org.revenant.health;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every supervised component of one Revenant process, and the process's overall health: DOWN when
 * a critical component (detection) is down, DEGRADED when any component is down or degraded,
 * STARTING while any is starting, else UP. One instance per process, handed to each component.
 */
public final class Components {

    private final Map<String, Component> byName = new ConcurrentHashMap<>();
    private final Map<String, String> notices = new ConcurrentHashMap<>();
    private final Clock clock;

    public Components() {
        this(Clock.systemUTC());
    }

    public Components(Clock clock) {
        this.clock = clock;
    }

    /**
     * Something an operator should know that is not a failure (a source that can only do part of its
     * work as configured), shown by {@code /health} and the dashboard without changing the state.
     */
    public void notice(String key, String text) {
        notices.put(key, text);
    }

    /** The notices, sorted by key. */
    public List<String> notices() {
        return new TreeMap<>(notices).values().stream().toList();
    }

    /** The component of this name, registered on first use (state STARTING). */
    public Component register(String name, boolean critical) {
        return byName.computeIfAbsent(name, n -> new Component(n, critical, clock));
    }

    /** Forgets a component that was closed on purpose (a closed component is not a failed one). */
    public void remove(String name) {
        byName.remove(name);
    }

    /** Snapshots sorted by name. */
    public List<Component.Snapshot> snapshots() {
        List<Component.Snapshot> all = new ArrayList<>();
        byName.values().forEach(c -> all.add(c.snapshot()));
        all.sort((a, b) -> a.name().compareTo(b.name()));
        return all;
    }

    public ComponentState overall() {
        return overall(snapshots());
    }

    public static ComponentState overall(List<Component.Snapshot> snapshots) {
        ComponentState worst = ComponentState.UP;
        for (Component.Snapshot s : snapshots) {
            ComponentState effective =
                    s.state() == ComponentState.DOWN && !s.critical() ? ComponentState.DEGRADED : s.state();
            if (rank(effective) > rank(worst)) {
                worst = effective;
            }
        }
        return worst;
    }

    private static int rank(ComponentState s) {
        return switch (s) {
            case UP -> 0;
            case STARTING -> 1;
            case DEGRADED -> 2;
            case DOWN -> 3;
        };
    }
}
