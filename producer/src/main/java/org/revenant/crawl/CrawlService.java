package org.revenant.crawl;

import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.revenant.avro.CrawlJob;
import org.revenant.avro.SourceHealthEvent;
import org.revenant.avro.SourceHealthEventType;
import org.revenant.deadletter.DeadLetters;
import org.revenant.deadletter.KafkaDeadLetters;
import org.revenant.health.Component;
import org.revenant.health.Components;
import org.revenant.publish.SnapshotPublisher;
import org.revenant.wire.LatestByKey;
import org.revenant.wire.Topics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The continuous crawler: a scheduler that puts due jobs on {@code crawl-jobs} and workers in one
 * consumer group that take them, so every {@code revenant crawl} process pointed at the same Kafka
 * shares the work. Checkpoints live in {@code crawler-state}; a restart resumes from them.
 */
public final class CrawlService implements AutoCloseable {

    public static final String GROUP_SUFFIX = "crawlers";
    /** The name under which the crawler reports its health. */
    public static final String COMPONENT = "crawler";
    /** Failed crawls in a row (across sources) after which the crawler reports itself DEGRADED. */
    static final int FAILURES_BEFORE_DEGRADED = 5;

    private static final Duration MAX_RESTART_PAUSE = Duration.ofMinutes(1);
    /** How long a crawler that just got the scheduler lease waits before its first round (decision 027). */
    static final Duration LEASE_SETTLE = Duration.ofSeconds(2);

    private static final Logger LOG = LoggerFactory.getLogger(CrawlService.class);

    private final CrawlConfig config;
    private final Properties client;
    private final Topics topics;
    private final Map<String, Source> sources;
    private final HttpFetcher http;
    private final CrawlMetrics metrics = new CrawlMetrics();
    private final CheckpointStore checkpoints;
    private final KafkaProducer<String, CrawlJob> jobs;
    private final CrawlScheduler scheduler;
    private final CrawlExecutor executor;
    private final CachedTerms terms;
    private final List<Thread> threads = new ArrayList<>();
    private final List<KafkaConsumer<String, CrawlJob>> consumers = new ArrayList<>();
    private final List<SchedulerLease> leases = new ArrayList<>();
    private final String instance = UUID.randomUUID().toString().substring(0, 8);
    private final Components components;
    private final Component health;
    private final KafkaDeadLetters deadLetters;
    private final SourceHealth sourceHealth;
    private final KafkaProducer<String, SourceHealthEvent> healthEvents;
    private volatile boolean running = true;

    public CrawlService(CrawlConfig config, Properties client, Topics topics, Set<String> only) {
        this(config, client, topics, only, FetchSettings.defaults().version());
    }

    /** @param version Revenant's version, named in the User-Agent */
    public CrawlService(CrawlConfig config, Properties client, Topics topics, Set<String> only, String version) {
        this(config, client, topics, only, version, new Components());
    }

    /** @param components the process's components, in which the crawler reports itself as {@value #COMPONENT} */
    public CrawlService(
            CrawlConfig config,
            Properties client,
            Topics topics,
            Set<String> only,
            String version,
            Components components) {
        this.config = config;
        this.components = components;
        this.health = components.register(COMPONENT, false);
        this.deadLetters = new KafkaDeadLetters(client);
        this.client = client;
        this.topics = topics;
        this.http = new HttpFetcher(
                FetchSettings.defaults().withRequestTimeout(config.timeout()).withVersion(version));
        this.sources = Sources.build(config, http, only);
        for (String name : sources.keySet()) {
            SourceConfig sc = config.source(name);
            http.budget(sc.url(), sc.budgetPerHour(), "sources." + name + ".budget");
        }
        this.checkpoints = new CheckpointStore(client, topics);
        Properties p = new Properties();
        p.putAll(client);
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "revenant-crawl-scheduler");
        this.jobs = new KafkaProducer<>(
                p, new StringSerializer(), topics.crawlJobs.valueSerde().serializer());
        this.terms = new CachedTerms(new RegistryTerms(client, topics));
        this.scheduler = new CrawlScheduler(config, sources, checkpoints, terms, jobs, topics, Clock.systemUTC());
        this.executor = new CrawlExecutor(sources, checkpoints, metrics, Clock.systemUTC(), config.jobTimeout());
        Properties h = new Properties();
        h.putAll(client);
        h.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        h.put(ProducerConfig.ACKS_CONFIG, "all");
        h.put(ProducerConfig.CLIENT_ID_CONFIG, "revenant-source-health-" + instance);
        this.healthEvents = new KafkaProducer<>(
                h, new StringSerializer(), topics.sourceHealth.valueSerde().serializer());
        this.sourceHealth = new SourceHealth(
                SourceHealth.DEFAULT_FAILURES_BEFORE_DEGRADED,
                name -> config.source(name).interval(),
                "crawler-" + instance);
        executor.observeHealth(sourceHealth, this::tell);
        for (Source source : sources.values()) {
            source.limitation().ifPresent(limit -> {
                LOG.info(limit); // a limit of the configuration, not a fault: banner and /health notices say it
                components.notice("source " + source.name(), limit);
            });
        }
    }

    /** What the sources cannot do as configured (e.g. GitHub without a token), one line each. */
    public List<String> limitations() {
        return sources.values().stream()
                .map(Source::limitation)
                .flatMap(Optional::stream)
                .sorted()
                .toList();
    }

    /** What earlier crawler processes last said of each source, so a restart tells only what changes. */
    private void rememberSourceHealth() throws InterruptedException {
        try (LatestByKey<SourceHealthEvent> told =
                new LatestByKey<>(client, topics.sourceHealth, 10_000, "revenant-source-health-read").start()) {
            if (!told.awaitLoaded(Duration.ofSeconds(15))) {
                LOG.warn(
                        "could not read {} ({}): a source already known as degraded may be told again",
                        topics.sourceHealth.name(),
                        told.failure() == null ? "timed out" : told.failure());
            }
            told.snapshot().forEach((source, last) -> {
                if (sources.containsKey(source)) {
                    sourceHealth.remember(last);
                }
            });
        }
    }

    /** One change of a source's health: logged, and on the source-health topic for subscriptions and the dashboard. */
    private void tell(SourceHealthEvent event) {
        if (event.getEvent() == SourceHealthEventType.SOURCE_DEGRADED) {
            LOG.warn(
                    "source {} DEGRADED: {} failed crawl(s) in a row since {}{}; last: {}",
                    event.getSource(),
                    event.getConsecutiveFailures(),
                    event.getFailingSince(),
                    event.getRateLimited() ? ", rate-limited" : "",
                    event.getLastError());
        } else {
            LOG.info("source {} RECOVERED after {} failed crawl(s)", event.getSource(), event.getConsecutiveFailures());
        }
        healthEvents.send(new ProducerRecord<>(topics.sourceHealth.name(), event.getSource(), event), (m, e) -> {
            if (e != null) {
                LOG.warn("could not publish the health of source {}: {}", event.getSource(), e.getMessage());
            }
        });
    }

    public CrawlMetrics metrics() {
        return metrics;
    }

    public Set<String> sourceNames() {
        return sources.keySet();
    }

    /** {@code --once}: every source once, directly (no job topic), then returns. */
    public CrawlOnce.Summary runOnce(PrintWriter out) throws InterruptedException {
        checkpoints.start(Duration.ofSeconds(60));
        rememberSourceHealth();
        try (SnapshotPublisher publisher =
                new SnapshotPublisher(client, topics, "crawler", topics.prefix() + "crawler-once-" + instance)) {
            return CrawlOnce.run(
                    config, executor, checkpoints, terms.get(), SnapshotSink.of(publisher), sources.keySet(), out);
        }
    }

    /** HTTP requests, retries and rate-limit waits so far. */
    public Map<String, Long> httpCounters() {
        return http.counters();
    }

    public void start() throws InterruptedException {
        checkpoints.start(Duration.ofSeconds(60));
        rememberSourceHealth();
        Thread s = new Thread(this::schedule, "revenant-crawl-scheduler");
        s.setDaemon(true);
        threads.add(s);
        for (int i = 0; i < config.workers(); i++) {
            int n = i;
            Thread w = new Thread(() -> supervise(n), "revenant-crawl-worker-" + i);
            w.setDaemon(true);
            threads.add(w);
        }
        threads.forEach(Thread::start);
        health.up();
        LOG.info("crawling {} with {} worker(s)", sources.keySet(), config.workers());
    }

    /**
     * Runs worker {@code n}, and runs it again when it dies (a consumer that cannot be created, an
     * error outside any one job), after a pause doubling up to a minute, reporting meanwhile.
     */
    private void supervise(int n) {
        Duration pause = Duration.ofSeconds(1);
        while (running) {
            String died = work(n);
            if (!running) {
                return;
            }
            health.degraded("crawl worker " + n + " stopped (" + died + "); restarting in " + pause.toSeconds() + " s");
            try {
                Thread.sleep(pause.toMillis());
            } catch (InterruptedException e) {
                return;
            }
            pause = pause.multipliedBy(2).compareTo(MAX_RESTART_PAUSE) > 0 ? MAX_RESTART_PAUSE : pause.multipliedBy(2);
        }
    }

    /**
     * The scheduling loop of this process: it schedules only while it holds the scheduler lease, so
     * two crawler processes never schedule the same round twice (decision 027).
     */
    private void schedule() {
        Duration tick = scheduler.tick();
        SchedulerLease lease;
        try {
            lease = new SchedulerLease(client, topics, instance);
        } catch (RuntimeException e) {
            LOG.error("scheduler: cannot join the scheduler group: {}", e.toString());
            health.degraded("scheduler stopped: cannot join the scheduler group: " + e.getMessage());
            return;
        }
        synchronized (leases) {
            leases.add(lease);
        }
        try {
            boolean due = true;
            boolean had = false;
            while (running) {
                try {
                    // Joining takes a moment: a first round as soon as the lease is ours.
                    boolean holds =
                            lease.hold(due ? Duration.ZERO : tick) || (due && lease.hold(Duration.ofSeconds(10)));
                    if (holds && !had) {
                        // Newly ours: the last holder's latest checkpoints come through before what is due is judged.
                        holds = lease.hold(LEASE_SETTLE);
                    }
                    had = holds;
                    if (holds) {
                        scheduler.runOnce();
                    }
                    due = false;
                    RuntimeException lost = checkpoints.failure();
                    if (lost != null) {
                        health.degraded("not following " + topics.crawlerState.name() + ": " + lost.getMessage());
                    }
                } catch (WakeupException | InterruptException e) {
                    return;
                } catch (Throwable e) { // the scheduler outlives any one bad round (decision 012)
                    if (!running) {
                        return;
                    }
                    LOG.warn("scheduler: {}", e.toString(), e);
                    health.degraded("scheduling failed: " + e);
                    pause();
                }
            }
        } catch (WakeupException | InterruptException e) {
            // closing
        } finally {
            Thread.interrupted(); // the consumer must leave the group uninterrupted
            synchronized (leases) {
                leases.remove(lease);
            }
            lease.close();
        }
    }

    /** Worker {@code n}'s loop; returns why it stopped (null when asked to). */
    private String work(int n) {
        Properties c = new Properties();
        c.putAll(client);
        c.putIfAbsent(ConsumerConfig.GROUP_ID_CONFIG, topics.prefix() + GROUP_SUFFIX);
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1); // a crawl can take minutes: take one job at a time
        c.put(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, (int)
                Duration.ofMinutes(30).toMillis());
        KafkaConsumer<String, CrawlJob> consumer = new KafkaConsumer<>(
                c, new StringDeserializer(), topics.crawlJobs.valueSerde().deserializer());
        synchronized (consumers) {
            if (!running) {
                consumer.close();
                return null;
            }
            consumers.add(consumer);
        }
        String stopped = null;
        SnapshotPublisher publisher = null;
        try {
            publisher =
                    new SnapshotPublisher(client, topics, "crawler", topics.prefix() + "crawler-" + instance + "-" + n);
            SnapshotSink sink = SnapshotSink.of(publisher);
            consumer.subscribe(List.of(topics.crawlJobs.name()));
            while (running) {
                try {
                    for (ConsumerRecord<String, CrawlJob> r : consumer.poll(Duration.ofSeconds(1))) {
                        if (r.value() != null && running) {
                            runGuarded(r.value(), sink, n);
                        }
                    }
                    if (running) {
                        consumer.commitSync();
                    }
                } catch (WakeupException | InterruptException e) {
                    throw e;
                } catch (RecordDeserializationException e) {
                    // A job record no schema can read: dead-letter and skip it, or every poll would meet it again.
                    LOG.warn(
                            "crawl worker {}: unreadable job at {} offset {} dead-lettered: {}",
                            n,
                            e.topicPartition(),
                            e.offset(),
                            e.getMessage());
                    deadLetters.write(DeadLetters.undecodable(topics.dlq.name(), e));
                    consumer.seek(e.topicPartition(), e.offset() + 1);
                } catch (RuntimeException e) { // a failed commit after a rebalance, a broker hiccup: poll again
                    if (running) {
                        LOG.warn("crawl worker {}: {}; polling again", n, e.toString());
                        pause();
                    }
                }
            }
        } catch (WakeupException | InterruptException e) {
            // closing
        } catch (RuntimeException | Error e) {
            if (running) {
                LOG.error("crawl worker {} stopped: {}", n, e.getMessage(), e);
                stopped = e.toString();
            }
        } finally {
            Thread.interrupted(); // close() interrupts a crawl in progress; the Kafka clients must close uninterrupted
            if (publisher != null) {
                publisher.close();
            }
            synchronized (consumers) {
                consumers.remove(consumer);
            }
            consumer.close(Duration.ofSeconds(5));
        }
        return stopped;
    }

    /**
     * One job, whatever it throws: the executor already records a crawl's own failures; this catches
     * what escapes it (a checkpoint write that failed, an Error), so the worker thread goes on.
     */
    private void runGuarded(CrawlJob job, SnapshotSink sink, int n) {
        try {
            run(job, sink);
        } catch (WakeupException | InterruptException e) {
            throw e;
        } catch (Throwable e) {
            if (running) {
                LOG.error(
                        "crawl worker {}: job {} {} {} failed outside the crawl: {}",
                        n,
                        job.getSource(),
                        job.getKind(),
                        job.getTarget(),
                        e.toString(),
                        e);
            }
        }
    }

    private static void pause() {
        try {
            Thread.sleep(1_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run(CrawlJob job, SnapshotSink sink) {
        String source = job.getSource();
        if (!sources.containsKey(source)) {
            LOG.debug("job for source {} not enabled here: skipped", source);
            return;
        }
        if (CrawlScheduler.QUERY.equals(job.getKind())) {
            CrawlExecutor.QueryResult q = executor.query(source, job.getTarget(), terms.get());
            Instant now = Instant.now();
            int offered = 0;
            for (String locator : q.locators()) {
                if (scheduler.offerDiscovered(source, locator, now)) {
                    offered++;
                }
            }
            if (offered > 0) {
                LOG.info("{} query {}: {} mirror(s) to crawl", source, job.getTarget(), offered);
            }
            if (q.result() == CrawlExecutor.Result.CRAWLED
                    && config.source(source).sweep().enabled()) {
                scheduler.offerSweep(source, q.sweep());
            }
        } else if (CrawlScheduler.SWEEP.equals(job.getKind())) {
            report(
                    executor.sweep(
                            source,
                            job.getTarget(),
                            job.getScheduledAt(),
                            sink,
                            config.source(source).sweep().perSecond()),
                    source,
                    job.getTarget());
        } else {
            report(executor.mirror(source, job.getTarget(), job.getScheduledAt(), sink), source, job.getTarget());
        }
    }

    /** A crawl that worked clears the failure count; enough failures in a row make the crawler DEGRADED. */
    private void report(CrawlExecutor.MirrorResult result, String source, String locator) {
        switch (result.result()) {
            case CRAWLED, UNCHANGED -> health.up();
            case FAILED, RATE_LIMITED ->
                health.failed(source + " " + locator + ": " + result.reason(), FAILURES_BEFORE_DEGRADED);
            case SKIPPED -> {}
        }
    }

    /** The registry is read at most every few seconds, however many queries run. */
    private static final class CachedTerms implements Supplier<DiscoveryTerms> {
        private final RegistryTerms registry;
        private DiscoveryTerms terms;
        private long readAt;

        CachedTerms(RegistryTerms registry) {
            this.registry = registry;
        }

        @Override
        public synchronized DiscoveryTerms get() {
            if (terms == null || System.nanoTime() - readAt > 10_000_000_000L) {
                terms = registry.get();
                readAt = System.nanoTime();
            }
            return terms;
        }
    }

    @Override
    public void close() {
        running = false;
        synchronized (consumers) {
            consumers.forEach(KafkaConsumer::wakeup);
        }
        synchronized (leases) {
            leases.forEach(SchedulerLease::wakeup);
        }
        for (Thread t : threads) {
            t.interrupt();
        }
        for (Thread t : threads) {
            try {
                t.join(15_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        executor.close();
        jobs.close(Duration.ofSeconds(5));
        healthEvents.close(Duration.ofSeconds(5));
        checkpoints.close();
        deadLetters.close();
        components.remove(COMPONENT); // stopped on purpose: not a failure to report
        LOG.info("crawler stopped: {}", metrics.snapshot());
    }
}
