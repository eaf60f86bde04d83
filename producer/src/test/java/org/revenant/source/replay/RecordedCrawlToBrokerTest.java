package org.revenant.source.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.revenant.avro.MirrorStatus;
import org.revenant.avro.SnapshotChunk;
import org.revenant.crawl.CrawlConfig;
import org.revenant.crawl.CrawlOnce;
import org.revenant.crawl.CrawlService;
import org.revenant.crawl.FixtureServer;
import org.revenant.platforms.Platforms;
import org.revenant.testkit.KafkaBroker;
import org.revenant.wire.TopicSetup;
import org.revenant.wire.Topics;

/**
 * {@code crawl --once} against PyGithub's recordings served as GitHub, to a real broker: what lands on
 * the snapshots topic is the recorded tree, and the recorded rename is one mirror under the new name
 * plus the old key closed as GONE (decision 016).
 */
@Tag("broker")
@Timeout(120)
class RecordedCrawlToBrokerTest {

    @RegisterExtension
    static final KafkaBroker KAFKA = new KafkaBroker();

    @TempDir
    Path dir;

    final FixtureServer github = new FixtureServer();

    @AfterEach
    void stop() {
        github.close();
    }

    @Test
    void theRecordedRepositoriesArriveOnTheSnapshotsTopicAsRecordedAndTheRenameAsOneMirror() throws Exception {
        List<Recordings.Exchange> rename = Recordings.pyGithub("Repository.testGetRepositoryWith301Redirect.txt");
        Recordings.Exchange repo = Recordings.pyGithub("Repository.setUp.txt").get(0);
        Recordings.Exchange tree = Recordings.pyGithub("Repository.testGetGitTreeWithRecursive.txt")
                .get(0);
        github.on(
                "/repos/protoncoin/protoncoin", req -> rename.get(0).response(GitHubReplayTest.ORIGIN, github.base()));
        github.on("/repositories/112116543", req -> rename.get(1).response(GitHubReplayTest.ORIGIN, github.base()));
        // Not recorded: the renamed repository's tree, written as GitHub documents an empty repository's (409).
        github.on(
                "/repos/padima2/protoncoin/git/trees/master?recursive=1",
                req -> FixtureServer.json(409, "{\"message\":\"Git Repository is empty.\"}"));
        github.on("/repos/PyGithub/PyGithub", req -> repo.response(GitHubReplayTest.ORIGIN, github.base()));
        github.on(
                "/repos/PyGithub/PyGithub/git/trees/main?recursive=1",
                req -> tree.response(GitHubReplayTest.ORIGIN, github.base()));

        String prefix = KafkaBroker.uniquePrefix("recorded") + ".";
        Topics topics = new Topics(prefix);
        TopicSetup.ensure(KAFKA.admin(), topics, 1, (short) 1);
        Properties client = new Properties();
        client.put("bootstrap.servers", KAFKA.bootstrapServers());
        Path yaml = Files.writeString(dir.resolve("crawl.yaml"), """
                sources:
                  github:
                    apiUrl: %s
                    discover: false
                    repos: [protoncoin/protoncoin, PyGithub/PyGithub]
                """.formatted(github.base()));
        CrawlOnce.Summary summary;
        try (CrawlService service =
                new CrawlService(CrawlConfig.load(yaml, Map.of(), Platforms.ALL), client, topics, Set.of("github"))) {
            summary = service.runOnce(new PrintWriter(new StringWriter()));
        }
        assertEquals(2, summary.crawled(), summary.failures().toString());

        Map<String, MirrorStatus> status = new HashMap<>();
        Map<String, Integer> entries = new HashMap<>();
        Map<String, String> renamedTo = new HashMap<>();
        Properties props = new Properties();
        props.putAll(Map.of(
                "bootstrap.servers",
                KAFKA.bootstrapServers(),
                "isolation.level",
                "read_committed",
                "enable.auto.commit",
                "false"));
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            TopicPartition p = new TopicPartition(topics.snapshots.name(), 0);
            consumer.assign(List.of(p));
            consumer.seekToBeginning(List.of(p));
            long end = consumer.endOffsets(List.of(p)).get(p);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (consumer.position(p) < end && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    SnapshotChunk chunk = topics.snapshots.deserializeValue(r.value());
                    String key = chunk.getMirror().getKey();
                    status.put(key, chunk.getMirror().getStatus());
                    entries.merge(key, chunk.getEntries().size(), Integer::sum);
                    if (chunk.getMirror().getIdentifiers().get("renamedTo") != null) {
                        renamedTo.put(key, chunk.getMirror().getIdentifiers().get("renamedTo"));
                    }
                }
            }
        }
        assertEquals(
                Map.of(
                        "github:padima2/protoncoin",
                        MirrorStatus.PRESENT,
                        "github:protoncoin/protoncoin",
                        MirrorStatus.GONE,
                        "github:pygithub/pygithub",
                        MirrorStatus.PRESENT),
                status);
        assertEquals(86, entries.get("github:pygithub/pygithub"), "the recording's 86 files");
        assertEquals(Map.of("github:protoncoin/protoncoin", "github:padima2/protoncoin"), renamedTo);
        assertTrue(github.count("/repos/protoncoin/protoncoin/") == 0, "nothing more asked under the old name");
    }
}
