package org.revenant.detect.decide;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

/** The dates an analyst gives with a decision: a day or an instant, read the same by the API and the CLI. */
public final class DecisionDates {

    private DecisionDates() {}

    /**
     * {@code YYYY-MM-DD} is the start of that day in UTC; anything else must be an ISO-8601 instant
     * ({@code 2026-12-01T09:00:00Z}).
     *
     * @throws DateTimeParseException when it is neither
     */
    public static Instant parse(String text) {
        String t = text.strip();
        return t.length() == 10
                ? LocalDate.parse(t).atStartOfDay(ZoneOffset.UTC).toInstant()
                : Instant.parse(t);
    }
}
