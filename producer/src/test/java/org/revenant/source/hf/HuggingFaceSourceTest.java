package org.revenant.source.hf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.revenant.avro.CrawlCheckpoint;
import org.revenant.avro.ManifestEntry;
import org.revenant.avro.MirrorStatus;
import org.revenant.crawl.CrawlException;
import org.revenant.crawl.CrawlOutcome;
import org.revenant.crawl.Discovery;
import org.revenant.crawl.DiscoveryTerms;
import org.revenant.crawl.FetchSettings;
import org.revenant.crawl.FixtureServer;
import org.revenant.crawl.HttpFetcher;
import org.revenant.crawl.SourceConfig;
import org.revenant.crawl.Sweep;

@Timeout(30)
class HuggingFaceSourceTest {

    final FixtureServer server = new FixtureServer();
    final List<Duration> waits = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        server.close();
    }

    HuggingFaceSource source() {
        SourceConfig config = new SourceConfig("hf", true, Duration.ofHours(6), server.uri(""), true, List.of(), null);
        FetchSettings settings = new FetchSettings(
                Duration.ofSeconds(2),
                Duration.ofSeconds(5),
                1024 * 1024,
                3,
                Duration.ofMillis(1),
                Duration.ofMinutes(10),
                2,
                "test");
        return new HuggingFaceSource(config, new HttpFetcher(settings, waits::add, Clock.systemUTC()));
    }

    static final String TREE =
            "/api/datasets/someone/face-pack/tree/86b5e0934494bd15c9632b12f734a8a67f723594?recursive=true&expand=false";

    void serveFacePack() {
        String tree = TREE;
        server.file("/api/datasets/someone/face-pack", "hf/info-faces.http")
                .file(tree, "hf/tree-faces-page1.http")
                .file(
                        tree + "&cursor=ZXlKbWFXeGxYMjVoYldVaU9pSXVaMmwwWVhSMGNtbGlkWFJsY3lKOTox",
                        "hf/tree-faces-page2.http")
                .file(
                        "/datasets/someone/face-pack/resolve/86b5e0934494bd15c9632b12f734a8a67f723594/README.md",
                        "hf/readme-faces.http");
    }

    @Test
    void aDatasetIsItsPagedTreeWithLfsHashesAndItsReadme() throws Exception {
        serveFacePack();
        CrawlOutcome out = source().crawl("someone/face-pack", null);
        assertEquals("hf:datasets/someone/face-pack", out.snapshot().mirror().getKey());
        assertEquals(MirrorStatus.PRESENT, out.snapshot().mirror().getStatus());
        List<ManifestEntry> entries = out.snapshot().entries();
        assertEquals(
                List.of(".gitattributes", "README.md", "data/train-00000.bin"),
                entries.stream().map(ManifestEntry::getPath).toList());
        ManifestEntry data = entries.get(2);
        assertEquals(91_124_295_076L, data.getSize());
        assertEquals("d88b0d6a6ff9c3f8151f9d3228f57092aaea997f09af009eefd7373a77b5abb9", data.getLfsSha256());
        assertEquals("8095a62ccb4d806da7666fcda07467e2d150218e", data.getGitBlobSha1());
        assertTrue(out.snapshot().text().contains("A large collection of aligned celebrity faces."));
        assertEquals("86b5e0934494bd15c9632b12f734a8a67f723594", out.treeSha());
        assertEquals("W/\"1144-0lLZ4rZ6fR3gbhjw06/nTxkknu0\"", out.etag());

        CrawlCheckpoint cp = CrawlCheckpoint.newBuilder()
                .setKey("hf/someone/face-pack")
                .setSource("hf")
                .setEtag(out.etag())
                .build();
        assertTrue(source().crawl("someone/face-pack", cp).isUnchanged(), "a weak ETag matches too");
    }

    @Test
    void disabledMissingAndGatedDatasetsGetTheirStatus() throws Exception {
        server.file("/api/datasets/x/disabled", "hf/disabled.http")
                .file("/api/datasets/x/gone", "hf/repo-not-found.http")
                .file("/api/datasets/lab/faces-gated", "hf/info-gated.http")
                .file("/api/datasets/lab/faces-gated/tree/*", "hf/gated-tree.http");
        assertEquals(
                MirrorStatus.DISABLED,
                source().crawl("x/disabled", null).snapshot().mirror().getStatus());
        assertEquals(
                MirrorStatus.GONE,
                source().crawl("x/gone", null).snapshot().mirror().getStatus());
        CrawlOutcome gated = source().crawl("lab/faces-gated", null);
        assertEquals(MirrorStatus.GATED, gated.snapshot().mirror().getStatus());
        assertTrue(gated.snapshot().entries().isEmpty());
    }

    static final String LISTING = "/api/datasets?sort=lastModified&direction=-1&limit=100&full=true";

    private static String dataset(String id, String lastModified, String... files) {
        StringBuilder siblings = new StringBuilder();
        for (String f : files) {
            siblings.append(siblings.length() == 0 ? "" : ",")
                    .append("{\"rfilename\":\"")
                    .append(f)
                    .append("\"}");
        }
        return "{\"id\":\"" + id + "\",\"lastModified\":\"" + lastModified + "\",\"siblings\":[" + siblings + "]}";
    }

    private void page(String route, String next, String... items) {
        server.on(route, req -> {
            FixtureServer.Response r = FixtureServer.json(200, "[" + String.join(",", items) + "]");
            return next == null ? r : r.withHeader("Link", "<" + server.base() + next + ">; rel=\"next\"");
        });
    }

    @Test
    void theSweepWalksNewestChangesFirstKeepsItsPlaceInTheFirstPassAndCrawlsWhatChangedSince() throws Exception {
        SourceConfig config = new SourceConfig(
                "hf", true, Duration.ofHours(6), server.uri(""), true, List.of(), null, new Sweep(true, 1, 100));
        HuggingFaceSource hub = new HuggingFaceSource(
                config,
                new HttpFetcher(
                        new FetchSettings(
                                Duration.ofSeconds(2),
                                Duration.ofSeconds(5),
                                1024 * 1024,
                                3,
                                Duration.ofMillis(1),
                                Duration.ofMinutes(10),
                                2,
                                "test"),
                        waits::add,
                        Clock.systemUTC()),
                HuggingFaceSource.MAX_TREE_PAGES,
                HuggingFaceSource.MAX_ENTRIES,
                2);
        DiscoveryTerms terms = new DiscoveryTerms(Set.of("MS1M"), Set.of("train.rec"), Set.of());
        assertEquals(List.of("MS1M", "sweep:lastModified"), hub.queries(terms));
        String p2 = LISTING + "&cursor=p2";
        String p3 = LISTING + "&cursor=p3";
        page(
                LISTING,
                p2,
                dataset("a/tables", "2026-12-01T10:00:00.000Z", "README.md", "data/x.tsv"),
                dataset("b/text", "2026-11-30T10:00:00.000Z", "data/train.parquet"));
        page(p2, p3, dataset("c/faces", "2026-11-20T10:00:00.000Z", "faces/train.rec"));
        page(
                p3,
                null,
                dataset("d/pack", "2026-11-10T10:00:00.000Z", "Data/PACK.TAR"),
                dataset("e/notes", "2026-11-01T10:00:00.000Z", "x".repeat(300) + ".tsv"));

        Discovery first = hub.discover("sweep:lastModified", terms, null);
        assertEquals(List.of(), first.locators());
        assertEquals(List.of("a/tables", "c/faces"), first.sweep(), "by file names; two pages this run");
        assertEquals("2026-12-01T10:00:00Z", first.state().get(HuggingFaceSource.NEWEST));
        assertEquals(server.base() + p3, first.state().get(HuggingFaceSource.BACKLOG));

        CrawlCheckpoint after = CrawlCheckpoint.newBuilder()
                .setKey("hf/query/sweep:lastModified")
                .setSource("hf")
                .setExtra(first.state())
                .build();
        Discovery second = hub.discover("sweep:lastModified", terms, after);
        assertEquals(List.of(), second.locators(), "nothing changed since");
        assertEquals(List.of("d/pack"), second.sweep(), "the backlog: an archive; a 300-character name is no file");
        assertEquals(null, second.state().get(HuggingFaceSource.BACKLOG), "the first pass is complete");

        page(
                LISTING,
                p2,
                dataset("c/faces", "2026-12-02T08:00:00.000Z", "faces/train.rec"),
                dataset("a/tables", "2026-12-01T10:00:00.000Z", "README.md", "data/x.tsv"));
        Map<String, String> kept = new HashMap<>(first.state());
        kept.putAll(second.state());
        kept.values().removeIf(Objects::isNull);
        Discovery third = hub.discover(
                "sweep:lastModified",
                terms,
                CrawlCheckpoint.newBuilder(after).setExtra(kept).build());
        assertEquals(List.of("c/faces"), third.locators(), "changed since it was swept: crawled now");
        assertEquals(List.of(), third.sweep());
        assertEquals("2026-12-02T08:00:00Z", third.state().get(HuggingFaceSource.NEWEST));
        assertEquals(1, server.count(p2), "the top was caught up with on its first page: page 2 read once, in run 1");
    }

    @Test
    void searchFollowsTheCursorInTheLinkHeader() throws Exception {
        server.file("/api/datasets?search=MS1M&limit=100", "hf/search-page1.http")
                .file(
                        "/api/datasets?search=MS1M&limit=100&cursor=eyIkb3IiOlt7Il9pZCI6eyIkZ3QiOiI2N2EwYzBkZSJ9fV19",
                        "hf/search-page2.http");
        assertEquals(
                List.of("someone/face-pack", "other/ms1m-retinaface", "third/ms1mv3-subset"),
                source().discover("MS1M", new DiscoveryTerms(Set.of("MS1M"), Set.of(), Set.of()), null)
                        .locators());
    }

    @Test
    void rateLimitedByTheHubWaitsForItsResetThenCarriesOn() throws Exception {
        serveFacePack();
        server.sequence(
                "/api/datasets/someone/face-pack",
                FixtureServer.json(
                        429,
                        "{\"error\":\"Too Many Requests\"}",
                        "RateLimit",
                        "\"api\";r=0;t=42",
                        "RateLimit-Policy",
                        "\"fixed window\";\"api\";q=500;w=300"),
                server.load("hf/info-faces.http"));
        assertEquals(
                3,
                source().crawl("someone/face-pack", null).snapshot().entries().size());
        assertEquals(1, waits.size());
        assertTrue(
                waits.get(0).toSeconds() >= 41 && waits.get(0).toSeconds() <= 42,
                "t=42 from the ratelimit header: " + waits);
    }

    @Test
    void aTreeThatIsNotAnArrayIsAClearError() {
        serveFacePack();
        server.on(TREE, req -> FixtureServer.json(200, "{\"error\": \"oops\"}"));
        CrawlException e = assertThrows(CrawlException.class, () -> source().crawl("someone/face-pack", null));
        assertTrue(e.getMessage().contains("expected an array but got object"), e.getMessage());
    }

    HuggingFaceSource capped(int maxPages, int maxEntries) {
        SourceConfig config = new SourceConfig("hf", true, Duration.ofHours(6), server.uri(""), true, List.of(), null);
        FetchSettings settings = new FetchSettings(
                Duration.ofSeconds(2),
                Duration.ofSeconds(5),
                1024 * 1024,
                3,
                Duration.ofMillis(1),
                Duration.ofMinutes(10),
                2,
                "test");
        return new HuggingFaceSource(
                config, new HttpFetcher(settings, waits::add, Clock.systemUTC()), maxPages, maxEntries);
    }

    @Test
    void moreTreePagesThanTheCapPublishWhatWasListedMarkedPartial() throws Exception {
        serveFacePack();
        CrawlOutcome out = capped(1, 1_000).crawl("someone/face-pack", null);
        assertEquals(
                List.of(".gitattributes", "README.md"),
                out.snapshot().entries().stream()
                        .map(ManifestEntry::getPath)
                        .filter(p -> !p.contains("#"))
                        .toList());
        assertTrue(out.snapshot().mirror().getPartial());
        assertEquals(
                "tree has more than 1 pages: 2 files listed from the first 1",
                out.snapshot().mirror().getPartialReason());
        assertTrue(
                out.snapshot().text().contains("A large collection of aligned celebrity faces."),
                "the README is still read");
    }

    @Test
    void moreFilesThanTheCapPublishTheFirstOnesMarkedPartial() throws Exception {
        serveFacePack();
        CrawlOutcome out = capped(1_000, 1).crawl("someone/face-pack", null);
        assertEquals(".gitattributes", out.snapshot().entries().get(0).getPath());
        assertEquals(
                "tree has more than 1 files: the first 1 listed",
                out.snapshot().mirror().getPartialReason());
        assertEquals(
                false,
                source().crawl("someone/face-pack", null).snapshot().mirror().getPartial());
    }

    @Test
    void aReadmeTooLargeToReadCostsTheTextNotTheListing() throws Exception {
        serveFacePack();
        byte[] huge = new byte[HuggingFaceSource.MAX_README_BYTES + 1];
        Arrays.fill(huge, (byte) 'x');
        server.on(
                "/datasets/someone/face-pack/resolve/86b5e0934494bd15c9632b12f734a8a67f723594/README.md",
                req -> FixtureServer.bytes(200, huge, "text/plain; charset=utf-8"));
        CrawlOutcome out = source().crawl("someone/face-pack", null);
        assertEquals(3, out.snapshot().entries().size(), "all files listed");
        assertTrue(out.snapshot().text() == null || !out.snapshot().text().contains("xxxx"), "no README text");
    }
}
