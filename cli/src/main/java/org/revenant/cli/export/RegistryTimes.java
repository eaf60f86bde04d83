package org.revenant.cli.export;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.revenant.avro.RetractedDataset;

/**
 * Timestamps for exported registry objects, derived from the registry alone so that exporting the
 * same registry twice writes the same bytes: the retraction date (its first day when only a month
 * or year is known), the parent's for a derivative without one, or the epoch when the registry
 * knows neither.
 */
final class RegistryTimes {

    private RegistryTimes() {}

    static Instant retracted(RetractedDataset dataset) {
        return parse(dataset.getRetractedOn());
    }

    /**
     * The dataset's retraction date, else the nearest ancestor's (a derivative is withdrawn with
     * its parent's data), else the epoch. The loader has checked that parent chains end.
     */
    static Instant retracted(RetractedDataset dataset, Map<String, RetractedDataset> byId) {
        RetractedDataset current = dataset;
        for (int depth = 0; current != null && depth < 64; depth++) {
            if (current.getRetractedOn() != null) {
                return parse(current.getRetractedOn());
            }
            current = current.getParent() == null ? null : byId.get(current.getParent());
        }
        return Instant.EPOCH;
    }

    static Map<String, RetractedDataset> byId(List<RetractedDataset> registry) {
        Map<String, RetractedDataset> byId = new HashMap<>();
        registry.forEach(d -> byId.put(d.getId(), d));
        return byId;
    }

    private static Instant parse(String on) {
        if (on == null) {
            return Instant.EPOCH;
        }
        String day = switch (on.length()) {
            case 4 -> on + "-01-01";
            case 7 -> on + "-01";
            default -> on;
        };
        try {
            return LocalDate.parse(day).atStartOfDay().toInstant(ZoneOffset.UTC);
        } catch (RuntimeException e) {
            return Instant.EPOCH;
        }
    }
}
