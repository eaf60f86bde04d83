package org.revenant.cli.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.revenant.cli.Main;

/**
 * The exports of the bundled registry, with alerts served by a stand-in of the HTTP API from a
 * fixture shaped like {@code GET /api/alerts}: the STIX bundle keeps STIX 2.1's rules
 * ({@link StixRules}), repeated exports are byte-identical, the MISP
 * feed's manifest and hashes.csv agree with its events, and the hash lists hold what HMA can load.
 */
class ExportCommandTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String MS_CELEB_BTIH = "9e67eb7cc23c9417f39778a8e06cca5e26196a97";
    /** DukeMTMC-reID's MD5 that the registry has from a third-party loader ({@code verified: false}). */
    static final String UNVERIFIED_MD5 = "62d8f3c7d6b2c5dc3d8ca6af7515847c";

    static HttpServer api;
    static String url;

    @TempDir
    Path dir;

    @BeforeAll
    static void serveAlerts() throws Exception {
        byte[] body;
        try (InputStream in = ExportCommandTest.class.getResourceAsStream("/export/alerts.json")) {
            body = in.readAllBytes();
        }
        api = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        api.createContext("/api/alerts", exchange -> {
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        api.start();
        url = "http://127.0.0.1:" + api.getAddress().getPort();
    }

    @AfterAll
    static void stopApi() {
        api.stop(0);
    }

    @Test
    void stixBundleKeepsTheSpecsRulesAndIsTheSameOnEveryExport() throws Exception {
        Path first = dir.resolve("a.json");
        Path second = dir.resolve("b.json");
        assertEquals(0, run("export", "stix", "--url", url, "-o", first.toString()));
        assertEquals(0, run("export", "stix", "--url", url, "-o", second.toString()));
        assertEquals(Files.readString(first), Files.readString(second), "deterministic ids and timestamps");

        JsonNode bundle = JSON.readTree(first.toFile());
        StixRules.check(bundle);

        Map<String, JsonNode> byId = new HashMap<>();
        bundle.path("objects").forEach(o -> byId.put(o.path("id").asText(), o));
        JsonNode infohash = find(
                bundle,
                o -> o.path("type").asText().equals("indicator")
                        && o.path("pattern").asText().contains(MS_CELEB_BTIH));
        assertEquals(
                "[url:value LIKE 'magnet:?xt=urn:btih:" + MS_CELEB_BTIH + "%']",
                infohash.path("pattern").asText());
        JsonNode md5 = find(bundle, o -> o.path("pattern").asText().contains(UNVERIFIED_MD5));
        assertEquals(
                "[file:hashes.MD5 = '" + UNVERIFIED_MD5 + "']",
                md5.path("pattern").asText());
        assertTrue(md5.path("labels").toString().contains("\"unverified\""), md5.toString());
        assertEquals(
                "2019-06-02T00:00:00.000Z",
                md5.path("valid_from").asText(),
                "a derivative without a retraction date has its parent's (DukeMTMC)");

        JsonNode grouping = find(
                bundle,
                o -> o.path("type").asText().equals("grouping")
                        && o.path("name").asText().equals("MS-Celeb-1M"));
        List<String> refs = new ArrayList<>();
        grouping.path("object_refs").forEach(r -> refs.add(r.asText()));
        assertTrue(refs.contains(infohash.path("id").asText()), "the dataset groups its indicators");

        List<JsonNode> sightings = new ArrayList<>();
        bundle.path("objects").forEach(o -> {
            if (o.path("type").asText().equals("sighting")) {
                sightings.add(o);
            }
        });
        assertEquals(3, sightings.size(), sightings.toString());
        JsonNode ofInfohash = sightings.stream()
                .filter(s -> s.path("sighting_of_ref")
                        .asText()
                        .equals(infohash.path("id").asText()))
                .findFirst()
                .orElseThrow();
        assertEquals(2, ofInfohash.path("count").asInt(), "first sighting and one reappearance");
        assertEquals("2026-11-22T10:00:00.250Z", ofInfohash.path("last_seen").asText());
        assertEquals(
                "torrent",
                byId.get(ofInfohash.path("where_sighted_refs").get(0).asText())
                        .path("name")
                        .asText());
        JsonNode bySize = sightings.stream()
                .filter(s -> s.path("description").asText().contains("github:x/faces"))
                .findFirst()
                .orElseThrow();
        JsonNode hostile = sightings.stream()
                .filter(s -> s.path("description").asText().contains("<script>"))
                .findFirst()
                .orElseThrow();
        assertEquals(
                "github:evil/<script>alert(1)</script>\u0001\u001b]]>",
                hostile.path("external_references").get(0).path("external_id").asText(),
                "crawled text stays data in JSON");
        assertFalse(
                hostile.path("external_references").get(0).has("url"), "a mirror URL that is not a URL is left out");
        assertEquals(
                grouping.path("id").asText(),
                bySize.path("sighting_of_ref").asText(),
                "a mirror matched by sizes alone is a sighting of the dataset");
    }

    @Test
    void stixWithoutUrlIsTheRegistryAlone() throws Exception {
        Path out = dir.resolve("r.json");
        assertEquals(0, run("export", "stix", "-o", out.toString()));
        JsonNode bundle = JSON.readTree(out.toFile());
        StixRules.check(bundle);
        bundle.path("objects").forEach(o -> assertFalse(o.path("type").asText().equals("sighting")));
    }

    @Test
    void mispFeedHasAManifestHashesCsvAndOneEventPerDataset() throws Exception {
        Path feed = dir.resolve("misp");
        assertEquals(0, run("export", "misp", "--url", url, "-o", feed.toString()));
        JsonNode manifest = JSON.readTree(feed.resolve("manifest.json").toFile());
        Set<String> events = new HashSet<>();
        try (Stream<Path> files = Files.list(feed)) {
            files.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".json") && !n.equals("manifest.json"))
                    .forEach(n -> events.add(n.substring(0, n.length() - 5)));
        }
        Set<String> listed = new HashSet<>();
        manifest.fieldNames().forEachRemaining(listed::add);
        assertEquals(events, listed, "the manifest lists every event file by its uuid");
        assertTrue(events.size() >= 2, events.toString());

        Map<String, String> expectedHashes = new HashMap<>();
        JsonNode msCeleb = null;
        for (String uuid : events) {
            JsonNode event =
                    JSON.readTree(feed.resolve(uuid + ".json").toFile()).path("Event");
            assertEquals(uuid, event.path("uuid").asText());
            assertTrue(event.path("date").asText().matches("\\d{4}-\\d{2}-\\d{2}"));
            assertTrue(event.path("timestamp").asText().matches("\\d+"));
            assertEquals(
                    manifest.path(uuid).path("info").asText(),
                    event.path("info").asText());
            assertNotNull(event.path("Orgc").path("uuid").asText(null));
            for (JsonNode a : event.path("Attribute")) {
                assertTrue(
                        Set.of("md5", "sha1", "sha256", "link", "url")
                                .contains(a.path("type").asText()),
                        a.toString());
                expectedHashes.put(MispFeed.md5(a.path("value").asText()) + "," + uuid, uuid);
            }
            if (event.path("info").asText().contains("(ms-celeb-1m)")) {
                msCeleb = event;
            }
        }
        Set<String> lines = new HashSet<>(Files.readAllLines(feed.resolve("hashes.csv")));
        assertEquals(expectedHashes.keySet(), lines, "hashes.csv: md5 of each attribute value, event uuid");

        assertNotNull(msCeleb);
        List<String> values = new ArrayList<>();
        msCeleb.path("Attribute")
                .forEach(a -> values.add(
                        a.path("type").asText() + " " + a.path("value").asText()));
        assertTrue(values.contains("link magnet:?xt=urn:btih:" + MS_CELEB_BTIH), values.toString());
        assertTrue(values.contains("url https://github.com/x/faces"), "the mirror seen: " + values);
        for (String uuid : events) {
            for (JsonNode a : JSON.readTree(feed.resolve(uuid + ".json").toFile())
                    .path("Event")
                    .path("Attribute")) {
                if (a.path("value").asText().equals(UNVERIFIED_MD5)) {
                    assertFalse(a.path("to_ids").asBoolean(), "an unverified hash is not for detection: " + a);
                    assertTrue(a.path("comment").asText().startsWith("unverified: "), a.toString());
                }
            }
        }

        Path again = dir.resolve("misp2");
        assertEquals(0, run("export", "misp", "--url", url, "-o", again.toString()));
        assertEquals(Files.readString(feed.resolve("manifest.json")), Files.readString(again.resolve("manifest.json")));
        assertEquals(Files.readString(feed.resolve("hashes.csv")), Files.readString(again.resolve("hashes.csv")));
    }

    @Test
    void hashListsPerDatasetAsCsvAndAsHmaSignals() throws Exception {
        Path csv = dir.resolve("csv");
        assertEquals(0, run("export", "hashes", "--format", "csv", "-o", csv.toString()));
        List<String> msCeleb = Files.readAllLines(csv.resolve("ms-celeb-1m.csv"));
        assertEquals("algorithm,hash,dataset,verified,note", msCeleb.get(0));
        assertTrue(
                msCeleb.contains(
                        "btih," + MS_CELEB_BTIH
                                + ",ms-celeb-1m,true,\"Academic Torrents torrent 'MS-Celeb-1M' (7 files, 246390693904 bytes)\""),
                "a note with a comma is quoted: " + msCeleb);
        assertTrue(Files.readAllLines(csv.resolve("dukemtmc-reid.csv"))
                .contains("md5," + UNVERIFIED_MD5
                        + ",dukemtmc-reid,false,hard-coded by a third-party loader for Drive id 1jjE85dRCMOgRtvJ5RQV9-Afs-2_5dY3O;"
                        + " not from the authors"));

        Path hma = dir.resolve("hma");
        assertEquals(0, run("export", "hashes", "--format", "hma", "-o", hma.toString()));
        List<Path> files;
        try (Stream<Path> list = Files.list(hma)) {
            files = list.toList();
        }
        assertFalse(files.isEmpty(), "the registry has MD5s");
        for (Path file : files) {
            assertTrue(file.getFileName().toString().endsWith(".hma.txt"), file.toString());
            for (String line : Files.readAllLines(file)) {
                assertTrue(line.matches("video_md5 [0-9a-f]{32}"), "an HMA signal line: " + line);
            }
        }
        assertEquals(
                List.of("video_md5 c5b668f2204c400099b14f367069aef5", "video_md5 7c053dd0462b4af243bb95b7b31da6e6"),
                Files.readAllLines(hma.resolve("ms-celeb-1m-v1c.hma.txt")));
        assertFalse(Files.exists(hma.resolve("dukemtmc-reid.hma.txt")), "unverified MD5s stay out of a bank");
        Path all = dir.resolve("hma-all");
        assertEquals(0, run("export", "hashes", "--format", "hma", "--include-unverified", "-o", all.toString()));
        assertTrue(Files.readAllLines(all.resolve("dukemtmc-reid.hma.txt")).contains("video_md5 " + UNVERIFIED_MD5));
        assertEquals(2, run("export", "hashes", "--format", "pdq", "-o", hma.toString()), "unknown format");
    }

    private static JsonNode find(JsonNode bundle, java.util.function.Predicate<JsonNode> p) {
        for (JsonNode o : bundle.path("objects")) {
            if (p.test(o)) {
                return o;
            }
        }
        throw new AssertionError("no such object in the bundle");
    }

    private static int run(String... args) {
        return Main.run(args);
    }
}
