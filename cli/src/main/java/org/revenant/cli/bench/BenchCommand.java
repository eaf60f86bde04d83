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
            "crawled again unchanged. The last line is ratio_vs_passthrough=<c/b>."
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
        if (n < 1 || m < 1 || partitions < 1 || chunkSize < 1 || chunkSize > SnapshotPublisher.MAX_ENTRIES) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(), "mirrors, entries and partitions must be positive, chunk size in [1, 2000]");
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
            Topics topics = new Topics("bench.");
            try (Admin admin = Admin.create(client)) {
                TopicSetup.ensure(admin, topics, partitions, (short) 1);
                admin.createTopics(List.of(new NewTopic("bench.passthrough", partitions, (short) 1)))
                        .all()
                        .get();
            }
            RegistryPublisher.publish(client, topics, List.of(workload.dataset()));
            out.printf(
                    "revenant bench: %,d mirrors x %,d entries (%.1f%% matching), chunks of %,d, %d partitions%n",
                    n, m, matchFraction * 100, chunkSize, partitions);
            out.flush();

            long start = System.nanoTime();
            int chunks = 0;
            try (SnapshotPublisher publisher =
                    new SnapshotPublisher(client, topics, "bench", "bench-publisher", chunkSize)) {
                for (int i = 0; i < n; i++) {
                    chunks += publisher
                            .publish(BenchWorkload.mirror("m" + i), workload.entries(i), null, Instant.now())
                            .chunks();
                }
            }
            report.published(chunks, seconds(start));
            out.printf("  published %,d chunks in %.2f s%n", chunks, report.publishSeconds);
            out.flush();

            report.plain = Throughput.plainConsumer(client, topics.snapshots);
            out.println("  " + report.line("(a) plain consumer", report.plain));
            out.flush();

            Properties streamsProps = streamsProperties(client, dir.resolve("streams-b"), "bench-passthrough");
            try (KafkaStreams passThrough =
                    new KafkaStreams(PassThroughTopology.build(topics.snapshots, "bench.passthrough"), streamsProps)) {
                report.passThrough = Throughput.streamsUntil(
                        passThrough, Throughput.noteRunning(passThrough), client, "bench.passthrough", chunks, null);
            }
            out.println("  " + report.line("(b) pass-through streams", report.passThrough));
            out.flush();

            try (RevenantStreams revenant = new RevenantStreams(
                    DetectConfig.defaults(topics), client, "bench-revenant", dir.resolve("streams-c"))) {
                report.revenant = Throughput.streamsUntil(
                        revenant.kafkaStreams(),
                        revenant::runningSinceNanos,
                        client,
                        topics.changes.name(),
                        n,
                        bytes -> topics.changes
                                .deserializeValue(bytes)
                                .getKind()
                                .name()
                                .equals("APPEARED"));
                out.println("  " + report.line("(c) revenant topology", report.revenant));
                report.alertsOpened = Throughput.count(client, topics.alerts.name(), null);
                out.printf(
                        "      %,d alerts opened (expected %,d: every mirror holds matches)%n",
                        report.alertsOpened, matchFraction > 0 ? n : 0);
                out.flush();
                try (Admin admin = Admin.create(client)) {
                    report.firstCrawlChangelogBytes = Throughput.changelogBytes(admin, "bench-revenant");
                }

                double offered = report.revenant.entriesPerSecond(report.totalEntries()) / 2;
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
            }

            // (d) the same mirrors crawled again with nothing changed, published while the app is
            // down and timed like (c) from RUNNING, until every input offset is committed.
            try (SnapshotPublisher publisher =
                    new SnapshotPublisher(client, topics, "bench", "bench-publisher", chunkSize)) {
                for (int i = 0; i < n; i++) {
                    publisher.publish(BenchWorkload.mirror("m" + i), workload.entries(i), null, Instant.now());
                }
            }
            var end = Throughput.endOffsets(client, topics.snapshots.name());
            try (Admin admin = Admin.create(client)) {
                Map<String, Long> before = Throughput.changelogBytesByStore(admin, "bench-revenant");
                try (RevenantStreams revenant = new RevenantStreams(
                        DetectConfig.defaults(topics), client, "bench-revenant", dir.resolve("streams-c"))) {
                    report.recrawl = Throughput.streamsCaughtUp(
                            revenant.kafkaStreams(), revenant::runningSinceNanos, admin, "bench-revenant", end);
                }
                Map<String, Long> after = Throughput.changelogBytesByStore(admin, "bench-revenant");
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
            report.stateStoreBytes = Throughput.directoryBytes(dir.resolve("streams-c"));
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

    static Properties streamsProperties(Properties client, Path stateDir, String applicationId) {
        Properties props = new Properties();
        props.putAll(client);
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        // The same commit interval as Revenant's, so the baseline pays the same transaction cost.
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
        props.put(StreamsConfig.consumerPrefix("max.partition.fetch.bytes"), 4 * 1024 * 1024);
        props.put(StreamsConfig.producerPrefix("max.request.size"), 4 * 1024 * 1024);
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
