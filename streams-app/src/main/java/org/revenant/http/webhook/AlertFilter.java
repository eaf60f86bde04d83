package org.revenant.http.webhook;

import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import org.revenant.avro.AlertEvent;
import org.revenant.avro.AlertEventType;
import org.revenant.avro.SourceHealthEvent;
import org.revenant.avro.SourceHealthEventType;

/**
 * The filters of a subscription (webhook or e-mail): empty sets match everything; values are
 * compared case-insensitively.
 */
public record AlertFilter(Set<String> datasets, Set<String> severities, Set<String> platforms, Set<String> events) {

    public static final AlertFilter ALL = new AlertFilter(Set.of(), Set.of(), Set.of(), Set.of());

    public AlertFilter {
        datasets = lower(datasets);
        severities = lower(severities);
        platforms = lower(platforms);
        events = lower(events);
    }

    public boolean matches(AlertEvent event) {
        if (event.getEvent() == AlertEventType.UNKNOWN) {
            return false; // a type added by a newer release: its receivers are that release's business
        }
        return accepts(datasets, event.getDatasetId())
                && accepts(severities, event.getSeverity().name())
                && accepts(platforms, event.getPlatform())
                && accepts(events, event.getEvent().name());
    }

    /**
     * A source's health event goes only to a subscription that lists its type in {@code events}
     * (opt-in), and whose {@code platforms}, if any, name the source (docs/decisions/026).
     */
    public boolean matches(SourceHealthEvent event) {
        if (event.getEvent() == SourceHealthEventType.UNKNOWN) {
            return false;
        }
        return events.contains(event.getEvent().name().toLowerCase(Locale.ROOT))
                && accepts(platforms, event.getSource());
    }

    /** Whether any source's health event can match: the subscription opted in to one. */
    public boolean wantsSourceHealth() {
        for (SourceHealthEventType type : SourceHealthEventType.values()) {
            if (type != SourceHealthEventType.UNKNOWN
                    && events.contains(type.name().toLowerCase(Locale.ROOT))) {
                return true;
            }
        }
        return false;
    }

    private static boolean accepts(Set<String> allowed, String value) {
        return allowed.isEmpty() || (value != null && allowed.contains(value.toLowerCase(Locale.ROOT)));
    }

    private static Set<String> lower(Set<String> values) {
        return values == null
                ? Set.of()
                : values.stream().map(v -> v.toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
    }
}
