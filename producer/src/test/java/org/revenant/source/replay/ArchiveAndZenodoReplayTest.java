package org.revenant.source.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
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
import org.revenant.source.ia.InternetArchiveSource;
import org.revenant.source.zenodo.ZenodoSource;

/**
 * InternetArchiveSource and ZenodoSource against responses recorded by the internetarchive library's
 * tests, cldfzenodo's fixtures (Zenodo's October 2023 file shape) and kdr-invenio-migrator's sample
 * record (the current shape), served at the paths Revenant requests (decision 016).
 */
@Timeout(30)
class ArchiveAndZenodoReplayTest {

    final FixtureServer server = new FixtureServer();
    final List<Duration> waits = new ArrayList<>();

    @AfterEach
    void stop() {
        server.close();
    }

    ZenodoSource zenodo() {
        return new ZenodoSource(TestSources.config("zenodo", server), TestSources.fetcher(waits));
    }

    static Map<String, ManifestEntry> byPath(List<ManifestEntry> entries) {
        return entries.stream()
                .collect(Collectors.toMap(ManifestEntry::getPath, e -> e, (a, b) -> a, LinkedHashMap::new));
    }

    @Test
    void theRecordedNasaItemIsPublishedWithEveryFileAndItsTorrentAsATorrentReference() throws Exception {
        JsonNode item = Recordings.json("ia/tests/data/metadata/nasa.json");
        server.on("/metadata/nasa", req -> FixtureServer.json(200, item.toString()));
        CrawlOutcome out = new InternetArchiveSource(TestSources.config("ia", server), TestSources.fetcher(waits))
                .crawl("nasa", null);

        Map<String, ManifestEntry> entries = byPath(out.snapshot().entries());
        String btih = null;
        for (JsonNode f : item.path("files")) {
            ManifestEntry e = entries.get(f.path("name").asText());
            assertEquals(
                    f.has("size") ? Long.valueOf(f.path("size").asText()) : null,
                    e.getSize(),
                    f.path("name").asText());
            assertEquals(f.has("md5") ? f.path("md5").asText() : null, e.getMd5());
            assertEquals(f.has("sha1") ? f.path("sha1").asText() : null, e.getSha1());
            if (f.has("btih")) {
                btih = f.path("btih").asText();
                assertEquals(EntryKind.TORRENT_REF, e.getKind(), "the item's own torrent");
                assertEquals(btih, e.getRef());
            } else {
                assertEquals(EntryKind.FILE, e.getKind());
            }
        }
        assertEquals("81ea3dbf71b379b0ef1c34d19bc91d731b8101e2", btih, "the recording's item torrent");
        assertEquals(btih, out.snapshot().mirror().getIdentifiers().get("btih"));
        assertEquals(
                item.path("files").size(),
                entries.values().stream()
                        .filter(e -> e.getKind() == EntryKind.FILE || e.getKind() == EntryKind.TORRENT_REF)
                        .count());
    }

    /** Every recorded hit served as its record, crawled, and compared file by file with the recording. */
    void assertRecordsReadAsRecorded(String fixture, int expectedRecords) throws Exception {
        JsonNode hits = Recordings.json("cldfzenodo/tests/fixtures/" + fixture)
                .path("hits")
                .path("hits");
        int records = 0;
        for (JsonNode hit : hits) {
            if (hit.path("files").isEmpty()) {
                continue;
            }
            records++;
            String id = hit.path("id").asText();
            server.on("/api/records/" + id, req -> FixtureServer.json(200, hit.toString()));
            CrawlOutcome out = zenodo().crawl(id, null);
            assertEquals(MirrorStatus.PRESENT, out.snapshot().mirror().getStatus());
            Map<String, ManifestEntry> files = byPath(out.snapshot().entries().stream()
                    .filter(e -> e.getKind() == EntryKind.FILE)
                    .toList());
            assertEquals(hit.path("files").size(), files.size(), "record " + id);
            for (JsonNode f : hit.path("files")) {
                ManifestEntry e = files.get(f.path("filename").asText());
                assertEquals(
                        f.path("filesize").asLong(),
                        e.getSize(),
                        id + " " + f.path("filename").asText());
                assertEquals(f.path("checksum").asText(), e.getMd5());
            }
        }
        assertEquals(expectedRecords, records, fixture);
    }

    @Test
    void recordsInTheOlderFileShapeAreReadWithTheirFilesSizesAndMd5s() throws Exception {
        assertRecordsReadAsRecorded("record.json", 1);
        assertRecordsReadAsRecorded("record_multifile.json", 1);
        assertRecordsReadAsRecorded("search_keyword.json", 10);

        CrawlOutcome one = zenodo().crawl("5173799", null);
        ManifestEntry zip = one.snapshot().entries().get(0);
        assertEquals("lexibank/utoaztecan-v1.1.zip", zip.getPath());
        assertEquals(805_940L, zip.getSize());
        assertEquals("43e15e8115e5610cb029dce137cbea6f", zip.getMd5());
        assertEquals(
                5,
                zenodo().crawl("7085903", null).snapshot().entries().stream()
                        .filter(e -> e.getKind() == EntryKind.FILE)
                        .count());
    }

    @Test
    void theRecordedCurrentShapeIsReadToo() throws Exception {
        JsonNode record = Recordings.json("kth/sample_zenodo_record.json");
        server.on("/api/records/15411009", req -> FixtureServer.json(200, record.toString()));
        List<ManifestEntry> files = zenodo().crawl("15411009", null).snapshot().entries().stream()
                .filter(e -> e.getKind() == EntryKind.FILE)
                .toList();
        assertEquals(1, files.size());
        assertEquals("Finding_and_exploring_data.pdf", files.get(0).getPath());
        assertEquals(1_498_808L, files.get(0).getSize());
        assertEquals("7bf6bbbc35429543fdf07552f73aaceb", files.get(0).getMd5());
    }

    @Test
    void aFileEntryInNeitherShapeFailsTheCrawlWithItsReason() throws Exception {
        JsonNode hit = Recordings.json("cldfzenodo/tests/fixtures/record.json")
                .path("hits")
                .path("hits")
                .get(0);
        ObjectNode file = (ObjectNode) hit.path("files").get(0);
        file.remove("filename"); // a shape neither current nor older: say so, never publish an empty mirror
        file.put("name", "lexibank/utoaztecan-v1.1.zip");
        server.on("/api/records/5173799", req -> FixtureServer.json(200, hit.toString()));
        CrawlException e = assertThrows(CrawlException.class, () -> zenodo().crawl("5173799", null));
        assertTrue(e.getMessage().contains("record 5173799: file 1 has neither key nor filename"), e.getMessage());
    }

    @Test
    void aRecordedSearchFindsEveryHit() throws Exception {
        JsonNode search = Recordings.json("cldfzenodo/tests/fixtures/search_keyword.json");
        ((ObjectNode) search).remove("links"); // one page: its next link points at zenodo.org
        server.on("/api/records?*", req -> FixtureServer.json(200, search.toString()));
        List<String> expected = new ArrayList<>();
        search.path("hits").path("hits").forEach(h -> expected.add(h.path("id").asText()));
        List<String> found =
                zenodo().discover("phlorest", DiscoveryTerms.empty(), null).locators();
        assertEquals(expected, found);
    }
}
