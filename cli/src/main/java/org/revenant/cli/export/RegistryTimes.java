package org.revenant.cli.export;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import org.revenant.avro.RetractedDataset;

/**
 * Timestamps for exported registry objects, derived from the registry alone so that exporting the
 * same registry twice writes the same bytes: the retraction date (its first day when only a month
 * or year is known), or the epoch when the registry does not know it.
 */
final class RegistryTimes {

    private RegistryTimes() {}

    static Instant retracted(RetractedDataset dataset) {
        String on = dataset.getRetractedOn();
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
