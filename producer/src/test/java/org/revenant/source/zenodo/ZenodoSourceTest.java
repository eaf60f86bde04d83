package org.revenant.source.zenodo;

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
import org.revenant.avro.CrawlCheckpoint;
import org.revenant.avro.ManifestEntry;
import org.revenant.avro.MirrorStatus;
import org.revenant.crawl.CrawlException;
import org.revenant.crawl.CrawlOutcome;
import org.revenant.crawl.DiscoveryTerms;
import org.revenant.crawl.FixtureServer;
import org.revenant.crawl.TestSources;

@Timeout(30)
class ZenodoSourceTest {

    final FixtureServer server = new FixtureServer();
    final List<Duration> waits = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        server.close();
    }

    ZenodoSource source() {
        return new ZenodoSource(TestSources.config("zenodo", server), TestSources.fetcher(waits));
    }

    @Test
    void recordsAreAlsoSearchedByAFilesMd5() throws Exception {
        DiscoveryTerms terms = new DiscoveryTerms(
                Set.of("MS1M"),
                Set.of(),
                Set.of(),
                Set.of(),
                Set.of(),
                Set.of("7c053dd0462b4af243bb95b7b31da6e6"),
                Set.of());
        List<String> queries = source().queries(terms);
        assertEquals(List.of("MS1M", "field:files.entries.checksum:\"md5:7c053dd0462b4af243bb95b7b31da6e6\""), queries);
        server.file(
                "/api/records?q=files.entries.checksum%3A%22md5%3A7c053dd0462b4af243bb95b7b31da6e6%22&size=100&page=1",
                "zenodo/search-page2.http");
        assertEquals(
                List.of("7654321"),
                source().discover(queries.get(1), terms, null).locators());
    }

    @Test
    void aRecordIsItsFilesWithMd5AndAnEtagForNextTime() throws Exception {
        server.file("/api/records/1234567", "zenodo/record-faces.http");
        CrawlOutcome out = source().crawl("1234567", null);
        assertEquals("zenodo:1234567", out.snapshot().mirror().getKey());
        ManifestEntry f = out.snapshot().entries().get(0);
        assertEquals("faces_emore/train.rec", f.getPath());
        assertEquals(1_048_576L, f.getSize());
        assertEquals("c785060c866796cc2a1708c997154c8e", f.getMd5());
        assertEquals("\"4\"", out.etag());
        CrawlCheckpoint cp = CrawlCheckpoint.newBuilder()
                .setKey("zenodo/1234567")
                .setSource("zenodo")
                .setEtag("\"4\"")
                .build();
        assertTrue(source().crawl("1234567", cp).isUnchanged());
    }

    @Test
    void aDeletedRecordIsGone() throws Exception {
        server.file("/api/records/999", "zenodo/gone.http");
        assertEquals(
                MirrorStatus.GONE,
                source().crawl("999", null).snapshot().mirror().getStatus());
    }

    @Test
    void searchFollowsLinksNext() throws Exception {
        server.file("/api/records?q=%22MS1M%22&size=100&page=1", "zenodo/search-page1.http")
                .file("/api/records?q=%22MS1M%22&size=100&page=2", "zenodo/search-page2.http");
        assertEquals(
                List.of("1234567", "7654321"),
                source().discover("MS1M", DiscoveryTerms.empty(), null).locators());
    }

    @Test
    void aSlowRecordTimesOutAfterBoundedRetries() {
        server.on(
                "/api/records/1234567",
                req -> server.load("zenodo/record-faces.http").delayed(1_000));
        ZenodoSource impatient = new ZenodoSource(
                TestSources.config("zenodo", server), TestSources.fetcher(waits, Duration.ofMillis(300)));
        CrawlException e = assertThrows(CrawlException.class, () -> impatient.crawl("1234567", null));
        assertTrue(e.getMessage().startsWith("timed out after 300 ms"), e.getMessage());
        assertEquals(3, server.count("/api/records/1234567"));
    }
}
