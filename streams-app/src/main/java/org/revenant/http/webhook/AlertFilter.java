package org.revenant.http.webhook;

import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import org.revenant.avro.AlertEvent;
import org.revenant.avro.AlertEventType;

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

    private static boolean accepts(Set<String> allowed, String value) {
        return allowed.isEmpty() || (value != null && allowed.contains(value.toLowerCase(Locale.ROOT)));
    }

    private static Set<String> lower(Set<String> values) {
        return values == null
                ? Set.of()
                : values.stream().map(v -> v.toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
    }
}
