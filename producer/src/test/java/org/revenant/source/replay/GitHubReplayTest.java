package org.revenant.source.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.revenant.avro.CrawlCheckpoint;
import org.revenant.avro.EntryKind;
import org.revenant.avro.ManifestEntry;
import org.revenant.avro.MirrorStatus;
import org.revenant.crawl.CrawlException;
import org.revenant.crawl.CrawlOutcome;
import org.revenant.crawl.FetchSettings;
import org.revenant.crawl.FixtureServer;
import org.revenant.crawl.HttpFetcher;
import org.revenant.crawl.Secret;
import org.revenant.crawl.Snapshot;
import org.revenant.crawl.SourceConfig;
import org.revenant.source.github.GitHubSource;

/**
 * GitHubSource against PyGithub's recorded GitHub responses (decision 016), served by a local server at
 * the paths Revenant requests. Where a test needs a response the recordings lack, it is written from
 * GitHub's documentation and the test says so.
 */
@Timeout(30)
class GitHubReplayTest {

    static final String ORIGIN = "https://api.github.com";

    final FixtureServer server = new FixtureServer();
    final FixtureServer elsewhere = new FixtureServer();
    final List<Duration> waits = new ArrayList<>();

    @AfterEach
    void stop() {
        server.close();
        elsewhere.close();
    }

    GitHubSource source(Secret token, int attempts) {
        SourceConfig config =
                new SourceConfig("github", true, Duration.ofHours(6), server.uri(""), true, List.of(), token);
        // The README's defaults where they matter here: a limit resetting more than 2 minutes ahead fails the job.
        FetchSettings settings = new FetchSettings(
                Duration.ofSeconds(2),
                Duration.ofSeconds(5),
                8 * 1024 * 1024,
                attempts,
                Duration.ofMillis(1),
                Duration.ofMinutes(2),
                2,
                "test");
        return new GitHubSource(config, new HttpFetcher(settings, waits::add, Clock.systemUTC()));
    }

    FixtureServer.Response replay(Recordings.Exchange e) {
        return e.response(ORIGIN, server.base());
    }

    /** PyGithub/PyGithub as recorded: metadata, the 86-file recursive tree and the README. */
    JsonNode servePyGithub() throws Exception {
        Recordings.Exchange repo = Recordings.pyGithub("Repository.setUp.txt").get(0);
        Recordings.Exchange tree = Recordings.pyGithub("Repository.testGetGitTreeWithRecursive.txt")
                .get(0);
        Recordings.Exchange readme =
                Recordings.pyGithub("ContentFile.setUp.txt").get(1);
        assertEquals(
                "main",
                Recordings.JSON.readTree(repo.body()).path("default_branch").asText());
        server.on("/repos/PyGithub/PyGithub", req -> replay(repo));
        // PyGithub asked for the tree by its sha; Revenant asks by the default branch: same response.
        server.on("/repos/PyGithub/PyGithub/git/trees/main?recursive=1", req -> replay(tree));
        server.on("/repos/PyGithub/PyGithub/readme", req -> replay(readme));
        return Recordings.JSON.readTree(tree.body());
    }

    static Map<String, ManifestEntry> files(Snapshot s) {
        return s.entries().stream()
                .filter(e -> e.getKind() == EntryKind.FILE)
                .collect(Collectors.toMap(ManifestEntry::getPath, e -> e, (a, b) -> a, LinkedHashMap::new));
    }

    @Test
    void theRecordedRecursiveTreeIsPublishedWithEverySizeAndBlobSha() throws Exception {
        JsonNode tree = servePyGithub();
        CrawlOutcome out = source(null, 3).crawl("PyGithub/PyGithub", null);

        Map<String, ManifestEntry> files = files(out.snapshot());
        int blobs = 0;
        for (JsonNode item : tree.path("tree")) {
            if (!"blob".equals(item.path("type").asText())) {
                continue;
            }
            blobs++;
            ManifestEntry e = files.get(item.path("path").asText());
            assertEquals(
                    item.path("size").asLong(), e.getSize(), item.path("path").asText());
            assertEquals(
                    item.path("sha").asText(),
                    e.getGitBlobSha1(),
                    item.path("path").asText());
        }
        assertEquals(86, blobs, "the recording's file count");
        assertEquals(blobs, files.size());
        assertEquals("github:pygithub/pygithub", out.snapshot().mirror().getKey());
        assertEquals(MirrorStatus.PRESENT, out.snapshot().mirror().getStatus());
        assertEquals("3544490", out.snapshot().mirror().getIdentifiers().get("id"));
        assertEquals(tree.path("sha").asText(), out.treeSha());
        assertTrue(out.snapshot().text().contains("PyGithub"), "the recorded README is the text");
    }

    @Test
    void aRecordedNotModifiedAnswersTheRecordedEtagWithNothingToPublish() throws Exception {
        Recordings.Exchange e = Recordings.pyGithub("ConditionalRequestUpdate.testDidNotUpdate.txt")
                .get(0);
        String etag = e.requestHeaders().get("if-none-match");
        server.on(
                "/repos/akfish/PyGithub",
                req -> etag.equals(req.header("If-None-Match"))
                        ? replay(e)
                        : FixtureServer.json(500, "{\"message\":\"the replay only holds the conditional request\"}"));
        CrawlCheckpoint previous = CrawlCheckpoint.newBuilder()
                .setKey("github/akfish/PyGithub")
                .setSource("github")
                .setEtag(etag)
                .build();
        CrawlOutcome out = source(null, 3).crawl("akfish/PyGithub", previous);
        assertTrue(out.isUnchanged());
        assertEquals(1, server.requests().size());
    }

    @Test
    void threeRecorded502sAreRetriedAndTheFourthAnswerIsCrawled() throws Exception {
        servePyGithub();
        List<Recordings.Exchange> retries = Recordings.pyGithub("Retry.testReturnsRepoAfter3Retries.txt");
        assertEquals(
                List.of(502, 502, 502, 200),
                retries.stream().map(Recordings.Exchange::status).toList());
        server.sequence(
                "/repos/PyGithub/PyGithub", retries.stream().map(this::replay).toArray(FixtureServer.Response[]::new));
        // This recording is from when the default branch was still master: the same tree under that name.
        Recordings.Exchange tree = Recordings.pyGithub("Repository.testGetGitTreeWithRecursive.txt")
                .get(0);
        server.on("/repos/PyGithub/PyGithub/git/trees/master?recursive=1", req -> replay(tree));
        CrawlOutcome out = source(null, 4).crawl("PyGithub/PyGithub", null);
        assertEquals(86, files(out.snapshot()).size());
        assertEquals(
                4,
                server.requests().stream()
                        .filter(r -> r.path().equals("/repos/PyGithub/PyGithub"))
                        .count());
        assertEquals(3, waits.size(), "one backoff per 502");
    }

    @Test
    void aRecorded404OnTheTreeFailsTheCrawlInsteadOfPublishingAnEmptyMirror() throws Exception {
        servePyGithub();
        Recordings.Exchange notFound =
                Recordings.pyGithub("Exceptions.testUnknownObject.txt").get(1);
        assertEquals(404, notFound.status());
        server.on("/repos/PyGithub/PyGithub/git/trees/main?recursive=1", req -> replay(notFound));
        CrawlException e =
                assertThrows(CrawlException.class, () -> source(null, 3).crawl("PyGithub/PyGithub", null));
        assertTrue(e.getMessage().contains("tree of /repos/PyGithub/PyGithub: HTTP 404 Not Found"), e.getMessage());
    }

    @Test
    void anEmptyRepositoryIsPresentWithNoFiles() throws Exception {
        // Not in the recordings: GitHub documents 409 "Git Repository is empty." for the tree of an empty repository.
        Recordings.Exchange repo = Recordings.pyGithub("Repository.setUp.txt").get(0);
        server.on("/repos/PyGithub/PyGithub", req -> replay(repo));
        server.on(
                "/repos/PyGithub/PyGithub/git/trees/main?recursive=1",
                req -> FixtureServer.json(409, "{\"message\":\"Git Repository is empty.\"}"));
        CrawlOutcome out = source(null, 3).crawl("PyGithub/PyGithub", null);
        assertEquals(MirrorStatus.PRESENT, out.snapshot().mirror().getStatus());
        assertEquals(0, files(out.snapshot()).size());
        assertNull(out.treeSha());
    }

    @Test
    void aRepositoryWithoutADefaultBranchIsEmptyWithoutAskingForATree() throws Exception {
        JsonNode body = Recordings.JSON.readTree(
                Recordings.pyGithub("Repository.setUp.txt").get(0).body());
        ((ObjectNode) body).putNull("default_branch");
        server.on("/repos/PyGithub/PyGithub", req -> FixtureServer.json(200, body.toString()));
        CrawlOutcome out = source(null, 3).crawl("PyGithub/PyGithub", null);
        assertEquals(0, files(out.snapshot()).size());
        assertEquals(0, server.count("/repos/PyGithub/PyGithub/git/"));
    }

    @Test
    void aRecordedRenameKeepsOneMirrorKeyedByTheNewNameAndClosesTheOldKey() throws Exception {
        List<Recordings.Exchange> rename = Recordings.pyGithub("Repository.testGetRepositoryWith301Redirect.txt");
        assertEquals(301, rename.get(0).status());
        server.on("/repos/protoncoin/protoncoin", req -> replay(rename.get(0)));
        server.on("/repositories/112116543", req -> replay(rename.get(1)));
        // Not in the recording (PyGithub stopped at the metadata): a one-file tree as GitHub documents it.
        server.on(
                "/repos/padima2/protoncoin/git/trees/master?recursive=1",
                req -> FixtureServer.json(
                        200,
                        "{\"sha\":\"5b1a\",\"truncated\":false,\"tree\":[{\"path\":\"README.md\",\"mode\":\"100644\",\"type\":\"blob\","
                                + "\"sha\":\"e69de29bb2d1d6434b8b29ae775ad8c2e48c5391\",\"size\":0}]}"));
        CrawlOutcome out = source(Secret.ofNullable("ghp_replay"), 3).crawl("protoncoin/protoncoin", null);

        assertEquals("github:padima2/protoncoin", out.snapshot().mirror().getKey());
        assertEquals("padima2/protoncoin", out.snapshot().mirror().getLocator());
        assertEquals(
                "https://github.com/padima2/protoncoin", out.snapshot().mirror().getUrl());
        assertEquals("112116543", out.snapshot().mirror().getIdentifiers().get("id"));
        assertEquals(
                "github:protoncoin/protoncoin",
                out.snapshot().mirror().getIdentifiers().get("renamedFrom"),
                "the new key says which key its alerts come from");
        assertEquals(List.of("README.md"), List.copyOf(files(out.snapshot()).keySet()));
        assertEquals(0, server.count("/repos/protoncoin/protoncoin/"), "tree and README asked under the new name");
        assertEquals(1, server.count("/repos/padima2/protoncoin/readme"));

        assertEquals(1, out.discovered().size(), "the old key, closed");
        Snapshot old = out.discovered().get(0);
        assertEquals("github:protoncoin/protoncoin", old.mirror().getKey());
        assertEquals(MirrorStatus.GONE, old.mirror().getStatus());
        assertEquals("github:padima2/protoncoin", old.mirror().getIdentifiers().get("renamedTo"));
        assertEquals(
                "renamed to padima2/protoncoin (repository id 112116543)",
                old.mirror().getStatusDetail());
        assertEquals(
                "Bearer ghp_replay", server.requests().get(1).header("Authorization"), "same host: the token follows");
    }

    @Test
    void octokitsRecordedRenameIsOneMirrorUnderTheNewNameWithTheRepositoryId() throws Exception {
        List<Recordings.Exchange> gets = Recordings.octokit("rename-repository.raw-fixture.json").stream()
                .filter(e -> e.method().equals("GET"))
                .toList();
        assertEquals(
                List.of(301, 200),
                gets.stream().map(Recordings.Exchange::status).toList());
        String oldName = gets.get(0).path().substring("/repos/".length());
        String newName =
                Recordings.JSON.readTree(gets.get(1).body()).path("full_name").asText();
        server.on(gets.get(0).path(), req -> replay(gets.get(0)));
        server.on(gets.get(1).path(), req -> replay(gets.get(1)));
        // Not recorded: the new repository's tree, written as GitHub documents an empty repository's (409).
        server.on(
                "/repos/" + newName + "/git/trees/main?recursive=1",
                req -> FixtureServer.json(409, "{\"message\":\"Git Repository is empty.\"}"));
        CrawlOutcome out = source(Secret.ofNullable("ghp_replay"), 3).crawl(oldName, null);

        assertEquals(
                "github:" + newName.toLowerCase(Locale.ROOT),
                out.snapshot().mirror().getKey());
        assertEquals("515436299", out.snapshot().mirror().getIdentifiers().get("id"));
        assertEquals(newName, out.snapshot().mirror().getIdentifiers().get("fullName"));
        assertEquals(1, server.count("/repos/" + newName + "/git/trees/"));
        assertEquals(
                List.of("github:" + oldName.toLowerCase(Locale.ROOT)),
                out.discovered().stream().map(d -> d.mirror().getKey()).toList());
        assertEquals(MirrorStatus.GONE, out.discovered().get(0).mirror().getStatus());
    }

    @Test
    void octokitsRecordedRepositoryIsReadWithItsId() throws Exception {
        Recordings.Exchange repo =
                Recordings.octokit("get-repository.raw-fixture.json").get(0);
        server.on(repo.path(), req -> replay(repo));
        server.on("/repos/octokit-fixture-org/hello-world/git/trees/*", req -> FixtureServer.json(409, "{}"));
        CrawlOutcome out = source(null, 3).crawl("octokit-fixture-org/hello-world", null);
        assertEquals(
                "github:octokit-fixture-org/hello-world",
                out.snapshot().mirror().getKey());
        assertEquals("103703892", out.snapshot().mirror().getIdentifiers().get("id"));
        assertEquals(0, out.discovered().size(), "not renamed");
    }

    @Test
    void aRedirectToAnotherHostArrivesThereWithoutTheToken() throws Exception {
        Recordings.Exchange moved = Recordings.pyGithub("Repository.testGetRepositoryWith301Redirect.txt")
                .get(0);
        Recordings.Exchange repo = Recordings.pyGithub("Repository.setUp.txt").get(0);
        // The recorded 301, its Location pointed at another origin (a CDN, a hostile mirror of the API).
        server.on("/repos/protoncoin/protoncoin", req -> moved.response(ORIGIN, elsewhere.base()));
        elsewhere.on("/repositories/112116543", req -> FixtureServer.json(200, repo.body()));
        server.on("/repos/PyGithub/PyGithub/git/trees/main?recursive=1", req -> FixtureServer.json(409, "{}"));
        source(Secret.ofNullable("ghp_replay"), 3).crawl("protoncoin/protoncoin", null);

        assertEquals("Bearer ghp_replay", server.requests().get(0).header("Authorization"));
        assertEquals(1, elsewhere.requests().size());
        assertNull(elsewhere.requests().get(0).header("Authorization"), "the token stays with its host");
        assertEquals(
                1,
                server.count("/repos/PyGithub/PyGithub/git/trees/"),
                "then the canonical name, on the configured API");
    }

    @Test
    void aRecordedOldStyleRateLimitFailsTheJobAtOnceInsteadOfWaiting() throws Exception {
        Recordings.Exchange limited = Recordings.pyGithub("SpecificExceptions.testRateLimitExceeded.txt")
                .get(1);
        assertEquals(403, limited.status());
        assertEquals("0", limited.headers().get("x-ratelimit-remaining"));
        assertNull(limited.headers().get("x-ratelimit-reset"), "the old shape: no reset time");
        server.on("/repos/PyGithub/PyGithub", req -> replay(limited));
        long started = System.nanoTime();
        CrawlException e =
                assertThrows(CrawlException.class, () -> source(null, 3).crawl("PyGithub/PyGithub", null));
        assertTrue(e.rateLimited(), e.getMessage());
        assertEquals(List.of(), waits, "no wait on the worker");
        assertEquals(1, server.requests().size());
        assertTrue(System.nanoTime() - started < Duration.ofSeconds(5).toNanos());
    }
}
