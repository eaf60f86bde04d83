package org.revenant.crawl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.revenant.avro.CrawlCheckpoint;
import org.revenant.avro.CrawlJob;
import org.revenant.platforms.Platforms;
import org.revenant.testkit.KafkaBroker;
import org.revenant.wire.TopicSetup;
import org.revenant.wire.Topics;

/**
 * Jobs go on the topic by expected yield (decision 027): a watched mirror never crawled, of any
 * source, before the routine re-check of one crawled before, whatever the order of the watch lists.
 */
@Tag("broker")
@Timeout(60)
class SchedulePriorityTest {

    @RegisterExtension
    static final KafkaBroker KAFKA = new KafkaBroker();

    @TempDir
    Path dir;

    @Test
    void neverCrawledMirrorsOfEverySourceGoBeforeRoutineReChecks() throws Exception {
        String prefix = KafkaBroker.uniquePrefix("priority") + ".";
        Topics topics = new Topics(prefix);
        TopicSetup.ensure(KAFKA.admin(), topics, 1, (short) 1);
        Properties client = new Properties();
        client.put("bootstrap.servers", KAFKA.bootstrapServers());
        Path yaml = Files.writeString(dir.resolve("crawl.yaml"), """
                sources:
                  github: {apiUrl: http://127.0.0.1:9, discover: false, interval: 1h, repos: [old/one, new/one]}
                  hf: {apiUrl: http://127.0.0.1:9, discover: false, interval: 1h, datasets: [new/two]}
                """);
        CrawlConfig config = CrawlConfig.load(yaml, Map.of(), Platforms.ALL);
        Map<String, Source> sources = Sources.build(
                config, new HttpFetcher(FetchSettings.defaults(), d -> {}, Clock.systemUTC()), Set.of("github", "hf"));
        Instant now = Instant.now();
        try (CheckpointStore checkpoints = new CheckpointStore(client, topics)) {
            checkpoints.start(Duration.ofSeconds(30));
            checkpoints.put(CrawlCheckpoint.newBuilder()
                    .setKey(CrawlExecutor.mirrorKey("github", "old/one"))
                    .setSource("github")
                    .setLastCrawledAt(now.minus(Duration.ofHours(3)))
                    .setLastStatus("PRESENT")
                    .setExtra(Map.of(
                            Schedule.ATTEMPTED_AT,
                            Long.toString(now.minus(Duration.ofHours(3)).toEpochMilli()),
                            Schedule.KIND,
                            CrawlScheduler.MIRROR,
                            Schedule.LOCATOR,
                            "old/one"))
                    .build());
            Serializer<CrawlJob> values = topics.crawlJobs.valueSerde().serializer();
            MockProducer<String, CrawlJob> jobs = new MockProducer<>(true, null, new StringSerializer(), values);
            CrawlScheduler scheduler = new CrawlScheduler(
                    config, sources, checkpoints, DiscoveryTerms::empty, jobs, topics, Clock.systemUTC());
            assertEquals(3, scheduler.runOnce());
            List<String> order = jobs.history().stream()
                    .map(r -> r.value().getSource() + " " + r.value().getTarget())
                    .toList();
            assertEquals(3, order.size(), order.toString());
            assertEquals("github old/one", order.get(2), "the routine re-check last: " + order);
            assertTrue(order.subList(0, 2).containsAll(List.of("github new/one", "hf new/two")), order.toString());
        }
    }
}
