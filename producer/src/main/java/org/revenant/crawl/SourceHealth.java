package org.revenant.crawl;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import org.revenant.avro.SourceHealthEvent;
import org.revenant.avro.SourceHealthEventType;

/**
 * Whether each source can still see (docs/decisions/026). A source is degraded after
 * {@code failuresBeforeDegraded} failed or rate-limited crawls in a row, or, while it keeps being
 * rate-limited, once its last success is older than its interval (it has been blind for a whole
 * round); the first crawl that works after that recovers it. Each change is one event; nothing is
 * sent while the state stays the same. Thread-safe: the crawl workers of a process share it.
 */
public final class SourceHealth {

    /** Failed crawls of one source in a row after which it is degraded. */
    public static final int DEFAULT_FAILURES_BEFORE_DEGRADED = 5;

    private final int failuresBeforeDegraded;
    private final Function<String, Duration> intervalOf;
    private final String reportedBy;
    private final Map<String, Tally> tallies = new HashMap<>();

    private static final class Tally {
        int failures;
        Instant failingSince;
        Instant lastSuccess;
        boolean degraded;
    }

    /**
     * @param intervalOf each source's crawl interval (how long it may stay blind while rate-limited)
     * @param reportedBy this crawler process, named on its events
     */
    public SourceHealth(int failuresBeforeDegraded, Function<String, Duration> intervalOf, String reportedBy) {
        if (failuresBeforeDegraded < 1) {
            throw new IllegalArgumentException("failuresBeforeDegraded must be at least 1");
        }
        this.failuresBeforeDegraded = failuresBeforeDegraded;
        this.intervalOf = Objects.requireNonNull(intervalOf, "intervalOf");
        this.reportedBy = Objects.requireNonNull(reportedBy, "reportedBy");
    }

    /**
     * What an earlier process last said of a source (the latest record of the source-health topic),
     * so a restart neither forgets that a source is blind nor tells it again.
     */
    public synchronized void remember(SourceHealthEvent last) {
        if (last == null || last.getEvent() == SourceHealthEventType.UNKNOWN) {
            return;
        }
        Tally t = tallies.computeIfAbsent(last.getSource(), s -> new Tally());
        t.degraded = last.getEvent() == SourceHealthEventType.SOURCE_DEGRADED;
        t.failingSince = t.degraded ? last.getFailingSince() : null;
        t.lastSuccess = last.getLastSuccessAt();
    }

    /** A crawl of the source that worked (crawled or unchanged); a recovery when it was degraded. */
    public synchronized Optional<SourceHealthEvent> succeeded(String source, Instant now) {
        Tally t = tallies.computeIfAbsent(source, s -> new Tally());
        boolean wasDegraded = t.degraded;
        int failures = t.failures;
        Instant since = t.failingSince;
        t.failures = 0;
        t.failingSince = null;
        t.lastSuccess = now;
        t.degraded = false;
        if (!wasDegraded) {
            return Optional.empty();
        }
        return Optional.of(
                event(source, SourceHealthEventType.SOURCE_RECOVERED, now, since, failures, false, null, now));
    }

    /** A crawl of the source that failed, or was refused by the platform's rate limit. */
    public synchronized Optional<SourceHealthEvent> failed(
            String source, String reason, boolean rateLimited, Instant now) {
        Tally t = tallies.computeIfAbsent(source, s -> new Tally());
        t.failures++;
        if (t.failingSince == null) {
            t.failingSince = now;
        }
        if (t.degraded) {
            return Optional.empty();
        }
        Duration interval = intervalOf.apply(source);
        Instant seenSince = t.lastSuccess != null ? t.lastSuccess : t.failingSince;
        boolean blindForARound = rateLimited
                && interval != null
                && Duration.between(seenSince, now).compareTo(interval) > 0;
        if (t.failures < failuresBeforeDegraded && !blindForARound) {
            return Optional.empty();
        }
        t.degraded = true;
        return Optional.of(event(
                source,
                SourceHealthEventType.SOURCE_DEGRADED,
                now,
                t.failingSince,
                t.failures,
                rateLimited,
                CrawlExecutor.capReason(reason),
                t.lastSuccess));
    }

    /** Whether the source is degraded now, as this process sees it. */
    public synchronized boolean degraded(String source) {
        Tally t = tallies.get(source);
        return t != null && t.degraded;
    }

    private SourceHealthEvent event(
            String source,
            SourceHealthEventType type,
            Instant now,
            Instant since,
            int failures,
            boolean rateLimited,
            String lastError,
            Instant lastSuccess) {
        return SourceHealthEvent.newBuilder()
                .setEventId(source + "|" + type + "|" + now.toEpochMilli() + "|" + UUID.randomUUID())
                .setSource(source)
                .setEvent(type)
                .setAt(now)
                .setFailingSince(since)
                .setConsecutiveFailures(failures)
                .setRateLimited(rateLimited)
                .setLastError(lastError)
                .setLastSuccessAt(lastSuccess)
                .setReportedBy(reportedBy)
                .build();
    }
}
