package org.revenant.crawl;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.revenant.avro.CrawlCheckpoint;
import org.revenant.avro.SourceHealthEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one query or one mirror crawl with its checkpoint: reads the previous checkpoint, calls the
 * source, publishes what it saw, and writes the new checkpoint, recording why when it failed (a log
 * line, a counter, and {@code lastStatus} in the checkpoint). It never throws for a failed crawl.
 *
 * <p>Each source call runs on a job thread of its own and gets {@code crawl.jobTimeout}: at the
 * deadline the job thread is interrupted (the HTTP client and the sources' loops stop on an
 * interrupt), the job is recorded as failed with the reason, and the caller goes on at once, even
 * if the job thread has not stopped yet. Anything the call throws, {@link Error}s included (a stack
 * overflow on a hostile document, an allocation that failed), fails that job only.
 */
public final class CrawlExecutor implements AutoCloseable {

    public enum Result {
        CRAWLED,
        UNCHANGED,
        FAILED,
        RATE_LIMITED,
        SKIPPED
    }

    /**
     * @param sweep     swept catalogue entries not examined yet (never tried, or only failed), in catalogue
     *                  order (empty unless the source sweeps)
     * @param known     entries the catalogue listed (0 unless the source sweeps)
     * @param examined  of those, the ones examined at least once
     * @param catalogue every entry the catalogue listed (empty unless the source sweeps)
     */
    public record QueryResult(
            Result result,
            List<String> locators,
            String reason,
            List<String> sweep,
            long known,
            long examined,
            List<String> catalogue) {
        public QueryResult(Result result, List<String> locators, String reason) {
            this(result, locators, reason, List.of(), 0, 0, List.of());
        }
    }

    /**
     * Brings a catalogue query's sweep figures up to date after a sweep ran, so the next listing
     * knows whether the sweep is finished (then it may be asked for conditionally).
     */
    public void recordSweep(String sourceName, String query, long examined, long known, long remaining) {
        CrawlCheckpoint cp = checkpoints.get(queryKey(sourceName, query));
        if (cp == null) {
            return;
        }
        Map<String, String> extra = new HashMap<>(cp.getExtra());
        extra.put(Sweeps.KNOWN, Long.toString(known));
        extra.put(Sweeps.EXAMINED, Long.toString(examined));
        extra.put(Sweeps.REMAINING, Long.toString(remaining));
        checkpoints.put(CrawlCheckpoint.newBuilder(cp)
                .setExtra(extra)
                .setLastStatus("OK: catalogue " + Sweeps.coverage(examined, known))
                .build());
    }

    /** Of these catalogue entries, how many were examined at least once (successfully crawled). */
    public long examined(String sourceName, List<String> catalogue) {
        long n = 0;
        for (String locator : catalogue) {
            n += examined(sourceName, locator) ? 1 : 0;
        }
        return n;
    }

    public record MirrorResult(Result result, String reason) {}

    private static final Logger LOG = LoggerFactory.getLogger(CrawlExecutor.class);
    private static final long REPEAT_WARNING_MILLIS = 5 * 60_000L;
    public static final Duration DEFAULT_JOB_TIMEOUT = Duration.ofMinutes(5);
    static final int MAX_REASON_CHARS = 500;
    private static final int RUNNING = 0;
    private static final int FINISHED = 1;
    private static final int LATE = 2;

    private final Map<String, Source> sources;
    private final CheckpointStore checkpoints;
    private final CrawlMetrics metrics;
    private final Clock clock;
    private final Map<String, Long> lastWarned = new ConcurrentHashMap<>();
    private final Map<String, Long> nextSweepAt = new HashMap<>();
    private final Duration jobTimeout;
    private volatile SourceHealth sourceHealth;
    private volatile Consumer<SourceHealthEvent> healthEvents = e -> {};
    private final AtomicInteger jobThreadNumber = new AtomicInteger();
    private final AtomicInteger overrunning = new AtomicInteger();
    private final ExecutorService jobThreads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "revenant-crawl-job-" + jobThreadNumber.incrementAndGet());
        t.setDaemon(true);
        return t;
    });

    public CrawlExecutor(Map<String, Source> sources, CheckpointStore checkpoints, CrawlMetrics metrics, Clock clock) {
        this(sources, checkpoints, metrics, clock, DEFAULT_JOB_TIMEOUT);
    }

    public CrawlExecutor(
            Map<String, Source> sources,
            CheckpointStore checkpoints,
            CrawlMetrics metrics,
            Clock clock,
            Duration jobTimeout) {
        this.sources = Map.copyOf(sources);
        this.checkpoints = checkpoints;
        this.metrics = metrics;
        this.clock = clock;
        if (jobTimeout == null || jobTimeout.isZero() || jobTimeout.isNegative()) {
            throw new IllegalArgumentException("job timeout must be positive: " + jobTimeout);
        }
        this.jobTimeout = jobTimeout;
    }

    /**
     * Tells each crawl's outcome to {@code health}, and each change of a source's health to
     * {@code events} (docs/decisions/026).
     */
    public void observeHealth(SourceHealth health, Consumer<SourceHealthEvent> events) {
        this.healthEvents = Objects.requireNonNull(events, "events");
        this.sourceHealth = Objects.requireNonNull(health, "health");
    }

    private void healthy(String source, Instant now) {
        SourceHealth h = sourceHealth;
        if (h != null) {
            h.succeeded(source, now).ifPresent(healthEvents);
        }
    }

    /** Jobs past their deadline whose thread has not stopped yet (a loop that ignores interrupts), for tests and metrics. */
    public int overrunningJobs() {
        return overrunning.get();
    }

    public static String mirrorKey(String source, String locator) {
        return source + "/" + locator;
    }

    public static String queryKey(String source, String query) {
        return source + "/query/" + query;
    }

    public Source source(String name) {
        return sources.get(name);
    }

    public QueryResult query(String sourceName, String query, DiscoveryTerms terms) {
        Source source = require(sourceName);
        String key = queryKey(sourceName, query);
        CrawlCheckpoint previous = checkpoints.get(key);
        Instant now = clock.instant();
        metrics.increment(sourceName, CrawlMetrics.QUERIES);
        try {
            Discovery d = withDeadline(() -> source.discover(query, terms, previous));
            metrics.add(sourceName, CrawlMetrics.DISCOVERED, d.locators().size());
            healthy(sourceName, now);
            CrawlCheckpoint.Builder cp = next(previous, key, sourceName, "QUERY", query, now)
                    .setEtag(d.etag() != null ? d.etag() : previous == null ? null : previous.getEtag())
                    .setLastCrawledAt(now)
                    .setLastStatus("OK: " + d.locators().size() + " found")
                    .setFailures(0);
            if (!d.state().isEmpty()) {
                Map<String, String> kept = new HashMap<>(cp.getExtra());
                d.state().forEach((k, v) -> {
                    if (v == null) {
                        kept.remove(k);
                    } else {
                        kept.put(k, v);
                    }
                });
                cp.setExtra(kept);
            }
            if (d.sweep().isEmpty()) {
                checkpoints.put(cp.build());
                return new QueryResult(Result.CRAWLED, d.locators(), null);
            }
            // A catalogue: what of it was examined, and what the sweep has still to try.
            List<String> untried = new ArrayList<>();
            long examined = 0;
            for (String locator : d.locators()) {
                examined += examined(sourceName, locator) ? 1 : 0;
            }
            for (String locator : d.sweep()) {
                CrawlCheckpoint seen = checkpoints.get(mirrorKey(sourceName, locator));
                if (seen == null || seen.getLastCrawledAt() == null) {
                    untried.add(locator); // never tried, or tried and failed every time
                } else {
                    examined++;
                }
            }
            long known = d.locators().size() + d.sweep().size();
            Map<String, String> extra = new HashMap<>(cp.getExtra());
            extra.put(Sweeps.KNOWN, Long.toString(known));
            extra.put(Sweeps.EXAMINED, Long.toString(examined));
            extra.put(Sweeps.REMAINING, Long.toString(untried.size()));
            checkpoints.put(cp.setExtra(extra)
                    .setLastStatus(
                            "OK: " + d.locators().size() + " found, catalogue " + Sweeps.coverage(examined, known))
                    .build());
            LOG.info(
                    "{} catalogue: {}, {} not tried yet", sourceName, Sweeps.coverage(examined, known), untried.size());
            List<String> catalogue = new ArrayList<>(d.locators());
            catalogue.addAll(d.sweep());
            return new QueryResult(Result.CRAWLED, d.locators(), null, untried, known, examined, catalogue);
        } catch (CrawlException e) {
            Result r = failed(sourceName, "query " + query, e, previous, key, "QUERY", query, now);
            return new QueryResult(r, List.of(), capReason(e.getMessage()));
        }
    }

    private boolean examined(String sourceName, String locator) {
        CrawlCheckpoint cp = checkpoints.get(mirrorKey(sourceName, locator));
        return cp != null && cp.getLastCrawledAt() != null;
    }

    /**
     * One entry of a catalogue sweep: crawled like any mirror, no faster than {@code perSecond}
     * sweep fetches a second from this process, and recorded as swept, so it is not re-checked on
     * the source's interval (decision 024).
     */
    public MirrorResult sweep(
            String sourceName, String locator, Instant scheduledAt, SnapshotSink sink, double perSecond) {
        if (!pace(sourceName, perSecond)) {
            return new MirrorResult(Result.SKIPPED, null);
        }
        return mirror(sourceName, locator, scheduledAt, sink, CrawlScheduler.SWEEP);
    }

    /** Waits for this source's next sweep slot; false when interrupted (stopping). */
    private boolean pace(String sourceName, double perSecond) {
        long gap = (long) (1_000_000_000L / perSecond);
        long wait;
        synchronized (nextSweepAt) {
            long now = System.nanoTime();
            long at = Math.max(now, nextSweepAt.getOrDefault(sourceName, now));
            nextSweepAt.put(sourceName, at + gap);
            wait = at - now;
        }
        if (wait <= 0) {
            return true;
        }
        try {
            TimeUnit.NANOSECONDS.sleep(wait);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * @param scheduledAt when the job was scheduled; the crawl is skipped when the mirror was
     *                    attempted after that (by this or another crawler), null to crawl regardless
     */
    public MirrorResult mirror(String sourceName, String locator, Instant scheduledAt, SnapshotSink sink) {
        return mirror(sourceName, locator, scheduledAt, sink, CrawlScheduler.MIRROR);
    }

    private MirrorResult mirror(
            String sourceName, String locator, Instant scheduledAt, SnapshotSink sink, String kind) {
        Source source = require(sourceName);
        String key = mirrorKey(sourceName, locator);
        CrawlCheckpoint previous = checkpoints.get(key);
        if (scheduledAt != null && Schedule.attemptedAt(previous) > scheduledAt.toEpochMilli()) {
            metrics.increment(sourceName, CrawlMetrics.SKIPPED);
            return new MirrorResult(Result.SKIPPED, null);
        }
        Instant now = clock.instant();
        CrawlOutcome outcome;
        try {
            outcome = withDeadline(() -> source.crawl(locator, previous));
        } catch (CrawlException e) {
            return new MirrorResult(
                    failed(sourceName, locator, e, previous, key, kind, locator, now), capReason(e.getMessage()));
        }
        Snapshot bounded = outcome.snapshot() == null ? null : SnapshotBounds.apply(outcome.snapshot());
        try {
            if (bounded != null) {
                sink.publish(bounded, now);
            }
            for (Snapshot found : outcome.discovered()) {
                sink.publish(SnapshotBounds.apply(found), now);
            }
        } catch (RuntimeException e) { // Kafka, or a snapshot the publisher refuses: this mirror's failure
            CrawlException wrapped = new CrawlException("cannot publish the snapshot: " + e.getMessage(), e);
            return new MirrorResult(
                    failed(sourceName, locator, wrapped, previous, key, kind, locator, now),
                    capReason(wrapped.getMessage()));
        }
        String status = bounded == null
                ? "UNCHANGED"
                : bounded.mirror().getStatus().toString()
                        + (bounded.mirror().getPartial()
                                ? " (partial: " + bounded.mirror().getPartialReason() + ")"
                                : "");
        CrawlCheckpoint.Builder cp = next(previous, key, sourceName, kind, locator, now)
                .setEtag(outcome.etag())
                .setLastTreeSha(outcome.treeSha())
                .setLastCrawledAt(now)
                .setLastStatus(status)
                .setFailures(0);
        Map<String, String> extra = new HashMap<>(cp.getExtra());
        extra.putAll(outcome.extra());
        checkpoints.put(cp.setExtra(extra).build());
        metrics.increment(sourceName, outcome.isUnchanged() ? CrawlMetrics.UNCHANGED : CrawlMetrics.CRAWLED);
        healthy(sourceName, now);
        if (!outcome.isUnchanged()) {
            LOG.info(
                    "crawled {} {}: {}, {} entries{}",
                    sourceName,
                    locator,
                    status,
                    outcome.snapshot().entries().size(),
                    outcome.discovered().isEmpty()
                            ? ""
                            : ", " + outcome.discovered().size() + " torrent(s) inside");
        }
        return new MirrorResult(outcome.isUnchanged() ? Result.UNCHANGED : Result.CRAWLED, null);
    }

    /**
     * Runs one source call on a job thread within the job timeout. Whatever it throws becomes a
     * {@link CrawlException} with the reason; an interrupt of the caller (shutdown) cancels it.
     */
    private <T> T withDeadline(Callable<T> call) throws CrawlException {
        AtomicInteger state = new AtomicInteger(RUNNING);
        Future<T> future;
        try {
            future = jobThreads.submit(() -> {
                try {
                    return call.call();
                } finally {
                    if (!state.compareAndSet(RUNNING, FINISHED)) {
                        overrunning.decrementAndGet(); // a job past its deadline has stopped after all
                    }
                }
            });
        } catch (RejectedExecutionException e) {
            throw new CrawlException("the crawler is stopping");
        }
        try {
            return future.get(jobTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            overrunning.incrementAndGet();
            if (!state.compareAndSet(RUNNING, LATE)) {
                overrunning.decrementAndGet();
            }
            future.cancel(true);
            throw new CrawlException("took longer than " + describe(jobTimeout) + " (crawl.jobTimeout): stopped");
        } catch (InterruptedException e) {
            future.cancel(true);
            Thread.currentThread().interrupt();
            throw new CrawlException("interrupted", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof CrawlException ce) {
                throw ce;
            }
            // A source bug on one hostile response must not stop the crawler: record it like any failure.
            LOG.debug("crawl job threw", cause);
            throw new CrawlException(
                    "unexpected " + cause.getClass().getSimpleName()
                            + (cause.getMessage() == null ? "" : ": " + cause.getMessage()),
                    cause);
        }
    }

    /** Reasons can quote hostile input (a number, a name): the checkpoint keeps a bounded line. */
    static String capReason(String reason) {
        if (reason == null) {
            return "(no reason given)";
        }
        String line = reason.replace('\n', ' ').replace('\r', ' ');
        return line.length() > MAX_REASON_CHARS ? line.substring(0, MAX_REASON_CHARS) + "…" : line;
    }

    static String describe(Duration d) {
        if (d.toMillis() % 60_000 == 0) {
            return d.toMinutes() + "m";
        }
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
    }

    @Override
    public void close() {
        jobThreads.shutdownNow();
    }

    private Result failed(
            String source,
            String what,
            CrawlException e,
            CrawlCheckpoint previous,
            String key,
            String kind,
            String locator,
            Instant now) {
        if (Thread.currentThread().isInterrupted()) {
            LOG.debug("crawl of {} {} interrupted by shutdown", source, what);
            return Result.SKIPPED; // stopping is not the mirror's fault: nothing recorded
        }
        Result r = e.rateLimited() ? Result.RATE_LIMITED : Result.FAILED;
        metrics.increment(source, e.rateLimited() ? CrawlMetrics.RATE_LIMITED : CrawlMetrics.FAILED);
        String reason = capReason(e.getMessage());
        Long last = lastWarned.get(source + "|" + reason);
        if (last == null || now.toEpochMilli() - last > REPEAT_WARNING_MILLIS) {
            lastWarned.put(source + "|" + reason, now.toEpochMilli());
            LOG.warn("crawl failed: {} {}: {}", source, what, reason);
        } else {
            LOG.debug("crawl failed: {} {}: {}", source, what, reason);
        }
        CrawlCheckpoint.Builder cp = next(previous, key, source, kind, locator, now)
                .setLastStatus((e.rateLimited() ? "RATE_LIMITED: " : "FAILED: ") + reason)
                .setFailures((previous == null ? 0 : previous.getFailures()) + 1);
        checkpoints.put(cp.build());
        SourceHealth h = sourceHealth;
        if (h != null) {
            h.failed(source, reason, e.rateLimited(), now).ifPresent(healthEvents);
        }
        return r;
    }

    private static CrawlCheckpoint.Builder next(
            CrawlCheckpoint previous, String key, String source, String kind, String locator, Instant now) {
        CrawlCheckpoint.Builder b = previous == null
                ? CrawlCheckpoint.newBuilder().setKey(key).setSource(source)
                : CrawlCheckpoint.newBuilder(previous);
        Map<String, String> extra = new HashMap<>(previous == null ? Map.of() : previous.getExtra());
        extra.put(Schedule.ATTEMPTED_AT, Long.toString(now.toEpochMilli()));
        extra.put(Schedule.KIND, kind);
        extra.put(Schedule.LOCATOR, locator);
        return b.setExtra(extra);
    }

    private Source require(String name) {
        Source s = sources.get(name);
        if (s == null) {
            throw new IllegalArgumentException("no source " + name + " (enabled: " + sources.keySet() + ")");
        }
        return s;
    }
}
