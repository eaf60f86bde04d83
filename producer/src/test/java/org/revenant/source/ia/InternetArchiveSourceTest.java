package org.revenant.source.ia;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.revenant.avro.EntryKind;
import org.revenant.avro.ManifestEntry;
import org.revenant.avro.MirrorStatus;
import org.revenant.crawl.CrawlException;
import org.revenant.crawl.CrawlOutcome;
import org.revenant.crawl.DiscoveryTerms;
import org.revenant.crawl.FixtureServer;
import org.revenant.crawl.TestSources;

@Timeout(30)
class InternetArchiveSourceTest {

    final FixtureServer server = new FixtureServer();
    final List<Duration> waits = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        server.close();
    }

    InternetArchiveSource source() {
        return new InternetArchiveSource(TestSources.config("ia", server), TestSources.fetcher(waits));
    }

    @Test
    void anItemIsItsFilesWithSizesAndHashes() throws Exception {
        server.file("/metadata/celeb-face-archive", "ia/metadata-faces.http");
        CrawlOutcome out = source().crawl("celeb-face-archive", null);
        assertEquals("ia:celeb-face-archive", out.snapshot().mirror().getKey());
        assertEquals("Celebrity face archive", out.snapshot().mirror().getTitle());
        ManifestEntry big = out.snapshot().entries().get(0);
        assertEquals(155_266_310_084L, big.getSize(), "sizes arrive as strings");
        assertEquals("0a1b2c3d4e5f60718293a4b5c6d7e8f9", big.getMd5());
        assertEquals("00112233445566778899aabbccddeeff00112233", big.getSha1());
        assertTrue(out.snapshot().entries().stream().anyMatch(e -> e.getKind() == EntryKind.LINK));
        assertEquals(
                server.base() + "/details/celeb-face-archive",
                out.snapshot().mirror().getUrl());
    }

    @Test
    void anEmptyObjectMeansGoneAndADarkItemIsBlocked() throws Exception {
        server.file("/metadata/vanished", "ia/metadata-empty.http")
                .file("/metadata/dark-item", "ia/metadata-dark.http");
        assertEquals(
                MirrorStatus.GONE,
                source().crawl("vanished", null).snapshot().mirror().getStatus());
        assertEquals(
                MirrorStatus.BLOCKED,
                source().crawl("dark-item", null).snapshot().mirror().getStatus());
    }

    @Test
    void itemsAreAlsoSearchedByTheirOwnTorrentAndByATotalSizeNearAKnownCopysSentInTheSearchsFieldSyntax()
            throws Exception {
        DiscoveryTerms terms = new DiscoveryTerms(
                Set.of("MS-Celeb-1M"),
                Set.of(),
                Set.of("9e67eb7cc23c9417f39778a8e06cca5e26196a97"),
                Set.of(),
                Set.of(),
                Set.of(),
                Set.of(246_390_693_904L));
        List<String> queries = source().queries(terms);
        assertEquals(
                List.of(
                        "MS-Celeb-1M",
                        "field:btih:9e67eb7cc23c9417f39778a8e06cca5e26196a97",
                        "field:item_size:[246390693904 TO 248854600843]"),
                queries);
        server.file("/advancedsearch.php*", "ia/search-page1.http");
        source().discover(queries.get(2), terms, null);
        assertTrue(
                server.requests()
                        .get(0)
                        .path()
                        .startsWith("/advancedsearch.php?q=item_size%3A%5B246390693904+TO+248854600843%5D&fl"),
                server.requests().get(0).path());
    }

    @Test
    void advancedSearchListsIdentifiers() throws Exception {
        server.file("/advancedsearch.php*", "ia/search-page1.http");
        assertEquals(
                List.of("celeb-face-archive", "msceleb-notes"),
                source().discover("MS-Celeb-1M", DiscoveryTerms.empty(), null).locators());
        assertTrue(server.requests()
                .get(0)
                .path()
                .startsWith("/advancedsearch.php?q=%22MS-Celeb-1M%22&fl%5B%5D=identifier&rows=100&page=1&output=json"));
    }

    @Test
    void serverErrorsAreRetriedThenReported() {
        server.on("/metadata/*", req -> FixtureServer.json(502, "<html>Bad Gateway</html>"));
        CrawlException e = assertThrows(CrawlException.class, () -> source().crawl("celeb-face-archive", null));
        assertTrue(
                e.getMessage().contains("HTTP 502") && e.getMessage().contains("gave up after 3 attempts"),
                e.getMessage());
        assertEquals(3, server.count("/metadata/"));
    }
}
