package org.revenant.source.github;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.revenant.avro.CrawlCheckpoint;
import org.revenant.avro.EntryKind;
import org.revenant.avro.ManifestEntry;
import org.revenant.avro.MirrorStatus;
import org.revenant.crawl.CrawlException;
import org.revenant.crawl.CrawlOutcome;
import org.revenant.crawl.Discovery;
import org.revenant.crawl.DiscoveryTerms;
import org.revenant.crawl.FetchSettings;
import org.revenant.crawl.FixtureServer;
import org.revenant.crawl.Fixtures;
import org.revenant.crawl.HttpFetcher;
import org.revenant.crawl.Secret;
import org.revenant.crawl.SourceConfig;

@Timeout(30)
class GitHubSourceTest {

    static final String LFS_SHA256 = "4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393";
    static final String MS1M_BTIH = "9e67eb7cc23c9417f39778a8e06cca5e26196a97";

    final FixtureServer server = new FixtureServer();

    @AfterEach
    void stop() {
        server.close();
    }

    GitHubSource source(Secret token) {
        SourceConfig config =
                new SourceConfig("github", true, Duration.ofHours(6), server.uri(""), true, List.of(), token);
        FetchSettings settings = new FetchSettings(
                Duration.ofSeconds(2),
                Duration.ofSeconds(5),
                8 * 1024 * 1024,
                2,
                Duration.ofMillis(1),
                Duration.ofMinutes(1),
                2,
                "test");
        return new GitHubSource(config, new HttpFetcher(settings, d -> {}, Clock.systemUTC()));
    }

    /** A repository with an LFS-tracked TSV, a .torrent and a README with a magnet and a Drive link. */
    byte[] serveCelebFaces() {
        String repo = "FaceHoarder/celeb-faces";
        byte[] attributes = "*.tsv filter=lfs diff=lfs merge=lfs -text\n".getBytes(StandardCharsets.UTF_8);
        byte[] pointer = Fixtures.lfsPointer(LFS_SHA256, 91_124_295_076L);
        Map<String, Long> files = new LinkedHashMap<>();
        files.put("aligned/FaceImageCroppedWithAlignment.tsv", 91_124_295_076L);
        files.put("cropped/FaceImageCroppedWithOutAlignment.tsv", 155_266_310_084L);
        byte[] torrent = Fixtures.torrent("celebrity-faces", files);
        String readme = "# Celeb faces\nGet it: magnet:?xt=urn:btih:" + MS1M_BTIH + "&dn=MS-Celeb-1M\n"
                + "or https://drive.google.com/file/d/1AbCdEfGhIjKlMnOp/view?usp=sharing.\n";
        server.set("gitattributes", Fixtures.gitBlobSha1(attributes))
                .set("pointer", Fixtures.gitBlobSha1(pointer))
                .set("pointerSize", Integer.toString(pointer.length))
                .set("torrent", Fixtures.gitBlobSha1(torrent))
                .set("torrentSize", Integer.toString(torrent.length))
                .set(
                        "readme",
                        Base64.getMimeEncoder()
                                .encodeToString(readme.getBytes(StandardCharsets.UTF_8))
                                .replace("\r\n", "\\n"));
        server.file("/repos/FaceHoarder/celeb-faces", "github/repo-celeb-faces.http")
                .file("/repos/FaceHoarder/celeb-faces/git/trees/main?recursive=1", "github/tree-celeb-faces.http")
                .file("/repos/FaceHoarder/celeb-faces/readme", "github/readme-celeb-faces.http");
        for (byte[] blob : List.of(attributes, pointer, torrent)) {
            server.on(
                    "/repos/FaceHoarder/celeb-faces/git/blobs/" + Fixtures.gitBlobSha1(blob),
                    req -> FixtureServer.json(200, Fixtures.blobJson(server.base(), repo, blob)));
        }
        return torrent;
    }

    @Test
    void aRepositoryBecomesFilesLfsObjectsTorrentReferencesAndReadmeLinks() throws Exception {
        byte[] torrent = serveCelebFaces();
        CrawlOutcome out = source(null).crawl("FaceHoarder/celeb-faces", null);

        assertEquals("github:facehoarder/celeb-faces", out.snapshot().mirror().getKey());
        assertEquals(MirrorStatus.PRESENT, out.snapshot().mirror().getStatus());
        assertEquals("celeb-faces", out.snapshot().mirror().getTitle());
        Map<String, ManifestEntry> byPath = out.snapshot().entries().stream()
                .collect(Collectors.toMap(ManifestEntry::getPath, e -> e, (a, b) -> a, LinkedHashMap::new));
        assertEquals(
                List.of(
                        ".gitattributes",
                        "README.md",
                        "data/aligned.tsv",
                        "torrents/faces.torrent",
                        "README.md#magnet:" + MS1M_BTIH,
                        "README.md#link"),
                List.copyOf(byPath.keySet()),
                "no tree, submodule or symlink entries");

        ManifestEntry lfs = byPath.get("data/aligned.tsv");
        assertEquals(LFS_SHA256, lfs.getLfsSha256());
        assertEquals(91_124_295_076L, lfs.getSize(), "the real size from the pointer, not the pointer's");
        assertEquals(Fixtures.gitBlobSha1(Fixtures.lfsPointer(LFS_SHA256, 91_124_295_076L)), lfs.getGitBlobSha1());

        ManifestEntry ref = byPath.get("torrents/faces.torrent");
        assertEquals(EntryKind.TORRENT_REF, ref.getKind());
        assertEquals(Fixtures.btih(torrent), ref.getRef());
        assertEquals(1, out.discovered().size(), "the torrent is a mirror of its own");
        assertEquals(
                "torrent:" + Fixtures.btih(torrent),
                out.discovered().get(0).mirror().getKey());
        assertEquals(2, out.discovered().get(0).entries().size());

        assertEquals(
                EntryKind.MAGNET_REF,
                byPath.get("README.md#magnet:" + MS1M_BTIH).getKind());
        assertEquals(
                "https://drive.google.com/file/d/1AbCdEfGhIjKlMnOp/view?usp=sharing",
                byPath.get("README.md#link").getRef());
        assertTrue(out.snapshot().text().startsWith("Face recognition training data, mirrored\n\n# Celeb faces"));
        assertEquals("3b18e512dba79e4c8300dd08aeb37f8e728b8dad", out.treeSha());
        assertTrue(out.etag().startsWith("\"7f1c0dd2"));
    }

    @Test
    void theNextCrawlSendsTheEtagAndAnUnchangedRepositoryCostsOneRequest() throws Exception {
        serveCelebFaces();
        CrawlOutcome first = source(null).crawl("FaceHoarder/celeb-faces", null);
        long before = server.requests().size();
        CrawlCheckpoint checkpoint = CrawlCheckpoint.newBuilder()
                .setKey("github/FaceHoarder/celeb-faces")
                .setSource("github")
                .setEtag(first.etag())
                .setLastTreeSha(first.treeSha())
                .build();
        CrawlOutcome second = source(null).crawl("FaceHoarder/celeb-faces", checkpoint);
        assertTrue(second.isUnchanged());
        assertEquals(first.etag(), second.etag());
        assertEquals(before + 1, server.requests().size());
        assertEquals(
                first.etag(),
                server.requests().get(server.requests().size() - 1).header("If-None-Match"));
    }

    @Test
    void aTruncatedTreeIsCompletedByWalkingItsSubtrees() throws Exception {
        server.on(
                "/repos/big/images",
                req -> FixtureServer.json(
                        200,
                        "{\"name\":\"images\",\"full_name\":\"big/images\",\"default_branch\":\"main\",\"private\":false,\"disabled\":false,"
                                + "\"owner\":{\"login\":\"big\"},\"html_url\":\"https://github.com/big/images\",\"description\":null}"));
        server.file("/repos/big/images/git/trees/main?recursive=1", "github/tree-truncated.http")
                .file("/repos/big/images/git/trees/1111111111111111111111111111111111111111", "github/tree-root.http")
                .file("/repos/big/images/git/trees/3333333333333333333333333333333333333333", "github/tree-sub-a.http")
                .file("/repos/big/images/git/trees/4444444444444444444444444444444444444444", "github/tree-sub-b.http");
        CrawlOutcome out = source(null).crawl("big/images", null);
        List<String> paths = out.snapshot().entries().stream()
                .map(ManifestEntry::getPath)
                .sorted()
                .toList();
        assertEquals(
                List.of(
                        "README.md",
                        "m.0107_f/109-FaceId-0.jpg",
                        "m.0107_f/110-FaceId-0.jpg",
                        "m.01_2f/7-FaceId-1.jpg"),
                paths);
        assertNull(out.snapshot().text(), "no README endpoint: no text");
    }

    @Test
    void goneAndDmcaBlockedRepositoriesAreStatusesNotErrors() throws Exception {
        server.file("/repos/gone/repo", "github/not-found.http").file("/repos/dmca/faces", "github/dmca-blocked.http");
        CrawlOutcome gone = source(null).crawl("gone/repo", null);
        assertEquals(MirrorStatus.GONE, gone.snapshot().mirror().getStatus());
        assertTrue(gone.snapshot().entries().isEmpty());
        CrawlOutcome blocked = source(null).crawl("dmca/faces", null);
        assertEquals(MirrorStatus.BLOCKED, blocked.snapshot().mirror().getStatus());
        assertEquals(
                "HTTP 451: Repository access blocked (dmca)",
                blocked.snapshot().mirror().getStatusDetail());
    }

    @Test
    void malformedTreeJsonFailsTheCrawlWithTheReason() {
        serveCelebFaces();
        server.on(
                "/repos/FaceHoarder/celeb-faces/git/trees/main?recursive=1",
                req -> FixtureServer.json(200, "{\"sha\": \"3b18\", \"tree\": [{\"path\": "));
        CrawlException e =
                assertThrows(CrawlException.class, () -> source(null).crawl("FaceHoarder/celeb-faces", null));
        assertTrue(
                e.getMessage()
                        .startsWith("malformed JSON from " + server.base()
                                + "/repos/FaceHoarder/celeb-faces/git/trees/main"),
                e.getMessage());
    }

    @Test
    void repositorySearchFollowsLinkPagesAndCodeSearchOnlyRunsWithAToken() throws Exception {
        server.file("/search/repositories?q=%22MS-Celeb-1M%22&per_page=100", "github/search-repos-page1.http")
                .file("/search/repositories?q=%22MS-Celeb-1M%22&per_page=100&page=2", "github/search-repos-page2.http");
        DiscoveryTerms terms = new DiscoveryTerms(
                Set.of("MS-Celeb-1M"), Set.of("FaceImageCroppedWithAlignment.tsv"), Set.of(MS1M_BTIH));
        GitHubSource anonymous = source(null);
        assertEquals(List.of("repos:\"MS-Celeb-1M\""), anonymous.queries(terms));
        assertEquals(
                List.of("FaceHoarder/celeb-faces", "ml-lab/arcface-train", "someone/msceleb.github.io"),
                anonymous.discover("repos:\"MS-Celeb-1M\"", terms, null).locators());
        assertEquals(3, source(Secret.ofNullable("t")).queries(terms).size());
        assertTrue(anonymous.limitation().orElseThrow().contains("GITHUB_TOKEN is not set"));
        assertTrue(source(Secret.ofNullable("t")).limitation().isEmpty());
    }

    @Test
    void withATokenGitLfsPointersAreSearchedByTheSizeAndHashTheyWouldSay() {
        String sha256 = "4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393";
        DiscoveryTerms terms =
                new DiscoveryTerms(Set.of("MS-Celeb-1M"), Set.of(), Set.of(), Set.of(91_124_295_076L), Set.of(sha256));
        assertEquals(
                List.of("repos:\"MS-Celeb-1M\"", "code:size 91124295076 oid sha256", "code:oid sha256 " + sha256),
                source(Secret.ofNullable("t")).queries(terms));
        assertEquals(List.of("repos:\"MS-Celeb-1M\""), source(null).queries(terms), "code search needs the token");
    }

    @Test
    void aGitattributesPatternBuiltToBacktrackCostsMillisecondsAndStillFindsLfsFiles() throws Exception {
        String repo = "hostile/attributes";
        byte[] attributes = "*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*c filter=lfs\n".getBytes(StandardCharsets.UTF_8);
        byte[] pointer = Fixtures.lfsPointer(LFS_SHA256, 91_124_295_076L);
        String bait = "a".repeat(250);
        String real = "a".repeat(25) + "c";
        server.on(
                "/repos/" + repo,
                req -> FixtureServer.json(
                        200,
                        "{\"name\":\"attributes\",\"full_name\":\"" + repo
                                + "\",\"default_branch\":\"main\",\"private\":false}"));
        server.on(
                "/repos/" + repo + "/git/trees/main?recursive=1",
                req -> FixtureServer.json(
                        200,
                        "{\"sha\":\"5555555555555555555555555555555555555555\",\"truncated\":false,\"tree\":["
                                + "{\"path\":\".gitattributes\",\"type\":\"blob\",\"mode\":\"100644\",\"size\":"
                                + attributes.length
                                + ",\"sha\":\"" + Fixtures.gitBlobSha1(attributes) + "\"},"
                                + "{\"path\":\"" + bait + "\",\"type\":\"blob\",\"mode\":\"100644\",\"size\":300,"
                                + "\"sha\":\"6666666666666666666666666666666666666666\"},"
                                + "{\"path\":\"" + real + "\",\"type\":\"blob\",\"mode\":\"100644\",\"size\":"
                                + pointer.length
                                + ",\"sha\":\"" + Fixtures.gitBlobSha1(pointer) + "\"}]}"));
        for (byte[] blob : List.of(attributes, pointer)) {
            server.on(
                    "/repos/" + repo + "/git/blobs/" + Fixtures.gitBlobSha1(blob),
                    req -> FixtureServer.json(200, Fixtures.blobJson(server.base(), repo, blob)));
        }
        CrawlOutcome out = Assertions.assertTimeoutPreemptively(
                Duration.ofSeconds(5), () -> source(null).crawl(repo, null));
        Map<String, ManifestEntry> byPath =
                out.snapshot().entries().stream().collect(Collectors.toMap(ManifestEntry::getPath, e -> e));
        assertNull(byPath.get(bait).getLfsSha256(), "250 a's do not end in c");
        assertEquals(LFS_SHA256, byPath.get(real).getLfsSha256());
        assertEquals(0, server.count("/repos/" + repo + "/git/blobs/6666"), "the bait's blob is never fetched");
    }

    void serveBigImages() {
        server.on(
                "/repos/big/images",
                req -> FixtureServer.json(
                        200,
                        "{\"name\":\"images\",\"full_name\":\"big/images\",\"default_branch\":\"main\",\"private\":false,\"disabled\":false,"
                                + "\"owner\":{\"login\":\"big\"},\"html_url\":\"https://github.com/big/images\",\"description\":null}"));
        server.file("/repos/big/images/git/trees/main?recursive=1", "github/tree-truncated.http")
                .file("/repos/big/images/git/trees/1111111111111111111111111111111111111111", "github/tree-root.http")
                .file("/repos/big/images/git/trees/3333333333333333333333333333333333333333", "github/tree-sub-a.http")
                .file("/repos/big/images/git/trees/4444444444444444444444444444444444444444", "github/tree-sub-b.http");
    }

    GitHubSource capped(int maxEntries, int maxSubtrees) {
        SourceConfig config =
                new SourceConfig("github", true, Duration.ofHours(6), server.uri(""), true, List.of(), null);
        FetchSettings settings = new FetchSettings(
                Duration.ofSeconds(2),
                Duration.ofSeconds(5),
                8 * 1024 * 1024,
                2,
                Duration.ofMillis(1),
                Duration.ofMinutes(1),
                2,
                "test");
        return new GitHubSource(config, new HttpFetcher(settings, d -> {}, Clock.systemUTC()), maxEntries, maxSubtrees);
    }

    @Test
    void moreDirectoriesThanTheCapPublishWhatWasListedMarkedPartial() throws Exception {
        serveBigImages();
        CrawlOutcome out = capped(1_000, 2).crawl("big/images", null);
        assertEquals(
                List.of("README.md", "m.0107_f/109-FaceId-0.jpg", "m.0107_f/110-FaceId-0.jpg"),
                out.snapshot().entries().stream()
                        .map(ManifestEntry::getPath)
                        .sorted()
                        .toList(),
                "the first two directories");
        assertTrue(out.snapshot().mirror().getPartial());
        assertEquals(
                "tree has more than 2 directories: 3 files listed from the first 2",
                out.snapshot().mirror().getPartialReason());
        assertEquals(0, server.count("/repos/big/images/git/trees/4444"), "no request past the cap");
    }

    @Test
    void moreFilesThanTheCapPublishTheFirstOnesMarkedPartial() throws Exception {
        serveBigImages();
        CrawlOutcome out = capped(2, 1_000).crawl("big/images", null);
        assertEquals(2, out.snapshot().entries().size());
        assertTrue(out.snapshot().mirror().getPartial());
        assertEquals(
                "tree has more than 2 files: the first 2 listed",
                out.snapshot().mirror().getPartialReason());

        CrawlOutcome whole = source(null).crawl("big/images", null);
        assertEquals(false, whole.snapshot().mirror().getPartial(), "a complete listing is not partial");
        assertNull(whole.snapshot().mirror().getPartialReason());
    }

    @Test
    void aReadmeTooLargeToReadCostsTheTextNotTheListing() throws Exception {
        serveCelebFaces();
        byte[] huge = new byte[GitHubSource.MAX_README_RESPONSE_BYTES + 1];
        Arrays.fill(huge, (byte) ' ');
        server.on("/repos/FaceHoarder/celeb-faces/readme", req -> FixtureServer.bytes(200, huge, "application/json"));
        CrawlOutcome out = source(null).crawl("FaceHoarder/celeb-faces", null);
        assertEquals(
                List.of(".gitattributes", "README.md", "data/aligned.tsv", "torrents/faces.torrent"),
                out.snapshot().entries().stream().map(ManifestEntry::getPath).toList());
        assertEquals(
                "Face recognition training data, mirrored",
                out.snapshot().text(),
                "the description, without the README");
    }

    @Test
    void searchResultsBecomeJobsOnlyWhenTheyLookLikeRepositoriesAndOnlySoMany() throws Exception {
        StringBuilder items = new StringBuilder("{\"total_count\": 5003, \"items\": [");
        items.append("{\"full_name\": \"../../etc/passwd\"}, {\"full_name\": \"a/")
                .append("b".repeat(300))
                .append("\"},");
        items.append("{\"full_name\": \"owner/repo\\nX-Injected: 1\"}");
        for (int i = 0; i < 5_000; i++) {
            items.append(", {\"full_name\": \"owner").append(i).append("/repo\"}");
        }
        server.on(
                "/search/repositories?q=%22MS-Celeb-1M%22&per_page=100", req -> FixtureServer.json(200, items + "]}"));
        DiscoveryTerms terms = new DiscoveryTerms(Set.of("MS-Celeb-1M"), Set.of(), Set.of());
        List<String> found =
                source(null).discover("repos:\"MS-Celeb-1M\"", terms, null).locators();
        assertEquals(Discovery.MAX_LOCATORS, found.size());
        assertEquals("owner0/repo", found.get(0), "the malformed names are not jobs");
    }
}
