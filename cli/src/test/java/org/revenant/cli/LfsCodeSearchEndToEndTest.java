package org.revenant.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.revenant.crawl.CrawlConfig;
import org.revenant.crawl.CrawlService;
import org.revenant.platforms.Platforms;
import org.revenant.testkit.KafkaBroker;

/**
 * A renamed copy found by what a Git LFS pointer says, not by any name (decision 028): a repository
 * called nothing the registry knows, whose only data file is an LFS pointer with the exact size of
 * MS-Celeb-1M's aligned TSV, is returned by GitHub's code search for that {@code size} line, crawled
 * and alerted; a training-code repository that the same search returns (it mentions the size in a
 * comment) stays silent. The code search is the one that needs {@code GITHUB_TOKEN}.
 */
@Tag("broker")
@Timeout(180)
class LfsCodeSearchEndToEndTest {

    @RegisterExtension
    static final KafkaBroker KAFKA = new KafkaBroker();

    @TempDir
    static Path dir;

    static final long ALIGNED_TSV = 91_124_295_076L;
    static final String COPY = "quiet/holiday-pack";
    static final String CODE = "ml-lab/face-recipes";

    static DetectionOnBroker world;
    static PlatformServer github;

    @BeforeAll
    static void start() throws Exception {
        github = new PlatformServer();
        github.onPrefix(
                "/search/",
                req -> PlatformServer.Reply.json(200, "{\"total_count\":0,\"incomplete_results\":false,\"items\":[]}"));
        // What code search answers for the pointer's size line: both repositories hold those words.
        github.on(
                "/search/code?q=size+" + ALIGNED_TSV + "+oid+sha256&per_page=100",
                req -> PlatformServer.Reply.json(
                        200,
                        "{\"total_count\":2,\"incomplete_results\":false,\"items\":["
                                + codeItem(COPY, "data/part-a.bin")
                                + ","
                                + codeItem(CODE, "NOTES.md")
                                + "]}"));
        byte[] attributes = "*.bin filter=lfs diff=lfs merge=lfs -text\n".getBytes(StandardCharsets.UTF_8);
        byte[] pointer = ("version https://git-lfs.github.com/spec/v1\n"
                        + "oid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\n"
                        + "size " + ALIGNED_TSV + "\n")
                .getBytes(StandardCharsets.UTF_8);
        serveRepository(COPY, "800001", Map.of(".gitattributes", attributes, "data/part-a.bin", pointer));
        byte[] notes = ("# Recipes\nThe aligned TSV is size " + ALIGNED_TSV
                        + " bytes (oid sha256 in the LFS docs); train on MS1M with train.py.\n")
                .getBytes(StandardCharsets.UTF_8);
        serveRepository(CODE, "800002", Map.of("NOTES.md", notes, "train.py", "import torch\n".getBytes()));
        world = new DetectionOnBroker(KAFKA, "lfs-search", dir.resolve("state"));
    }

    @AfterAll
    static void stop() {
        if (world != null) {
            world.close();
        }
        if (github != null) {
            github.close();
        }
    }

    @Test
    void aRepositoryFoundOnlyThroughAnLfsPointersSizeLineAlertsAndTheCodeThatMentionsItDoesNot() throws Exception {
        Path config =
                DetectionOnBroker.config(dir, "github", "apiUrl: " + github.base() + "\ndiscover: true\nrepos: []");

        // Without a token there is no code search, and the configuration says so.
        try (CrawlService anonymous = new CrawlService(
                CrawlConfig.load(config, Map.of(), Platforms.ALL), world.client, world.topics, Set.of("github"))) {
            assertEquals(1, anonymous.limitations().size());
            assertTrue(anonymous.limitations().get(0).contains("GITHUB_TOKEN is not set"));
        }

        String out = world.crawlOnce(config, Map.of("GITHUB_TOKEN", "test-token"), "github");
        assertTrue(!out.contains("GITHUB_TOKEN is not set"), out);
        assertTrue(
                github.seen.stream().anyMatch(s -> s.path().startsWith("/search/code?q=size+" + ALIGNED_TSV)),
                "the LFS size query was made: " + out);

        JsonNode opened = world.awaitEvent("ms-celeb-1m|github:" + COPY, "OPENED");
        assertTrue(opened.path("evidence").toString().contains("data/part-a.bin"), opened.toString());
        assertTrue(opened.path("evidence").toString().contains(Long.toString(ALIGNED_TSV)), opened.toString());
        assertTrue(
                github.seen.stream().anyMatch(s -> s.path().equals("/repos/" + CODE + "/git/trees/main?recursive=1")),
                "the code repository was crawled too");
        for (JsonNode alert : world.alerts()) {
            assertTrue(!alert.path("mirrorKey").asText().equals("github:" + CODE), "code that mentions it: " + alert);
        }
    }

    private static String codeItem(String repo, String path) {
        return "{\"name\":\"" + path.substring(path.lastIndexOf('/') + 1) + "\",\"path\":\"" + path
                + "\",\"sha\":\"0000000000000000000000000000000000000000\",\"score\":1.0,"
                + "\"repository\":{\"full_name\":\"" + repo + "\"}}";
    }

    private static void serveRepository(String repo, String id, Map<String, byte[]> files) {
        String owner = repo.substring(0, repo.indexOf('/'));
        String name = repo.substring(repo.indexOf('/') + 1);
        github.json(
                "/repos/" + repo,
                github.resource(
                        "github-repo.json", Map.of("id", id, "owner", owner, "name", name, "description", "files")),
                "\"r-" + id + "\"");
        StringBuilder entries = new StringBuilder();
        for (Map.Entry<String, byte[]> f : files.entrySet()) {
            String sha = CrawlToAlertEndToEndTest.gitBlobSha1(f.getValue());
            if (entries.length() > 0) {
                entries.append(',');
            }
            entries.append("{\"path\":\"")
                    .append(f.getKey())
                    .append("\",\"mode\":\"100644\",\"type\":\"blob\",\"size\":")
                    .append(f.getValue().length)
                    .append(",\"sha\":\"")
                    .append(sha)
                    .append("\"}");
            String b64 = Base64.getEncoder().encodeToString(f.getValue());
            github.json(
                    "/repos/" + repo + "/git/blobs/" + sha,
                    "{\"sha\":\"" + sha + "\",\"size\":" + f.getValue().length + ",\"content\":\"" + b64
                            + "\",\"encoding\":\"base64\"}",
                    "\"b-" + sha + "\"");
        }
        github.json(
                "/repos/" + repo + "/git/trees/main?recursive=1",
                github.resource(
                        "github-tree.json",
                        Map.of(
                                "treeSha",
                                "3b18e512dba79e4c8300dd08aeb37f8e728b8da" + id.charAt(id.length() - 1),
                                "owner",
                                owner,
                                "name",
                                name,
                                "entries",
                                entries.toString())),
                "\"t-" + id + "\"");
    }
}
