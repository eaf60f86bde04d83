package org.revenant.crawl;

import org.revenant.avro.CrawlCheckpoint;

/**
 * How far a source's catalogue sweep has come, kept in the extras of the catalogue query's
 * checkpoint on {@code crawler-state} (decision 024), so every crawler process, and one that
 * restarts, sees it.
 */
public final class Sweeps {

    /** Entries the catalogue listed, matched and swept alike. */
    public static final String KNOWN = "sweepKnown";
    /** Entries examined at least once. */
    public static final String EXAMINED = "sweepExamined";
    /** Swept entries not examined yet: never tried, or only failed. */
    public static final String REMAINING = "sweepRemaining";

    private Sweeps() {}

    /** Swept entries not examined yet, as the query's checkpoint last said; -1 when it has not said. */
    public static long remaining(CrawlCheckpoint query) {
        return number(query, REMAINING);
    }

    public static long known(CrawlCheckpoint query) {
        return number(query, KNOWN);
    }

    public static long examined(CrawlCheckpoint query) {
        return number(query, EXAMINED);
    }

    /** {@code examined of known (percent)}, for progress lines. */
    public static String coverage(long examined, long known) {
        long percent = known == 0 ? 100 : Math.round(100.0 * examined / known);
        return examined + " of " + known + " examined (" + percent + "%)";
    }

    private static long number(CrawlCheckpoint cp, String key) {
        String text = cp == null ? null : cp.getExtra().get(key);
        if (text == null) {
            return -1;
        }
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
