package org.revenant.cli.bench;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.config.Configurator;
import org.revenant.avro.ChangeKind;
import org.revenant.cli.broker.EmbeddedBroker;
import org.revenant.detect.DetectConfig;
import org.revenant.detect.RevenantStreams;
import org.revenant.publish.RegistryPublisher;
import org.revenant.publish.SnapshotPublisher;
import org.revenant.wire.TopicSetup;
import org.revenant.wire.Topics;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        description = {
            "Measure Revenant end to end on an embedded broker, against baselines measured in the same run",
            "on the same data: (a) a plain consumer reading the snapshots, (b) a pass-through Kafka Streams",
            "topology, (c) Revenant's topology, both exactly_once_v2, then (d) Revenant again on the same mirrors",
            "crawled again unchanged. (b) and (c) run in rounds after an untimed warm-up of both; the last",
            "line is ratio_vs_passthrough=<c/b> of the median round."
        })
public final class BenchCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--quick", description = "Small sizes that finish in well under a minute.")
    boolean quick;

    @Option(names = "--mirrors", paramLabel = "N", description = "Mirrors to publish (default 200; --quick 20).")
    Integer mirrors;

    @Option(names = "--entries", paramLabel = "M", description = "Entries per mirror (default 5000; --quick 2000).")
    Integer entries;

    @Option(
            names = "--match-fraction",
            paramLabel = "F",
            defaultValue = "0.01",
            description = "Fraction of entries that match the registry (default ${DEFAULT-VALUE}).")
    double matchFraction;

    @Option(
            names = "--chunk-size",
            paramLabel = "C",
            defaultValue = "2000",
            description = "Entries per snapshot chunk, at most 2000 (default ${DEFAULT-VALUE}).")
    int chunkSize;

    @Option(
            names = "--partitions",
            paramLabel = "P",
            defaultValue = "2",
            description = "Partitions per topic (default ${DEFAULT-VALUE}).")
    int partitions;

    @Option(
            names = "--latency-seconds",
            paramLabel = "S",
            description = "How long to offer load for the latency probe (default 20; --quick 6).")
    Integer latencySeconds;

    @Option(
            names = "--big",
            paramLabel = "ENTRIES",
            description = "Entries of the single big snapshot (default 1000000; --quick: none; 0 skips it).")
    Integer big;

    @Option(
            names = "--rounds",
            paramLabel = "R",
            defaultValue = "5",
            description = "Rounds of (b) then (c); the ratio is the median of theirs (default ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--chart", paramLabel = "FILE.png", description = "Also draw the results as a PNG chart.")
    Path chart;

    @Option(
            names = "--seed",
            defaultValue = "42",
            description = "Seed of the generated data (default ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public Integer call() throws Exception {
        int n = mirrors != null ? mirrors : quick ? 20 : 200;
        int m = entries != null ? entries : quick ? 2000 : 5000;
        int bigEntries = big != null ? big : quick ? 0 : 1_000_000;
        Duration latency = Duration.ofSeconds(latencySeconds != null ? latencySeconds : quick ? 6 : 20);
        if (n < 1
                || m < 1
                || partitions < 1
                || rounds < 1
                || chunkSize < 1
                || chunkSize > SnapshotPublisher.MAX_ENTRIES) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(),
                    "mirrors, entries, partitions and rounds must be positive, chunk size in [1, 2000]");
        }
        PrintWriter out = spec.commandLine().getOut();
        // Under this load the embedded broker logs each transactions-v2 producer's first, retried
        // append to a new partition as an error (OutOfOrderSequenceException); it is benign here.
        Configurator.setLevel("kafka.server.ReplicaManager", Level.FATAL);
        BenchWorkload workload = new BenchWorkload(m, matchFraction, seed);
        BenchReport report = new BenchReport(n, m, matchFraction, chunkSize, partitions);
        Memory.resetPeaks();
        Path dir = Files.createTempDirectory("revenant-bench");
        try (EmbeddedBroker broker = EmbeddedBroker.start(dir.resolve("kafka"), freePort())) {
            Properties client = new Properties();
            client.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
            out.printf(
                    "revenant bench: %,d mirrors x %,d entries (%.1f%% matching), chunks of %,d, %d partitions%n",
                    n, m, matchFraction * 100, chunkSize, partitions);
            out.flush();

            // Warm-up, not timed: both topologies run once over a smaller set on topics of their own,
            // so the timed passes measure compiled code rather than the JIT compiling it (a pass lasts
            // seconds, and on two cores the compiler threads took more CPU than the app in it).
            long warmStart = System.nanoTime();
            int warmMirrors = Math.max(Math.min(n, 5), n / 4);
            Topics warm = setUp(client, workload, "bench-warmup.");
            int warmChunks = publish(client, warm, workload, warmMirrors);
            passThrough(client, warm, dir.resolve("warm-b"), "bench-warmup-passthrough", warmChunks);
            try (RevenantStreams revenant = new RevenantStreams(
                    DetectConfig.defaults(warm), client, "bench-warmup-revenant", dir.resolve("warm-c"))) {
                revenant(revenant, client, warm, warmMirrors);
            }
            out.printf(
                    "  warm-up (not timed): %,d mirrors through (b) and (c) in %.1f s%n",
                    warmMirrors, seconds(warmStart));
            out.flush();

            Topics topics = setUp(client, workload, "bench.");
            long start = System.nanoTime();
            int chunks = publish(client, topics, workload, n);
            report.published(chunks, seconds(start));
            out.printf("  published %,d chunks in %.2f s%n", chunks, report.publishSeconds);
            out.flush();

            report.plain = Throughput.plainConsumer(client, topics.snapshots);
            out.println("  " + report.line("(a) plain consumer", report.plain));
            out.flush();

            // (b) and (c) in turns (five rounds unless told), each over the same chunks with an app of
            // its own: the JVM that runs them also runs the broker and keeps compiling Kafka's code
            // throughout, so a single pass of a few seconds can lose a core to it; the ratio reported
            // is the median of the rounds'.
            RevenantStreams revenant = null;
            String revenantId = null;
            Path revenantDir = null;
            try {
                for (int round = 1; round <= rounds; round++) {
                    Throughput.Result b = passThrough(
                            client, topics, dir.resolve("streams-b" + round), "bench-passthrough-" + round, chunks);
                    String label = rounds == 1 ? "" : " #" + round;
                    out.println("  " + report.line("(b) pass-through streams" + label, b));
                    out.println("      " + b.costs().line());
                    out.flush();

                    if (revenant != null) {
                        revenant.close(); // the round before's, kept open only in case it was the last
                    }
                    long alertsBefore = Throughput.count(client, topics.alerts.name(), null);
                    revenantId = "bench-revenant-" + round;
                    revenantDir = dir.resolve("streams-c" + round);
                    revenant = new RevenantStreams(DetectConfig.defaults(topics), client, revenantId, revenantDir);
                    Throughput.Result c = revenant(revenant, client, topics, n);
                    out.println("  " + report.line("(c) revenant topology" + label, c));
                    out.println("      " + c.costs().line());
                    report.round(b, c);
                    report.alertsOpened = Throughput.count(client, topics.alerts.name(), null) - alertsBefore;
                    out.printf(
                            Locale.ROOT,
                            "      c/b = %.3f; %,d alerts opened (expected %,d: every mirror holds matches)%n",
                            b.seconds() / c.seconds(),
                            report.alertsOpened,
                            matchFraction > 0 ? n : 0);
                    out.flush();
                }
                out.println("  " + report.roundsLine());
                try (Admin admin = Admin.create(client)) {
                    report.firstCrawlChangelogBytes = Throughput.changelogBytes(admin, revenantId);
                }

                // Half of the most the bench's publisher and (c) can do together: on two shared cores
                // each entry costs the publisher's time and the app's, so that most is 1 / (1/P + 1/C)
                // for the publisher's own rate P and (c)'s C (when (c) was far slower than the
                // publisher this was about half of (c), as it used to be).
                double publisherRate = report.totalEntries() / report.publishSeconds;
                double revenantRate = report.revenant.entriesPerSecond(report.totalEntries());
                double offered = 0.5 / (1 / publisherRate + 1 / revenantRate);
                report.latencyLoad = String.format(
                        Locale.ROOT,
                        "half of the %,.0f entries/s the publisher (%,.0f alone) and c (%,.0f) manage together",
                        2 * offered,
                        publisherRate,
                        revenantRate);
                report.latency = LatencyProbe.run(client, topics, workload, chunkSize, offered, latency);
                out.println("  " + report.latencyLine());
                out.flush();

                if (bigEntries > 0) {
                    report.bigEntries = bigEntries;
                    report.bigSeconds = LatencyProbe.bigSnapshot(client, topics, workload, bigEntries);
                    out.printf(
                            "  big snapshot: %,d entries published, diffed and alerted in %.1f s%n",
                            bigEntries, report.bigSeconds);
                }
            } finally {
                if (revenant != null) {
                    revenant.close();
                }
            }

            // (d) the same mirrors crawled again with nothing changed, published while the app is
            // down and timed like (c) from RUNNING, until every input offset is committed.
            publish(client, topics, workload, n);
            var end = Throughput.endOffsets(client, topics.snapshots.name());
            try (Admin admin = Admin.create(client)) {
                Map<String, Long> before = Throughput.changelogBytesByStore(admin, revenantId);
                try (RevenantStreams again =
                        new RevenantStreams(DetectConfig.defaults(topics), client, revenantId, revenantDir)) {
                    report.recrawl = Throughput.streamsCaughtUp(
                            again.kafkaStreams(), again::runningSinceNanos, admin, revenantId, end);
                }
                Map<String, Long> after = Throughput.changelogBytesByStore(admin, revenantId);
                after.forEach((store, bytes) -> {
                    long written = bytes - before.getOrDefault(store, 0L);
                    if (written > 0) {
                        report.recrawlChangelogByStore.put(store, written);
                    }
                });
                report.recrawlChangelogBytes = report.recrawlChangelogByStore.values().stream()
                        .mapToLong(Long::longValue)
                        .sum();
            }
            out.println("  " + report.recrawlLine());
            out.flush();
            // Measured with the app closed: RocksDB flushes its memtables on close.
            report.stateStoreBytes = Throughput.directoryBytes(revenantDir);
            out.println("  " + report.stateLine());
            out.flush();
        } finally {
            deleteQuietly(dir);
        }
        report.peakHeap = Memory.peakHeapBytes();
        report.peakRss = Memory.peakRssBytes();
        out.println("  " + report.memoryLine());
        if (chart != null) {
            BenchChart.write(report, chart);
            out.println("  chart: " + chart);
        }
        out.printf("ratio_vs_passthrough=%.3f%n", report.ratioVsPassThrough());
        out.flush();
        return 0;
    }

    /** The bench's topics under this prefix, with the pass-through's output and the registry entry. */
    private Topics setUp(Properties client, BenchWorkload workload, String prefix) throws Exception {
        Topics topics = new Topics(prefix);
        try (Admin admin = Admin.create(client)) {
            TopicSetup.ensure(admin, topics, partitions, (short) 1);
            admin.createTopics(List.of(new NewTopic(prefix + "passthrough", partitions, (short) 1)))
                    .all()
                    .get();
        }
        RegistryPublisher.publish(client, topics, List.of(workload.dataset()));
        return topics;
    }

    /** Publishes the first {@code mirrors} mirrors of the workload; returns the chunks sent. */
    private int publish(Properties client, Topics topics, BenchWorkload workload, int mirrors) {
        int chunks = 0;
        try (SnapshotPublisher publisher =
                new SnapshotPublisher(client, topics, "bench", "bench-publisher", chunkSize)) {
            for (int i = 0; i < mirrors; i++) {
                chunks += publisher
                        .publish(BenchWorkload.mirror("m" + i), workload.entries(i), null, Instant.now())
                        .chunks();
            }
        }
        return chunks;
    }

    /** (b): a pass-through app of its own over the topics' snapshots, timed until every chunk is copied. */
    private static Throughput.Result passThrough(
            Properties client, Topics topics, Path stateDir, String applicationId, int chunks)
            throws InterruptedException {
        String output = topics.prefix() + "passthrough";
        try (KafkaStreams passThrough = new KafkaStreams(
                PassThroughTopology.build(topics.snapshots, output),
                streamsProperties(client, stateDir, applicationId))) {
            return Throughput.streamsUntil(
                    passThrough, Throughput.noteRunning(passThrough), client, output, chunks, null);
        }
    }

    /**
     * (c): starts the app and times it until a manifest change says each of {@code mirrors} appeared
     * (one per mirror's first snapshot); the caller closes the app.
     */
    private static Throughput.Result revenant(RevenantStreams revenant, Properties client, Topics topics, int mirrors)
            throws InterruptedException {
        return Throughput.streamsUntil(
                revenant.kafkaStreams(),
                revenant::runningSinceNanos,
                client,
                topics.changes.name(),
                mirrors,
                bytes -> topics.changes.deserializeValue(bytes).getKind() == ChangeKind.APPEARED);
    }

    static Properties streamsProperties(Properties client, Path stateDir, String applicationId) {
        // Revenant's own client tuning (commit interval, fetch and request sizes), so the baseline
        // pays the same transaction cost.
        Properties props = RevenantStreams.tuning();
        props.putAll(client);
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        return props;
    }

    static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static void deleteQuietly(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temp dir; the OS cleans it eventually
        }
    }
}
