package org.revenant.crawl;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.revenant.avro.CrawlCheckpoint;
import org.revenant.avro.CrawlJob;
import org.revenant.wire.Topics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts due work on {@code crawl-jobs}: each source's discovery queries (rebuilt from the registry
 * on every tick), its watch list, and every mirror it crawled before, each once per interval (sooner
 * after a failure, backing off). Workers in any process take the jobs; a job already done by the
 * time a worker gets it is skipped, so two schedulers only cost a few duplicate messages.
 */
public final class CrawlScheduler {

    public static final String QUERY = "QUERY";
    public static final String MIRROR = "MIRROR";
    /** A catalogue entry examined once by a sweep (decision 024). */
    public static final String SWEEP = "SWEEP";
    /** A sweep under way whose list this process lost (a restart) asks for the catalogue again this soon. */
    static final Duration SWEEP_RESUME = Duration.ofMinutes(10);

    private static final Logger LOG = LoggerFactory.getLogger(CrawlScheduler.class);
    private static final Duration LOST_JOB = Duration.ofMinutes(30);

    private final CrawlConfig config;
    private final Map<String, Source> sources;
    private final CheckpointStore checkpoints;
    private final Supplier<DiscoveryTerms> terms;
    private final Producer<String, CrawlJob> producer;
    private final Topics topics;
    private final Clock clock;
    private final Map<String, Instant> enqueued = new ConcurrentHashMap<>();
    /** Per sweeping source: catalogue entries not tried yet, taken a few per tick at its sweep rate. */
    private final Map<String, Deque<String>> sweeps = new ConcurrentHashMap<>();

    public CrawlScheduler(
            CrawlConfig config,
            Map<String, Source> sources,
            CheckpointStore checkpoints,
            Supplier<DiscoveryTerms> terms,
            Producer<String, CrawlJob> producer,
            Topics topics,
            Clock clock) {
        this.config = config;
        this.sources = sources;
        this.checkpoints = checkpoints;
        this.terms = terms;
        this.producer = producer;
        this.topics = topics;
        this.clock = clock;
    }

    /** How often to look for due work: often enough for the shortest interval. */
    public Duration tick() {
        Duration shortest = sources.keySet().stream()
                .map(n -> config.source(n).interval())
                .min(Duration::compareTo)
                .orElse(Duration.ofMinutes(1));
        Duration t = shortest.dividedBy(4);
        return t.compareTo(Duration.ofMillis(200)) < 0
                ? Duration.ofMillis(200)
                : t.compareTo(Duration.ofSeconds(30)) > 0 ? Duration.ofSeconds(30) : t;
    }

    /** @return jobs put on the topic */
    public int runOnce() {
        Instant now = clock.instant();
        DiscoveryTerms current = terms.get();
        Map<String, CrawlCheckpoint> known = new LinkedHashMap<>();
        for (CrawlCheckpoint cp : checkpoints.all()) {
            known.put(cp.getKey(), cp);
        }
        int jobs = 0;
        // Expected yield first (decision 027): queries, sweeps and watched mirrors never crawled, for
        // every source, before any routine re-check of a mirror crawled before.
        for (Map.Entry<String, Source> e : sources.entrySet()) {
            String name = e.getKey();
            SourceConfig sc = config.source(name);
            Deque<String> sweep = sweeps.get(name);
            boolean sweepLost = sc.sweep().enabled() && (sweep == null || sweep.isEmpty());
            for (String q : e.getValue().queries(current)) {
                String key = CrawlExecutor.queryKey(name, q);
                Duration every = sc.interval();
                if (sweepLost && Sweeps.remaining(checkpoints.get(key)) > 0 && SWEEP_RESUME.compareTo(every) < 0) {
                    every = SWEEP_RESUME; // a sweep under way: list the catalogue again soon to go on with it
                }
                jobs += offer(name, QUERY, q, key, "query:" + name + ":" + q, every, now);
            }
            if (sc.sweep().enabled() && sweep != null) {
                jobs += drainSweep(e.getValue(), name, sweep, sc, now);
            }
            for (String locator : sc.watch()) {
                String key = CrawlExecutor.mirrorKey(name, locator);
                if (!known.containsKey(key)) {
                    jobs += offer(name, MIRROR, locator, key, jobKey(e.getValue(), name, locator), sc.interval(), now);
                }
            }
        }
        for (Map.Entry<String, Source> e : sources.entrySet()) {
            String name = e.getKey();
            SourceConfig sc = config.source(name);
            for (String locator : sc.watch()) {
                String key = CrawlExecutor.mirrorKey(name, locator);
                if (known.containsKey(key)) {
                    jobs += offer(name, MIRROR, locator, key, jobKey(e.getValue(), name, locator), sc.interval(), now);
                }
            }
            for (CrawlCheckpoint cp : known.values()) {
                String locator = cp.getExtra().get(Schedule.LOCATOR);
                String kind = cp.getExtra().get(Schedule.KIND);
                // A swept entry is examined once; only one that failed is tried again (backing off).
                boolean again = MIRROR.equals(kind) || SWEEP.equals(kind) && cp.getFailures() > 0;
                if (name.equals(cp.getSource()) && again && locator != null) {
                    jobs += offer(
                            name, kind, locator, cp.getKey(), jobKey(e.getValue(), name, locator), sc.interval(), now);
                }
            }
        }
        if (jobs > 0) {
            producer.flush();
            LOG.info("scheduled {} crawl job(s)", jobs);
        }
        return jobs;
    }

    /**
     * Puts the next swept entries on the job topic: as many as the source's sweep rate allows in one
     * tick (at least one), skipping any examined since the list was made.
     */
    private int drainSweep(Source source, String name, Deque<String> sweep, SourceConfig sc, Instant now) {
        long perTick = Math.max(1, (long) Math.floor(sc.sweep().perSecond() * tick().toMillis() / 1000.0));
        int jobs = 0;
        while (jobs < perTick) {
            String locator = sweep.pollFirst();
            if (locator == null) {
                break;
            }
            String key = CrawlExecutor.mirrorKey(name, locator);
            CrawlCheckpoint cp = checkpoints.get(key);
            if (cp == null || cp.getLastCrawledAt() == null) {
                jobs += offer(name, SWEEP, locator, key, jobKey(source, name, locator), sc.interval(), now);
            }
        }
        return jobs;
    }

    /** A catalogue query's untried entries, to sweep from the next tick on (replacing an older list). */
    public void offerSweep(String source, List<String> untried) {
        if (untried.isEmpty()) {
            sweeps.remove(source);
        } else {
            sweeps.put(source, new ConcurrentLinkedDeque<>(untried));
        }
    }

    static String jobKey(Source source, String name, String locator) {
        String key = source.mirrorKey(locator);
        return key != null ? key : name + ":" + locator;
    }

    /** Sends a MIRROR job for a mirror a query found, unless it is not due. */
    public boolean offerDiscovered(String source, String locator, Instant now) {
        Source s = sources.get(source);
        return s != null
                && offer(
                                source,
                                MIRROR,
                                locator,
                                CrawlExecutor.mirrorKey(source, locator),
                                jobKey(s, source, locator),
                                config.source(source).interval(),
                                now)
                        > 0;
    }

    private int offer(
            String source,
            String kind,
            String target,
            String checkpointKey,
            String jobKey,
            Duration interval,
            Instant now) {
        CrawlCheckpoint cp = checkpoints.get(checkpointKey);
        if (!Schedule.isDue(cp, interval, now)) {
            return 0;
        }
        Instant last = enqueued.get(checkpointKey);
        // Already waiting in the topic: not again until it ran, or until it looks lost (a worker died with it).
        Duration lost = interval.compareTo(LOST_JOB) > 0 ? interval : LOST_JOB;
        if (last != null && Schedule.attemptedAt(cp) < last.toEpochMilli() && now.isBefore(last.plus(lost))) {
            return 0;
        }
        enqueued.put(checkpointKey, now);
        CrawlJob job = CrawlJob.newBuilder()
                .setJobId(UUID.randomUUID().toString())
                .setSource(source)
                .setKind(kind)
                .setTarget(target)
                .setScheduledAt(now)
                .setAttempt(cp == null ? 0 : cp.getFailures())
                .build();
        producer.send(new ProducerRecord<>(topics.crawlJobs.name(), jobKey, job));
        return 1;
    }
}
