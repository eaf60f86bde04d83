package org.revenant.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.apache.kafka.streams.KafkaStreams;
import org.revenant.avro.RetractedDataset;
import org.revenant.crawl.CrawlConfig;
import org.revenant.crawl.CrawlService;
import org.revenant.detect.DetectConfig;
import org.revenant.detect.RevenantStreams;
import org.revenant.health.Components;
import org.revenant.http.RevenantHttp;
import org.revenant.http.metrics.RevenantMetrics;
import org.revenant.publish.RegistryPublisher;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(
        name = "standalone",
        mixinStandardHelpOptions = true,
        description = {
            "Run everything in one process: a real Kafka broker (KRaft) with its data in --data-dir,",
            "the bundled registry (loaded when the registry topic is empty), the detection streams app",
            "and the crawlers (configured with --config; --no-crawl leaves them out)."
        })
final class StandaloneCommand implements Callable<Integer> {

    @Mixin
    BrokerCommand.BrokerOptions options;

    @Mixin
    HttpOptions http;

    @Spec
    CommandSpec spec;

    @CommandLine.Option(
            names = "--config",
            paramLabel = "FILE",
            description =
                    "Crawler configuration (YAML, see docs/revenant.example.yaml); default: every source on its public API.")
    Path config;

    @CommandLine.Option(names = "--no-crawl", description = "Do not run the crawlers.")
    boolean noCrawl;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        var subscriptions = http.subscriptions();
        http.analysts(); // a bad analysts file stops it before anything starts
        CrawlConfig crawlConfig = noCrawl ? null : CrawlCommand.load(config);
        LocalKafka kafka = LocalKafka.start(options, out);
        RevenantStreams streams = null;
        RevenantMetrics metrics = new RevenantMetrics();
        // One set of components per process: streams, webhooks and crawlers report here; /health shows it.
        Components components = new Components();
        RevenantHttp server = null;
        AutoCloseable webhooks = null;
        CrawlService crawler = null;
        try {
            if (TopicContents.isEmpty(kafka.clientProperties(), kafka.topics().registry)) {
                List<RetractedDataset> bundled = RegistryCommand.validated(null);
                RegistryPublisher.publish(kafka.clientProperties(), kafka.topics(), bundled);
                out.printf("loaded the bundled registry: %d datasets%n", bundled.size());
            } else {
                out.println("registry topic already holds data: keeping it (revenant registry load to update)");
            }
            streams = new RevenantStreams(
                    DetectConfig.defaults(kafka.topics()),
                    http.withApplicationServer(kafka.clientProperties()),
                    RevenantStreams.DEFAULT_APPLICATION_ID,
                    options.dataDir.resolve("streams"),
                    metrics,
                    components);
            metrics.bind(streams.kafkaStreams());
            streams.start();
            server = http.start(streams, kafka.clientProperties(), metrics, components);
            awaitRunning(streams.kafkaStreams());
            webhooks = http.startWebhooks(
                    subscriptions,
                    kafka.clientProperties(),
                    kafka.topics(),
                    RevenantStreams.DEFAULT_APPLICATION_ID,
                    metrics,
                    components);
            if (crawlConfig != null) {
                crawler = new CrawlService(
                        crawlConfig, kafka.clientProperties(), kafka.topics(), Set.of(), Main.version(), components);
                crawler.start();
            }
        } catch (Exception | Error e) {
            if (crawler != null) {
                crawler.close();
            }
            if (webhooks != null) {
                webhooks.close();
            }
            if (server != null) {
                server.close();
            }
            if (streams != null) {
                streams.close();
            }
            kafka.close();
            throw e;
        }
        String bootstrap = kafka.bootstrapServers();
        out.printf(
                "%n"
                        + "Revenant is running.%n"
                        + "  Kafka:     %s (KRaft, data in %s)%n"
                        + "  Topics:    %s*%n"
                        + "  Registry:  %d datasets%n"
                        + "  Dashboard: %s (API under /api, metrics at /metrics; actions %s)%n"
                        + "  Webhooks:  %d subscription(s); e-mail: %d%n"
                        + "  Crawlers:  %s%n"
                        + "%n"
                        + "In another shell:%n"
                        + "  ./revenant snapshot torrent FILE.torrent --bootstrap-servers %s%n"
                        + "  ./revenant alerts tail --from-beginning --bootstrap-servers %s%n"
                        + "Ctrl-C stops Revenant; its data stays in %s.%n",
                bootstrap,
                options.dataDir.toAbsolutePath(),
                kafka.topics().prefix(),
                streams.registry().current().size(),
                http.url(),
                server.actionsEnabled()
                        ? "enabled for " + http.analysts().describe()
                        : "off: use --analysts FILE or set " + HttpOptions.TOKEN_ENV,
                subscriptions.size(),
                http.emailSubscriptions().size(),
                crawler == null
                        ? "off (--no-crawl)"
                        : String.join(", ", crawler.sourceNames())
                                + (config == null ? " (default configuration)" : " (" + config + ")")
                                + crawler.limitations().stream()
                                        .map(l -> System.lineSeparator() + "  Note:      " + l)
                                        .collect(Collectors.joining()),
                bootstrap,
                bootstrap,
                options.dataDir.toAbsolutePath());
        out.flush();
        // Stop taking in work first (crawlers, deliveries, HTTP), then the app, then the broker.
        Shutdown.closeOnSignal(crawler, webhooks, server, streams, metrics, kafka);
        return 0;
    }

    static void awaitRunning(KafkaStreams streams) throws InterruptedException {
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (streams.state() != KafkaStreams.State.RUNNING) {
            if (streams.state() == KafkaStreams.State.ERROR || streams.state() == KafkaStreams.State.NOT_RUNNING) {
                throw new UserError("the streams app failed to start (state " + streams.state() + ")");
            }
            if (System.nanoTime() > deadline) {
                throw new UserError("the streams app did not reach RUNNING within 2 minutes");
            }
            Thread.sleep(100);
        }
    }
}
