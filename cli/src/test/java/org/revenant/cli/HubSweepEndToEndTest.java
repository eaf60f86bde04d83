package org.revenant.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.revenant.crawl.Coverage;
import org.revenant.http.CrawlCoverage;
import org.revenant.http.metrics.RevenantMetrics;
import org.revenant.testkit.KafkaBroker;

/**
 * A Hugging Face dataset found only by the sweep of the Hub's datasets by last modification
 * (decision 029): named after nothing in the registry, holding one renamed file with the exact size
 * of MS-Celeb-1M's cropped TSV, it is a candidate by its file names, its tree is fetched, and it
 * alerts; a dataset of archives of another size (a CIFAR-like control) and another face dataset
 * (FFHQ thumbnails, not retracted) are crawled and stay silent, and one of Parquet files only is
 * never fetched. A second run reads only what changed since.
 */
@Tag("broker")
@Timeout(180)
class HubSweepEndToEndTest {

    @RegisterExtension
    static final KafkaBroker KAFKA = new KafkaBroker();

    @TempDir
    static Path dir;

    static final String LISTING = "/api/datasets?sort=lastModified&direction=-1&limit=100&full=true";
    static final String COPY = "quiet/holiday-archive";
    static final String CONTROL = "vision/tiny-objects";
    static final String TEXT = "text/poems";
    /** Another face dataset, not a retracted one: a candidate by its archive, and silent. */
    static final String OTHER_FACES = "faces/ffhq-thumbnails";

    static DetectionOnBroker world;
    static PlatformServer hub;

    @BeforeAll
    static void start() throws Exception {
        hub = new PlatformServer();
        hub.onPrefix("/api/datasets?search=", req -> PlatformServer.Reply.json(200, "[]"));
        hub.on(
                LISTING,
                req -> PlatformServer.Reply.json(
                        200,
                        "["
                                + listed(COPY, "2026-11-30T10:00:00.000Z", "README.md", "blobs/part-0001.bin")
                                + "," + listed(TEXT, "2026-11-29T10:00:00.000Z", "README.md", "data/train.parquet")
                                + "," + listed(CONTROL, "2026-11-28T10:00:00.000Z", "data/objects.zip")
                                + "," + listed(OTHER_FACES, "2026-11-27T10:00:00.000Z", "thumbnails128x128.zip")
                                + "]"));
        serveDataset(OTHER_FACES, "3333333333333333333333333333333333333333", "thumbnails128x128.zip", 1_957_263_380L);
        serveDataset(COPY, "1111111111111111111111111111111111111111", "blobs/part-0001.bin", 155_266_310_084L);
        serveDataset(CONTROL, "2222222222222222222222222222222222222222", "data/objects.zip", 170_498_071L);
        world = new DetectionOnBroker(KAFKA, "hub-sweep", dir.resolve("state"));
    }

    @AfterAll
    static void stop() {
        if (world != null) {
            world.close();
        }
        if (hub != null) {
            hub.close();
        }
    }

    @Test
    void aDatasetFoundOnlyByTheSweepWithARenamedFileOfKnownSizeAlerts() throws Exception {
        Path config = DetectionOnBroker.config(dir, "hf", "apiUrl: " + hub.base() + "\ndiscover: true\ndatasets: []");
        String out = world.crawlOnce(config, Map.of(), "hf");
        assertTrue(out.contains("hf: catalogue 3 of 3 examined (100%); 3 swept this run, 0 left"), out);
        // The same coverage, as the HTTP server and /metrics read it from crawler-state.
        try (CrawlCoverage coverage = new CrawlCoverage(world.client, world.topics).start();
                RevenantMetrics metrics = new RevenantMetrics()) {
            metrics.bindCoverage(coverage::coverage);
            RunningRevenant.await(
                    Duration.ofSeconds(30),
                    () -> coverage.coverage().contains(new Coverage("hf", 3, 3)),
                    "hf coverage 3 of 3");
            String scraped = metrics.scrape();
            assertTrue(scraped.contains("revenant_crawl_catalogue_examined{source=\"hf\"} 3.0"), scraped);
            assertTrue(scraped.contains("revenant_crawl_catalogue_known{source=\"hf\"} 3.0"), scraped);
        }

        JsonNode opened = world.awaitEvent("ms-celeb-1m|hf:datasets/" + COPY, "OPENED");
        assertTrue(opened.path("evidence").toString().contains("blobs/part-0001.bin"), opened.toString());
        assertTrue(
                hub.seen.stream().anyMatch(s -> s.path().startsWith("/api/datasets/" + CONTROL + "/tree/")),
                "the control was crawled");
        assertTrue(
                hub.seen.stream().noneMatch(s -> s.path().startsWith("/api/datasets/" + TEXT)),
                "Parquet alone is not a candidate");
        assertTrue(
                hub.seen.stream().anyMatch(s -> s.path().startsWith("/api/datasets/" + OTHER_FACES + "/tree/")),
                "the other face dataset was crawled");
        for (JsonNode alert : world.alerts()) {
            assertTrue(!alert.path("mirrorKey").asText().contains(CONTROL), "the control stays silent: " + alert);
            assertTrue(
                    !alert.path("mirrorKey").asText().contains(OTHER_FACES),
                    "another face dataset stays silent: " + alert);
        }

        // A second run: the copy changed since (it is at the top with a newer date), the control did not.
        hub.on(
                LISTING,
                req -> PlatformServer.Reply.json(
                        200,
                        "["
                                + listed(COPY, "2026-12-01T09:00:00.000Z", "README.md", "blobs/part-0001.bin")
                                + "," + listed(TEXT, "2026-11-29T10:00:00.000Z", "README.md", "data/train.parquet")
                                + "," + listed(CONTROL, "2026-11-28T10:00:00.000Z", "data/objects.zip")
                                + "]"));
        long copyBefore = requests("/api/datasets/" + COPY);
        long controlBefore = requests("/api/datasets/" + CONTROL);
        String again = world.crawlOnce(config, Map.of(), "hf");
        assertTrue(requests("/api/datasets/" + COPY) > copyBefore, "the changed dataset is crawled again: " + again);
        assertEquals(controlBefore, requests("/api/datasets/" + CONTROL), "the unchanged one is not: " + again);
    }

    private static long requests(String path) {
        return hub.seen.stream().filter(s -> s.path().equals(path)).count();
    }

    private static String listed(String id, String lastModified, String... files) {
        StringBuilder siblings = new StringBuilder();
        for (String f : files) {
            siblings.append(siblings.length() == 0 ? "" : ",")
                    .append("{\"rfilename\":\"")
                    .append(f)
                    .append("\"}");
        }
        return "{\"_id\":\"" + Integer.toHexString(id.hashCode()) + "\",\"id\":\"" + id + "\",\"lastModified\":\""
                + lastModified + "\",\"private\":false,\"gated\":false,\"disabled\":false,\"siblings\":[" + siblings
                + "]}";
    }

    private static void serveDataset(String id, String sha, String path, long size) {
        hub.json(
                "/api/datasets/" + id,
                "{\"_id\":\"" + Integer.toHexString(id.hashCode()) + "\",\"id\":\"" + id + "\",\"author\":\""
                        + id.substring(0, id.indexOf('/')) + "\",\"sha\":\"" + sha + "\","
                        + "\"lastModified\":\"2026-11-30T10:00:00.000Z\",\"private\":false,\"gated\":false,"
                        + "\"disabled\":false,\"tags\":[],\"cardData\":{},\"siblings\":[{\"rfilename\":\"" + path
                        + "\"}]}",
                "W/\"i-" + sha + "\"");
        hub.json(
                "/api/datasets/" + id + "/tree/" + sha + "?recursive=true&expand=false",
                "[{\"type\":\"file\",\"oid\":\"" + sha + "\",\"size\":" + size + ",\"path\":\"" + path
                        + "\",\"lfs\":{\"oid\":\"d88b0d6a6ff9c3f8151f9d3228f57092aaea997f09af009eefd7373a77b5abb9\","
                        + "\"size\":" + size + ",\"pointerSize\":136}}]",
                "W/\"t-" + sha + "\"");
    }
}
