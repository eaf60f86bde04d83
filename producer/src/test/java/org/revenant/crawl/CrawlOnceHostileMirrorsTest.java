package org.revenant.crawl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.revenant.avro.CrawlCheckpoint;
import org.revenant.platforms.Platforms;
import org.revenant.testkit.KafkaBroker;
import org.revenant.wire.TopicSetup;
import org.revenant.wire.Topics;

/**
 * {@code crawl --once} against a GitHub-shaped server where one repository never finishes its tree,
 * one answers with a Retry-After of 2^63-1 seconds and one carries the backtracking .gitattributes:
 * the run returns, each bad mirror fails alone with its reason in crawler-state, the others publish.
 */
@Tag("broker")
@Timeout(120)
class CrawlOnceHostileMirrorsTest {

    @RegisterExtension
    static final KafkaBroker KAFKA = new KafkaBroker();

    @TempDir
    Path dir;

    final FixtureServer github = new FixtureServer();

    @AfterEach
    void stop() {
        github.close();
    }

    static String repoJson(String fullName) {
        return "{\"name\":\"" + fullName.substring(fullName.indexOf('/') + 1) + "\",\"full_name\":\"" + fullName
                + "\",\"default_branch\":\"main\",\"private\":false,\"disabled\":false,\"description\":null}";
    }

    void serve() {
        github.on("/repos/slow/tree", req -> FixtureServer.json(200, repoJson("slow/tree")));
        github.on(
                "/repos/slow/tree/git/trees/main?recursive=1",
                req -> FixtureServer.json(200, "{\"sha\":\"1\",\"tree\":[],\"truncated\":false}")
                        .delayed(30_000));

        github.on(
                "/repos/limited/repo",
                req -> FixtureServer.json(429, "{\"message\":\"slow down\"}", "Retry-After", "9223372036854775807"));

        byte[] attributes = "*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*c filter=lfs\n".getBytes(StandardCharsets.UTF_8);
        String sha = Fixtures.gitBlobSha1(attributes);
        github.on("/repos/hostile/attributes", req -> FixtureServer.json(200, repoJson("hostile/attributes")));
        github.on(
                "/repos/hostile/attributes/git/trees/main?recursive=1",
                req -> FixtureServer.json(
                        200,
                        "{\"sha\":\"2\",\"truncated\":false,\"tree\":[{\"path\":\".gitattributes\",\"type\":\"blob\",\"mode\":\"100644\","
                                + "\"size\":" + attributes.length + ",\"sha\":\"" + sha + "\"},{\"path\":\""
                                + "a".repeat(250)
                                + "\",\"type\":\"blob\",\"mode\":\"100644\",\"size\":300,\"sha\":\"3\"}]}"));
        github.on(
                "/repos/hostile/attributes/git/blobs/" + sha,
                req -> FixtureServer.json(200, Fixtures.blobJson(github.base(), "hostile/attributes", attributes)));
    }

    @Test
    void theRunReturnsAndEachHostileMirrorFailsAloneWithItsReason() throws Exception {
        serve();
        String prefix = KafkaBroker.uniquePrefix("hostile-once") + ".";
        Topics topics = new Topics(prefix);
        TopicSetup.ensure(KAFKA.admin(), topics, 1, (short) 1);
        Properties client = new Properties();
        client.put("bootstrap.servers", KAFKA.bootstrapServers());
        Path yaml = Files.writeString(dir.resolve("crawl.yaml"), """
                crawl:
                  timeout: 60s
                  jobTimeout: 3s
                sources:
                  github:
                    apiUrl: %s
                    discover: false
                    repos: [slow/tree, hostile/attributes, limited/repo] # the limit holds the whole host: last
                """.formatted(github.base()));
        CrawlConfig config = CrawlConfig.load(yaml, Map.of(), Platforms.ALL);

        StringWriter out = new StringWriter();
        CrawlOnce.Summary summary;
        try (CrawlService service = new CrawlService(config, client, topics, Set.of("github"))) {
            summary = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> service.runOnce(new PrintWriter(out)));
        }
        assertEquals(3, summary.mirrors(), out.toString());
        assertEquals(1, summary.crawled(), summary.failures().toString());
        assertEquals(2, summary.failed(), summary.failures().toString());
        assertTrue(
                summary.failures().contains("github slow/tree: took longer than 3s (crawl.jobTimeout): stopped"),
                summary.failures().toString());
        assertTrue(
                summary.failures().stream()
                        .anyMatch(f -> f.startsWith("github limited/repo: rate limited by 127.0.0.1:")),
                summary.failures().toString());

        try (CheckpointStore stored = new CheckpointStore(client, topics)) {
            stored.start(Duration.ofSeconds(30));
            CrawlCheckpoint slow = stored.get("github/slow/tree");
            assertEquals("FAILED: took longer than 3s (crawl.jobTimeout): stopped", slow.getLastStatus());
            assertEquals(1, slow.getFailures());
            assertTrue(stored.get("github/limited/repo").getLastStatus().startsWith("RATE_LIMITED: rate limited by"));
            assertEquals("PRESENT", stored.get("github/hostile/attributes").getLastStatus());
        }
        assertTrue(
                List.of(out.toString().split("\n")).contains("github: 1 crawled, 0 unchanged, 2 failed (3 s)")
                        || out.toString().contains("github: 1 crawled, 0 unchanged, 2 failed"),
                out.toString());
    }
}
