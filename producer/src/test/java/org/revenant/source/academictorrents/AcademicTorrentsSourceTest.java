package org.revenant.source.academictorrents;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.revenant.avro.CrawlCheckpoint;
import org.revenant.avro.MirrorStatus;
import org.revenant.crawl.CrawlException;
import org.revenant.crawl.CrawlOutcome;
import org.revenant.crawl.Discovery;
import org.revenant.crawl.DiscoveryTerms;
import org.revenant.crawl.FixtureServer;
import org.revenant.crawl.Fixtures;
import org.revenant.crawl.TestSources;

@Timeout(30)
class AcademicTorrentsSourceTest {

    static final String MS1M = "9e67eb7cc23c9417f39778a8e06cca5e26196a97";
    final FixtureServer server = new FixtureServer();
    final List<Duration> waits = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        server.close();
    }

    AcademicTorrentsSource source() {
        return new AcademicTorrentsSource(TestSources.config("academictorrents", server), TestSources.fetcher(waits));
    }

    static byte[] reseed() {
        Map<String, Long> files = new LinkedHashMap<>();
        files.put("a/FaceImageCroppedWithAlignment.tsv", 91_124_295_076L);
        files.put("b/FaceImageCroppedWithOutAlignment.tsv", 155_266_310_084L);
        return Fixtures.torrent("MS-Celeb-1M-reseed", files);
    }

    @Test
    void theCatalogueIsSearchedForRegistryNamesAndInfohashesThenFetchedConditionally() throws Exception {
        String reseed = Fixtures.btih(reseed());
        server.set("reseed", reseed).file("/database.xml", "at/database.xml.http");
        DiscoveryTerms terms = new DiscoveryTerms(Set.of("MS Celeb", "MS1M"), Set.of(), Set.of(MS1M));
        Discovery found = source().discover("database.xml", terms, null);
        assertEquals(List.of(MS1M, reseed), found.locators(), "by infohash, and by a name in the title");
        CrawlCheckpoint cp = CrawlCheckpoint.newBuilder()
                .setKey("k")
                .setSource("academictorrents")
                .setEtag(found.etag())
                .build();
        assertEquals(List.of(), source().discover("database.xml", terms, cp).locators(), "304: nothing new");
        assertEquals(found.etag(), server.requests().get(1).header("If-None-Match"));
    }

    @Test
    void aListedInfohashBecomesATorrentMirrorWithItsFiles() throws Exception {
        byte[] torrent = reseed();
        String btih = Fixtures.btih(torrent);
        server.on(
                "/download/" + btih + ".torrent", req -> FixtureServer.bytes(200, torrent, "application/x-bittorrent"));
        CrawlOutcome out = source().crawl(btih, null);
        assertEquals("torrent:" + btih, out.snapshot().mirror().getKey());
        assertEquals(2, out.snapshot().entries().size());
        assertEquals(server.base() + "/details/" + btih, out.snapshot().mirror().getUrl());
        server.on("/download/" + MS1M + ".torrent", req -> FixtureServer.json(404, "{\"error\":\"not found\"}"));
        assertEquals(
                MirrorStatus.GONE,
                source().crawl(MS1M, null).snapshot().mirror().getStatus());
    }

    @Test
    void aMalformedCatalogueOrAWrongTorrentIsAClearError() {
        server.on(
                "/database.xml",
                req -> FixtureServer.bytes(200, "<rss><channel><item><title>x</titl".getBytes(), "application/xml"));
        CrawlException bad = assertThrows(
                CrawlException.class, () -> source().discover("database.xml", DiscoveryTerms.empty(), null));
        assertTrue(bad.getMessage().startsWith("malformed database.xml from"), bad.getMessage());
        server.on(
                "/download/" + MS1M + ".torrent",
                req -> FixtureServer.bytes(200, reseed(), "application/x-bittorrent"));
        CrawlException wrong = assertThrows(CrawlException.class, () -> source().crawl(MS1M, null));
        assertTrue(
                wrong.getMessage().startsWith("asked for " + MS1M + " but the .torrent served has infohash"),
                wrong.getMessage());
    }
}
