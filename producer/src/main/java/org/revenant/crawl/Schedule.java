package org.revenant.crawl;

import java.time.Duration;
import java.time.Instant;
import org.revenant.avro.CrawlCheckpoint;

/** When a mirror or query is due again: after its interval, or sooner after a failure, backing off. */
public final class Schedule {

    public static final String ATTEMPTED_AT = "attemptedAt";
    public static final String KIND = "kind";
    public static final String LOCATOR = "locator";
    static final Duration FIRST_RETRY = Duration.ofMinutes(1);

    private Schedule() {}

    /** Epoch millis of the last attempt, success or not; 0 when never tried. */
    public static long attemptedAt(CrawlCheckpoint cp) {
        if (cp == null) {
            return 0;
        }
        String at = cp.getExtra().get(ATTEMPTED_AT);
        if (at != null) {
            try {
                return Long.parseLong(at);
            } catch (NumberFormatException e) {
                // fall back to the last success
            }
        }
        return cp.getLastCrawledAt() == null ? 0 : cp.getLastCrawledAt().toEpochMilli();
    }

    public static boolean isDue(CrawlCheckpoint cp, Duration interval, Instant now) {
        if (cp == null) {
            return true;
        }
        Duration wait = interval;
        if (cp.getFailures() > 0) {
            Duration backoff = FIRST_RETRY.multipliedBy(1L << Math.min(cp.getFailures() - 1, 20));
            wait = backoff.compareTo(interval) < 0 ? backoff : interval;
        }
        return now.toEpochMilli() >= attemptedAt(cp) + wait.toMillis();
    }
}
