package org.revenant.cli.bench;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** The figures of one bench run, and how they are printed. */
final class BenchReport {

    final int mirrors;
    final int entriesPerMirror;
    final double matchFraction;
    final int chunkSize;
    final int partitions;
    int chunks;
    double publishSeconds;
    Throughput.Result plain;
    /** (b) and (c) of each round, in order. */
    final List<Throughput.Result[]> rounds = new ArrayList<>();
    /** The round whose c/b is the median. */
    Throughput.Result passThrough;

    Throughput.Result revenant;
    long alertsOpened;
    LatencyProbe.Result latency;
    /** What the probe's offered load is half of. */
    String latencyLoad = "";

    int bigEntries;
    double bigSeconds;
    long firstCrawlChangelogBytes;
    long stateStoreBytes;
    Throughput.Result recrawl;
    long recrawlChangelogBytes;
    /** What the re-crawl wrote to each store's changelog, by store. */
    final Map<String, Long> recrawlChangelogByStore = new TreeMap<>();

    long peakHeap;
    long peakRss;

    BenchReport(int mirrors, int entriesPerMirror, double matchFraction, int chunkSize, int partitions) {
        this.mirrors = mirrors;
        this.entriesPerMirror = entriesPerMirror;
        this.matchFraction = matchFraction;
        this.chunkSize = chunkSize;
        this.partitions = partitions;
    }

    void published(int chunks, double seconds) {
        this.chunks = chunks;
        this.publishSeconds = seconds;
    }

    long totalEntries() {
        return (long) mirrors * entriesPerMirror;
    }

    String line(String label, Throughput.Result result) {
        return String.format(
                Locale.ROOT,
                "%-26s %9.2f s  %,10.0f records/s  %,12.0f entries/s",
                label,
                result.seconds(),
                result.recordsPerSecond(chunks),
                result.entriesPerSecond(totalEntries()));
    }

    /** Adds a round of (b) then (c); {@link #passThrough} and {@link #revenant} become the median round's. */
    void round(Throughput.Result b, Throughput.Result c) {
        rounds.add(new Throughput.Result[] {b, c});
        List<Throughput.Result[]> byRatio = new ArrayList<>(rounds);
        byRatio.sort(Comparator.comparingDouble(BenchReport::ratio));
        Throughput.Result[] median = byRatio.get((byRatio.size() - 1) / 2);
        passThrough = median[0];
        revenant = median[1];
    }

    private static double ratio(Throughput.Result[] round) {
        return round[0].seconds() / round[1].seconds();
    }

    /** c/b of the median round (the lower middle of an even count). */
    double ratioVsPassThrough() {
        return passThrough.seconds() / revenant.seconds();
    }

    String roundsLine() {
        StringBuilder each = new StringBuilder();
        for (Throughput.Result[] round : rounds) {
            each.append(each.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.3f", ratio(round)));
        }
        return String.format(
                Locale.ROOT,
                "c/b by round: %s; median %.3f (b %,.0f, c %,.0f entries/s)",
                each,
                ratioVsPassThrough(),
                passThrough.entriesPerSecond(totalEntries()),
                revenant.entriesPerSecond(totalEntries()));
    }

    double ratioVsPlain() {
        return plain.seconds() / revenant.seconds();
    }

    String latencyLine() {
        if (latency.received() == 0) {
            return "latency: no alerts observed (match fraction 0?)";
        }
        var h = latency.histogram();
        return String.format(
                Locale.ROOT,
                "c/b = %.3f  c/a = %.3f%n  snapshot-to-alert latency at %,.0f entries/s offered (%s; %,d-entry snapshots):"
                        + " p50 %d ms  p90 %d ms  p99 %d ms  max %d ms  (%d of %d snapshots alerted)",
                ratioVsPassThrough(),
                ratioVsPlain(),
                latency.offeredEntriesPerSecond(),
                latencyLoad,
                latency.entriesPerSnapshot(),
                h.getValueAtPercentile(50),
                h.getValueAtPercentile(90),
                h.getValueAtPercentile(99),
                h.getMaxValue(),
                latency.received(),
                latency.sent());
    }

    String recrawlLine() {
        return String.format(
                        Locale.ROOT,
                        "%s  (%.3f of b)%n      changelog bytes: first crawl %,d (%.1f per entry), re-crawl %,d (%.1f per entry, %.1f%% of first)",
                        line("(d) unchanged re-crawl", recrawl),
                        passThrough.seconds() / recrawl.seconds(),
                        firstCrawlChangelogBytes,
                        (double) firstCrawlChangelogBytes / totalEntries(),
                        recrawlChangelogBytes,
                        (double) recrawlChangelogBytes / totalEntries(),
                        100.0 * recrawlChangelogBytes / Math.max(1, firstCrawlChangelogBytes))
                + (recrawlChangelogByStore.isEmpty()
                        ? ""
                        : String.format(
                                Locale.ROOT, "%n      re-crawl changelog bytes by store: %s", recrawlChangelogByStore));
    }

    String stateLine() {
        return String.format(
                Locale.ROOT,
                "state stores of (c) on disk, app closed after (d): %,d bytes (%.1f per entry; includes the latency and big snapshots)",
                stateStoreBytes,
                (double) stateStoreBytes / totalEntries());
    }

    String memoryLine() {
        return String.format(
                Locale.ROOT,
                "peak heap %,d MiB, peak RSS %s (one JVM: broker, apps and generator)",
                peakHeap >> 20,
                peakRss < 0 ? "n/a" : String.format(Locale.ROOT, "%,d MiB", peakRss >> 20));
    }
}
