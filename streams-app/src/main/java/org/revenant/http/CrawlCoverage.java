package org.revenant.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import org.revenant.avro.CrawlCheckpoint;
import org.revenant.crawl.Coverage;
import org.revenant.wire.LatestByKey;
import org.revenant.wire.Topics;

/**
 * How much of each swept catalogue the crawlers have examined (decisions 024, 029), from the query
 * checkpoints in {@code crawler-state} (only keys {@code <source>/query/...} are kept): for
 * {@code /api/sources}, the dashboard's Census page and {@code revenant_crawl_catalogue_*}.
 */
public final class CrawlCoverage implements AutoCloseable {

    static final int MAX_QUERIES = 10_000;
    // The checkpoint keys a sweep keeps in a query's extra (producer's Sweeps).
    private static final String KNOWN = "sweepKnown";
    private static final String EXAMINED = "sweepExamined";

    private final LatestByKey<CrawlCheckpoint> queries;
    /** Changes of query checkpoints so far, and the sums as of a count of them: every gauge of a scrape reads them. */
    private final AtomicLong changes = new AtomicLong();

    private record Computed(long at, List<Coverage> coverage) {}

    private volatile Computed computed = new Computed(-1, List.of());

    public CrawlCoverage(Properties client, Topics topics) {
        this.queries = new LatestByKey<>(client, topics.crawlerState, MAX_QUERIES, "revenant-crawl-coverage")
                .keys(key -> key.indexOf("/query/") > 0)
                .values(CrawlCoverage::plausible)
                .onChange((key, value) -> changes.incrementAndGet());
    }

    public CrawlCoverage start() {
        queries.start();
        return this;
    }

    /** Per source, sorted: the sums over its catalogue queries; sources without a sweep are left out. */
    public List<Coverage> coverage() {
        long now = changes.get(); // read before the snapshot: a change meanwhile makes the next call recompute
        Computed last = computed;
        if (last.at() != now) {
            last = new Computed(now, compute());
            computed = last;
        }
        return last.coverage();
    }

    private List<Coverage> compute() {
        Map<String, long[]> bySource = new TreeMap<>();
        for (CrawlCheckpoint cp : queries.snapshot().values()) {
            long known = number(cp.getExtra().get(KNOWN));
            if (known <= 0
                    || cp.getSource() == null
                    || !SourceHealthView.NAME.matcher(cp.getSource()).matches()) {
                continue;
            }
            long examined = Math.min(known, number(cp.getExtra().get(EXAMINED)));
            long[] sum = bySource.computeIfAbsent(cp.getSource(), s -> new long[2]);
            sum[0] += examined;
            sum[1] += known;
        }
        List<Coverage> out = new ArrayList<>();
        bySource.forEach((source, sum) -> out.add(new Coverage(source, sum[0], sum[1])));
        return List.copyOf(out);
    }

    void putJson(ArrayNode array) {
        for (Coverage c : coverage()) {
            var item = array.addObject();
            item.put("source", c.source());
            item.put("examined", c.examined());
            item.put("known", c.known());
            item.put("ratio", c.known() == 0 ? 0.0 : (double) c.examined() / c.known());
        }
    }

    /** A query checkpoint of the size a crawler writes: anything bigger is not kept (bounded memory). */
    private static boolean plausible(CrawlCheckpoint cp) {
        if (cp.getExtra().size() > 32) {
            return false;
        }
        long chars = 0;
        for (Map.Entry<String, String> e : cp.getExtra().entrySet()) {
            chars += e.getKey().length()
                    + (e.getValue() == null ? 0 : e.getValue().length());
        }
        return chars <= 16_384
                && (cp.getLastStatus() == null || cp.getLastStatus().length() <= 1_000);
    }

    private static long number(String text) {
        try {
            return text == null ? 0 : Math.max(0, Long.parseLong(text));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    @Override
    public void close() {
        queries.close();
    }
}
