package org.revenant.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.revenant.detect.DetectConfig;
import org.revenant.detect.RevenantStreams;
import org.revenant.health.Components;
import org.revenant.http.RevenantHttp;
import org.revenant.http.metrics.RevenantMetrics;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
        name = "streams",
        mixinStandardHelpOptions = true,
        description = {
            "Run the detection streams app against a Kafka cluster, until Ctrl-C.",
            "Start several with the same --application-id to share the work."
        })
final class StreamsCommand implements Callable<Integer> {

    @Mixin
    KafkaOptions kafka;

    @Mixin
    HttpOptions http;

    @Mixin
    TopicOptions topicOptions;

    @Spec
    CommandSpec spec;

    @Option(
            names = "--application-id",
            paramLabel = "ID",
            defaultValue = RevenantStreams.DEFAULT_APPLICATION_ID,
            description = "Kafka Streams application id (default ${DEFAULT-VALUE}).")
    String applicationId;

    @Option(
            names = "--state-dir",
            paramLabel = "DIR",
            defaultValue = "revenant-data/streams",
            description = "Local state of the streams app (default ${DEFAULT-VALUE}); rebuilt from Kafka when lost.")
    Path stateDir;

    @Override
    public Integer call() throws Exception {
        var subscriptions = http.subscriptions();
        http.analysts(); // a bad analysts file stops it before anything starts
        topicOptions.ensure(kafka, spec.commandLine().getOut());
        RevenantMetrics metrics = new RevenantMetrics();
        // One set of components per process: streams, webhooks and crawlers report here; /health shows it.
        Components components = new Components();
        RevenantStreams streams = new RevenantStreams(
                DetectConfig.defaults(kafka.topics()),
                http.withApplicationServer(kafka.clientProperties()),
                applicationId,
                stateDir,
                metrics,
                components);
        metrics.bind(streams.kafkaStreams());
        streams.start();
        RevenantHttp server = null;
        AutoCloseable webhooks;
        try {
            server = http.start(streams, kafka.clientProperties(), metrics, components);
            StandaloneCommand.awaitRunning(streams.kafkaStreams());
            webhooks = http.startWebhooks(
                    subscriptions, kafka.clientProperties(), kafka.topics(), applicationId, metrics, components);
        } catch (RuntimeException | InterruptedException e) {
            if (server != null) {
                server.close();
            }
            streams.close();
            throw e;
        }
        spec.commandLine()
                .getOut()
                .printf(
                        "Revenant streams app %s is running against %s (state in %s). Ctrl-C stops it.%n",
                        applicationId, kafka.bootstrapServers(), stateDir.toAbsolutePath());
        spec.commandLine()
                .getOut()
                .printf(
                        "Dashboard and API: %s; webhooks: %d subscription(s); e-mail: %d%n",
                        http.url(),
                        subscriptions.size(),
                        http.emailSubscriptions().size());
        spec.commandLine().getOut().flush();
        Shutdown.closeOnSignal(webhooks, server, streams, metrics);
        return 0;
    }
}
