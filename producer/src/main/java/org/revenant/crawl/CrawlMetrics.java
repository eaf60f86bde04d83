package org.revenant.crawl;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** Counters per source and outcome ({@code github.crawled}, {@code hf.failed}, ...), for logs, the summary and metrics. */
public final class CrawlMetrics {

    public static final String CRAWLED = "crawled";
    public static final String UNCHANGED = "unchanged";
    public static final String FAILED = "failed";
    public static final String RATE_LIMITED = "rateLimited";
    public static final String DISCOVERED = "discovered";
    public static final String QUERIES = "queries";
    public static final String SKIPPED = "skipped";

    private final Map<String, LongAdder> counters = new ConcurrentHashMap<>();

    public void increment(String source, String what) {
        add(source, what, 1);
    }

    public void add(String source, String what, long n) {
        counters.computeIfAbsent(source + "." + what, k -> new LongAdder()).add(n);
    }

    public long get(String source, String what) {
        LongAdder a = counters.get(source + "." + what);
        return a == null ? 0 : a.sum();
    }

    public Map<String, Long> snapshot() {
        Map<String, Long> out = new TreeMap<>();
        counters.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }
}
