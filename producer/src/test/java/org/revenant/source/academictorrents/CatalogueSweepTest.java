package org.revenant.source.academictorrents;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.revenant.crawl.CheckpointStore;
import org.revenant.crawl.CrawlConfig;
import org.revenant.crawl.CrawlExecutor;
import org.revenant.crawl.CrawlMetrics;
import org.revenant.crawl.CrawlOnce;
import org.revenant.crawl.DiscoveryTerms;
import org.revenant.crawl.FixtureServer;
import org.revenant.crawl.Fixtures;
import org.revenant.crawl.Snapshot;
import org.revenant.crawl.Sweep;
import org.revenant.crawl.TestSources;
import org.revenant.platforms.Platforms;
import org.revenant.testkit.CrawlYaml;
import org.revenant.wire.Topics;

/**
 * Academic Torrents' whole catalogue, swept (decision 024): every torrent in database.xml is
 * fetched once whatever it is called, a budget per {@code crawl --once}, and never again once
 * examined; the name search still goes first.
 */
@Timeout(60)
class CatalogueSweepTest {

    @TempDir
    java.nio.file.Path dir;

    final FixtureServer server = new FixtureServer();
    final CheckpointStore checkpoints = new CheckpointStore(offline(), Topics.defaults());
    final List<Snapshot> published = new CopyOnWriteArrayList<>();
    final Map<String, byte[]> torrents = new LinkedHashMap<>();
    CrawlConfig config;
    CrawlExecutor executor;

    static final DiscoveryTerms TERMS = new DiscoveryTerms(Set.of("MS Celeb"), Set.of(), Set.of());

    @BeforeEach
    void start() throws Exception {
        torrents.put("Celebrity faces, re-uploaded", torrent("reseed", "a/FaceImageCroppedWithAlignment.tsv"));
        // Named after nothing in the registry; its file has MS-Celeb-1M's exact size.
        torrents.put("holiday-archive-2024", torrent("holiday", "photos/all.tsv"));
        torrents.put("CIFAR-10 python", Fixtures.torrent("cifar", Map.of("data_batch_1", 31_035_704L)));
        torrents.put("lecture notes", Fixtures.torrent("notes", Map.of("notes.pdf", 1_000L)));
        StringBuilder xml = new StringBuilder("<?xml version=\"1.0\"?><rss version=\"2.0\"><channel>");
        for (var t : torrents.entrySet()) {
            String btih = Fixtures.btih(t.getValue());
            xml.append("<item><title>")
                    .append(t.getKey())
                    .append("</title><infohash>")
                    .append(btih)
                    .append("</infohash><description>")
                    .append(t.getKey().startsWith("Celebrity") ? "Same files as the MS Celeb release" : "data")
                    .append("</description></item>");
            byte[] bytes = t.getValue();
            server.on(
                    "/download/" + btih + ".torrent",
                    req -> FixtureServer.bytes(200, bytes, "application/x-bittorrent"));
        }
        byte[] catalogue = xml.append("</channel></rss>").toString().getBytes(StandardCharsets.UTF_8);
        server.on(
                "/database.xml",
                req -> "\"db-1\"".equals(req.header("If-None-Match"))
                        ? new FixtureServer.Response(304, Map.of("ETag", "\"db-1\""), new byte[0], 0)
                        : FixtureServer.bytes(200, catalogue, "application/xml").withHeader("ETag", "\"db-1\""));
        java.nio.file.Path yaml = java.nio.file.Files.writeString(
                dir.resolve("crawl.yaml"),
                CrawlYaml.only(
                        Platforms.names(),
                        Map.of("academictorrents", "url: \"" + server.base() + "\"\nsweepRate: 100\nsweepPerRun: 2")));
        config = CrawlConfig.load(yaml, Map.of(), Platforms.ALL);
        AcademicTorrentsSource source = new AcademicTorrentsSource(
                config.source("academictorrents"), TestSources.fetcher(new CopyOnWriteArrayList<>()));
        executor = new CrawlExecutor(
                Map.of("academictorrents", source), checkpoints, new CrawlMetrics(), Clock.systemUTC());
    }

    @AfterEach
    void stop() {
        executor.close();
        checkpoints.close();
        server.close();
    }

    /** Checkpoints kept in memory: the producer behind them gives up at once (nothing listens on port 1). */
    static Properties offline() {
        Properties p = new Properties();
        p.put("bootstrap.servers", "127.0.0.1:1");
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 50);
        return p;
    }

    static byte[] torrent(String name, String path) {
        return Fixtures.torrent(name, Map.of(path, 91_124_295_076L));
    }

    String once() {
        StringWriter out = new StringWriter();
        CrawlOnce.Summary s = CrawlOnce.run(
                config,
                executor,
                checkpoints,
                TERMS,
                (snapshot, at) -> published.add(snapshot),
                Set.of("academictorrents"),
                new PrintWriter(out));
        assertTrue(s.ok(), out.toString());
        return out.toString();
    }

    long fetches(String title) {
        return server.count("/download/" + Fixtures.btih(torrents.get(title)) + ".torrent");
    }

    @Test
    void everyTorrentIsExaminedOnceABudgetPerRunTheNameSearchFirst() {
        assertEquals(new Sweep(true, 100, 2), config.source("academictorrents").sweep());

        String first = once();
        assertTrue(first.contains("academictorrents: 1 queries (0 failed), 1 mirrors to crawl"), first);
        assertTrue(
                first.contains("academictorrents: catalogue 3 of 4 examined (75%); 2 swept this run, 1 left"), first);
        assertEquals(1, fetches("Celebrity faces, re-uploaded"), "the name search's find");
        assertEquals(1, fetches("holiday-archive-2024"), "catalogue order: the renamed copy is swept");
        assertEquals(1, fetches("CIFAR-10 python"));
        assertEquals(0, fetches("lecture notes"), "over this run's budget");
        Snapshot renamed = published.stream()
                .filter(s ->
                        s.mirror().getTitle() != null && s.mirror().getTitle().equals("holiday"))
                .findFirst()
                .orElseThrow(() -> new AssertionError("the renamed copy was not published: " + published));
        assertEquals(91_124_295_076L, renamed.entries().get(0).getSize());

        String second = once();
        assertTrue(second.contains("catalogue 4 of 4 examined (100%); 1 swept this run, 0 left"), second);
        assertEquals(1, fetches("holiday-archive-2024"), "a swept torrent is not fetched again");
        assertEquals(1, fetches("CIFAR-10 python"));
        assertEquals(1, fetches("lecture notes"));
        assertEquals(2, fetches("Celebrity faces, re-uploaded"), "a name match is re-checked every run");

        long catalogueBefore = server.count("/database.xml");
        String third = once();
        assertEquals(catalogueBefore + 1, server.count("/database.xml"));
        assertEquals(
                "\"db-1\"",
                server.requests().stream()
                        .filter(r -> r.path().startsWith("/database.xml"))
                        .reduce((a, b) -> b)
                        .orElseThrow()
                        .header("If-None-Match"),
                "a finished sweep asks for the catalogue conditionally again");
        assertTrue(third.contains("catalogue 4 of 4 examined (100%)"), third);
        assertEquals(1, fetches("lecture notes"));
    }
}
