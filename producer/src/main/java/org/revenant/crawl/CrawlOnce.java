package org.revenant.crawl;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.revenant.avro.CrawlCheckpoint;

/**
 * {@code revenant crawl --once}: every enabled source once (its queries, its watch list and the
 * mirrors it crawled before), with a progress line per source and a summary, without the job topic.
 */
public final class CrawlOnce {

    /** Totals of a run. */
    public record Summary(int mirrors, int crawled, int unchanged, int failed, List<String> failures) {
        public boolean ok() {
            return failed == 0;
        }
    }

    private static final int MAX_LISTED_FAILURES = 10;

    private CrawlOnce() {}

    public static Summary run(
            CrawlConfig config,
            CrawlExecutor executor,
            CheckpointStore checkpoints,
            DiscoveryTerms terms,
            SnapshotSink sink,
            Set<String> sourceNames,
            PrintWriter out) {
        int mirrors = 0;
        int crawled = 0;
        int unchanged = 0;
        int failed = 0;
        List<String> failures = new ArrayList<>();
        for (String name : sourceNames) {
            Source source = executor.source(name);
            long start = System.nanoTime();
            Set<String> locators = new LinkedHashSet<>(config.source(name).watch());
            for (CrawlCheckpoint cp : checkpoints.all()) {
                if (name.equals(cp.getSource())
                        && CrawlScheduler.MIRROR.equals(cp.getExtra().get(Schedule.KIND))
                        && cp.getExtra().get(Schedule.LOCATOR) != null) {
                    locators.add(cp.getExtra().get(Schedule.LOCATOR));
                }
            }
            List<String> queries = source.queries(terms);
            int queryFailures = 0;
            List<String> untried = new ArrayList<>();
            List<String> catalogue = new ArrayList<>();
            List<String> catalogueQueries = new ArrayList<>();
            for (String q : queries) {
                CrawlExecutor.QueryResult r = executor.query(name, q, terms);
                if (r.result() == CrawlExecutor.Result.CRAWLED) {
                    locators.addAll(r.locators());
                    untried.addAll(r.sweep());
                    catalogue.addAll(r.catalogue());
                    if (!r.catalogue().isEmpty()) {
                        catalogueQueries.add(q); // a listing of a catalogue, not a search
                    }
                } else {
                    queryFailures++;
                    failed++;
                    note(failures, name + " query " + q + ": " + r.reason());
                }
            }
            out.printf(
                    "%s: %d queries (%d failed), %d mirrors to crawl%n",
                    name, queries.size(), queryFailures, locators.size());
            out.flush();
            int c = 0;
            int u = 0;
            int f = 0;
            int done = 0;
            for (String locator : locators) {
                CrawlExecutor.MirrorResult r = executor.mirror(name, locator, null, sink);
                switch (r.result()) {
                    case CRAWLED -> c++;
                    case UNCHANGED -> u++;
                    case SKIPPED -> {}
                    default -> {
                        f++;
                        note(failures, name + " " + locator + ": " + r.reason());
                    }
                }
                if (++done % 25 == 0) {
                    out.printf("%s: %d/%d mirrors%n", name, done, locators.size());
                    out.flush();
                }
            }
            Sweep sweep = config.source(name).sweep();
            if (sweep.enabled() && !catalogue.isEmpty()) {
                // The catalogue's other entries, a budget per run, at the sweep's rate (decision 024).
                untried.removeAll(locators);
                List<String> batch = untried.subList(0, Math.min(untried.size(), sweep.perRun()));
                int n = 0;
                for (String locator : batch) {
                    CrawlExecutor.MirrorResult r = executor.sweep(name, locator, null, sink, sweep.perSecond());
                    switch (r.result()) {
                        case CRAWLED -> c++;
                        case UNCHANGED -> u++;
                        case SKIPPED -> {}
                        default -> {
                            f++;
                            note(failures, name + " " + locator + ": " + r.reason());
                        }
                    }
                    if (++n % 25 == 0) {
                        out.printf("%s: swept %d/%d%n", name, n, batch.size());
                        out.flush();
                    }
                }
                int swept = batch.size();
                int left = untried.size() - swept;
                locators.addAll(batch);
                long examined = executor.examined(name, catalogue);
                for (String q : catalogueQueries) {
                    executor.recordSweep(name, q, examined, catalogue.size(), left);
                }
                out.printf(
                        "%s: catalogue %s; %d swept this run, %d left%n",
                        name, Sweeps.coverage(examined, catalogue.size()), swept, left);
                out.flush();
            } else if (sweep.enabled()) {
                for (String q : queries) {
                    CrawlCheckpoint cp = checkpoints.get(CrawlExecutor.queryKey(name, q));
                    if (Sweeps.known(cp) > 0) {
                        out.printf(
                                "%s: catalogue %s (listing unchanged)%n",
                                name, Sweeps.coverage(Sweeps.examined(cp), Sweeps.known(cp)));
                    }
                }
            } else {
                // No catalogue to sweep: what this source covers is what its searches and watch list reach.
                out.printf(
                        "%s: coverage: %d search(es) and %d watched or known mirror(s); no catalogue to sweep%n",
                        name, queries.size(), locators.size());
            }
            mirrors += locators.size();
            crawled += c;
            unchanged += u;
            failed += f;
            out.printf(
                    "%s: %d crawled, %d unchanged, %d failed (%d s)%n",
                    name, c, u, f, Duration.ofNanos(System.nanoTime() - start).toSeconds());
            out.flush();
        }
        checkpoints.flush();
        return new Summary(mirrors, crawled, unchanged, failed, failures);
    }

    private static void note(List<String> failures, String line) {
        if (failures.size() < MAX_LISTED_FAILURES) {
            failures.add(line);
        }
    }

    /** For the summary line. */
    public static String describe(Summary s, Map<String, Long> http) {
        return String.format(
                "crawled %d mirror(s): %d published, %d unchanged, %d failed; %d HTTP request(s), %d retried, %d rate-limited",
                s.mirrors(),
                s.crawled(),
                s.unchanged(),
                s.failed(),
                http.getOrDefault("requests", 0L),
                http.getOrDefault("retries", 0L),
                http.getOrDefault("rateLimited", 0L));
    }
}
