package org.revenant.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.revenant.crawl.CrawlConfig;
import org.revenant.crawl.CrawlService;
import org.revenant.detect.DetectConfig;
import org.revenant.detect.RevenantStreams;
import org.revenant.platforms.Platforms;
import org.revenant.publish.RegistryPublisher;
import org.revenant.registry.RegistryLoader;
import org.revenant.testkit.CrawlYaml;
import org.revenant.testkit.KafkaBroker;
import org.revenant.wire.TopicSetup;
import org.revenant.wire.Topics;

/**
 * For discovery tests: the bundled registry and the detection app on a test broker under a topic
 * prefix of their own, one source crawled once against a platform-shaped server, the alerts read back.
 */
final class DetectionOnBroker implements AutoCloseable {

    final KafkaBroker kafka;
    final String prefix;
    final Topics topics;
    final Properties client = new Properties();
    private final RevenantStreams streams;

    DetectionOnBroker(KafkaBroker kafka, String name, Path state) throws Exception {
        this.kafka = kafka;
        this.prefix = KafkaBroker.uniquePrefix(name) + ".";
        this.topics = new Topics(prefix);
        TopicSetup.ensure(kafka.admin(), topics, 2, (short) 1);
        client.put("bootstrap.servers", kafka.bootstrapServers());
        RegistryPublisher.publish(client, topics, RegistryLoader.load(Path.of("..", "registry")));
        streams = new RevenantStreams(DetectConfig.defaults(topics), client, prefix + "detect", state);
        streams.start();
        StandaloneCommand.awaitRunning(streams.kafkaStreams());
    }

    /** A crawl configuration enabling only {@code source}, with these lines under it. */
    static Path config(Path dir, String source, String lines) throws Exception {
        return Files.writeString(
                dir.resolve(source + "-crawl.yaml"),
                "crawl:\n  workers: 1\n  timeout: 5s\n" + CrawlYaml.only(Platforms.names(), Map.of(source, lines)));
    }

    /** {@code crawl --once} of one source in this JVM (so the environment can be given); its output. */
    String crawlOnce(Path config, Map<String, String> env, String source) throws Exception {
        StringWriter out = new StringWriter();
        try (CrawlService service =
                new CrawlService(CrawlConfig.load(config, env, Platforms.ALL), client, topics, Set.of(source))) {
            service.runOnce(new PrintWriter(out, true));
        }
        return out.toString();
    }

    JsonNode awaitEvent(String alertKey, String event) throws Exception {
        return CrawlToAlertEndToEndTest.awaitEventIn(kafka, prefix, alertKey, event);
    }

    List<JsonNode> alerts() throws Exception {
        return CrawlToAlertEndToEndTest.alertsIn(kafka, prefix);
    }

    @Override
    public void close() {
        streams.close();
    }
}
