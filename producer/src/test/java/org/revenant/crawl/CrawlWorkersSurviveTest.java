package org.revenant.crawl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
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
 * The continuous crawler's single worker meets, in this order on one partition, a job record no
 * schema can read and a Hugging Face answer with a Retry-After of 2^63-1 seconds; it must still be
 * alive to crawl the GitHub repository queued behind them.
 */
@Tag("broker")
@Timeout(120)
class CrawlWorkersSurviveTest {

    @RegisterExtension
    static final KafkaBroker KAFKA = new KafkaBroker();

    @TempDir
    Path dir;

    final FixtureServer github = new FixtureServer();
    final FixtureServer hf = new FixtureServer();

    @AfterEach
    void stop() {
        github.close();
        hf.close();
    }

    @Test
    void aPoisonJobAndAnOverflowingRetryAfterLeaveTheWorkerCrawling() throws Exception {
        github.on(
                "/repos/good/repo",
                req -> FixtureServer.json(
                        200,
                        "{\"name\":\"repo\",\"full_name\":\"good/repo\",\"default_branch\":\"main\",\"private\":false}"));
        github.on(
                "/repos/good/repo/git/trees/main?recursive=1",
                req -> FixtureServer.json(200, "{\"sha\":\"1\",\"tree\":[],\"truncated\":false}"));
        hf.on(
                "/api/datasets/x/limited",
                req -> FixtureServer.json(429, "{\"error\":\"slow down\"}", "Retry-After", "9223372036854775807"));

        String prefix = KafkaBroker.uniquePrefix("workers-survive") + ".";
        Topics topics = new Topics(prefix);
        TopicSetup.ensure(KAFKA.admin(), topics, 1, (short) 1);
        Properties client = new Properties();
        client.put("bootstrap.servers", KAFKA.bootstrapServers());
        Path yaml = Files.writeString(dir.resolve("crawl.yaml"), """
                crawl:
                  workers: 1
                  jobTimeout: 20s
                sources:
                  github: {apiUrl: %s, discover: false}
                  hf: {apiUrl: %s, discover: false}
                """.formatted(github.base(), hf.base()));
        CrawlConfig config = CrawlConfig.load(yaml, Map.of(), Platforms.ALL);

        try (KafkaProducer<String, byte[]> raw =
                        new KafkaProducer<>(client, new StringSerializer(), new ByteArraySerializer());
                KafkaProducer<String, CrawlJob> jobs = new KafkaProducer<>(
                        client,
                        new StringSerializer(),
                        topics.crawlJobs.valueSerde().serializer())) {
            raw.send(new ProducerRecord<>(topics.crawlJobs.name(), "poison", new byte[] {(byte) 0xC3, 0x01, 1, 2, 3}))
                    .get();
            jobs.send(new ProducerRecord<>(topics.crawlJobs.name(), "hf:datasets/x/limited", job("hf", "x/limited")))
                    .get();
            jobs.send(new ProducerRecord<>(topics.crawlJobs.name(), "github:good/repo", job("github", "good/repo")))
                    .get();
        }

        try (CrawlService service = new CrawlService(config, client, topics, Set.of("github", "hf"));
                CheckpointStore seen = new CheckpointStore(client, topics)) {
            service.start();
            seen.start(Duration.ofSeconds(30));
            long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (seen.get("github/good/repo") == null && System.nanoTime() < end) {
                Thread.sleep(100);
            }
            CrawlCheckpoint good = seen.get("github/good/repo");
            assertTrue(good != null, "the job behind the poison and the overflow was crawled");
            assertEquals("PRESENT", good.getLastStatus());
            assertTrue(
                    seen.get("hf/x/limited").getLastStatus().startsWith("RATE_LIMITED: rate limited by 127.0.0.1:"),
                    seen.get("hf/x/limited").getLastStatus());
        }
    }

    static CrawlJob job(String source, String target) {
        return CrawlJob.newBuilder()
                .setJobId(UUID.randomUUID().toString())
                .setSource(source)
                .setKind(CrawlScheduler.MIRROR)
                .setTarget(target)
                .setScheduledAt(Instant.now())
                .setAttempt(0)
                .build();
    }
}
