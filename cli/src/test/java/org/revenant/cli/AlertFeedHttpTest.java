package org.revenant.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.revenant.testkit.AtomRules;
import org.revenant.testkit.KafkaBroker;
import org.revenant.wire.TopicSetup;
import org.revenant.wire.Topics;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * {@code /feeds/alerts.atom} of two instances sharing the work, against a real broker: either
 * instance's feed holds every instance's events, keeps the Atom rules as a hardened XML parser
 * reads it, gives each event the same entry id on every fetch, applies the alert list's filters,
 * and keeps a hostile mirror's markup and control characters out of the document.
 */
@Tag("broker")
@Timeout(240)
class AlertFeedHttpTest {

    @RegisterExtension
    static final KafkaBroker KAFKA = new KafkaBroker();

    static final ObjectMapper JSON = new ObjectMapper();
    /** A crawled file name that tries to end a CDATA section, add markup and carry controls XML 1.0 forbids. */
    static final String HOSTILE_NAME = "]]><script>alert(1)</script>&lt;\u0001\u001b.tsv";

    @TempDir
    static Path dir;

    static String prefix;
    static RunningRevenant first;
    static RunningRevenant second;

    @BeforeAll
    static void start() throws Exception {
        prefix = KafkaBroker.uniquePrefix("feed") + ".";
        Topics topics = new Topics(prefix);
        TopicSetup.ensure(KAFKA.admin(), topics, 2, (short) 1);
        RunningRevenant.cli(
                KAFKA, prefix, "registry", "load", Path.of("..", "registry").toString());
        first = RunningRevenant.start(KAFKA, topics, prefix + "detect", dir.resolve("a"), null);
        second = RunningRevenant.start(KAFKA, topics, prefix + "detect", dir.resolve("b"), null);
        first.awaitRunning();
        second.awaitRunning();
    }

    @AfterAll
    static void stop() {
        Stream.of(second, first).filter(Objects::nonNull).forEach(RunningRevenant::close);
    }

    @Test
    void eitherInstanceServesEveryEventAsAValidFeedWithStableIdsAndFilters() throws Exception {
        List<String> locators = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            locators.add("feed/copy-" + i + "-" + System.nanoTime());
        }
        for (String locator : locators) {
            publish(locator, "PRESENT");
        }
        String reappearing = locators.get(0);
        awaitEvents(first, reappearing, 1);
        publish(reappearing, "GONE");
        awaitEvents(first, reappearing, 2);
        publish(reappearing, "PRESENT");
        for (String locator : locators) {
            awaitEvents(first, locator, locator.equals(reappearing) ? 3 : 1);
        }

        String path = "/feeds/alerts.atom?dataset=MS-Celeb-1M&platform=github";
        Map<String, String> idsByEvent = null;
        for (RunningRevenant instance : List.of(first, second, first)) {
            HttpResponse<String> response = instance.get(path);
            assertEquals(200, response.statusCode(), response.body());
            assertEquals(
                    "application/atom+xml; charset=utf-8",
                    response.headers().firstValue("Content-Type").orElse(""));
            Document doc = AtomRules.check(response.body());
            Map<String, String> ids = entryIds(doc, locators);
            assertEquals(6, ids.size(), "every instance's events (4 OPENED, RESOLVED, REAPPEARED): " + ids.keySet());
            if (idsByEvent != null) {
                assertEquals(idsByEvent, ids, "the same entry id for each event on every fetch, from any instance");
            }
            idsByEvent = ids;
            Element feed = doc.getDocumentElement();
            Element self = AtomRules.links(feed).stream()
                    .filter(l -> l.getAttribute("rel").equals("self"))
                    .findFirst()
                    .orElseThrow();
            assertEquals(
                    "http://localhost:" + instance.port + "/feeds/alerts.atom?dataset=ms-celeb-1m&platform=github",
                    self.getAttribute("href"));
            List<String> updated = AtomRules.children(feed, "entry").stream()
                    .map(e -> AtomRules.one(e, "updated"))
                    .toList();
            assertEquals(
                    updated.stream()
                            .sorted((a, b) -> Instant.parse(b).compareTo(Instant.parse(a)))
                            .toList(),
                    updated,
                    "newest first");
        }
        assertTrue(
                idsByEvent.keySet().stream().anyMatch(t -> t.startsWith("REAPPEARED: ") && t.contains(reappearing)),
                idsByEvent.keySet().toString());

        Document otherPlatform =
                AtomRules.check(second.get("/feeds/alerts.atom?platform=zenodo").body());
        assertEquals(0, entryIds(otherPlatform, locators).size(), "platform filter");
        Document possible = AtomRules.check(
                first.get("/feeds/alerts.atom?severity=possible").body());
        assertEquals(0, entryIds(possible, locators).size(), "severity filter");
        Document open = AtomRules.check(
                second.get("/feeds/alerts.atom?state=open&dataset=ms-celeb-1m").body());
        assertEquals(6, entryIds(open, locators).size(), "the state filter is the alert's state: its events all come");
        Document limited =
                AtomRules.check(first.get("/feeds/alerts.atom?limit=2").body());
        assertEquals(
                2, AtomRules.children(limited.getDocumentElement(), "entry").size(), "limit");
        assertEquals(400, first.get("/feeds/alerts.atom?limit=0").statusCode());

        JsonNode events = JSON.readTree(
                second.get("/api/alert-events?dataset=ms-celeb-1m").body());
        assertFalse(events.path("partial").asBoolean());
        assertTrue(events.path("events").size() >= 6, events.toString());
    }

    @Test
    void aHostileFileNameStaysTextInTheFeed() throws Exception {
        String locator = "feed/hostile-" + System.nanoTime();
        RunningRevenant.publishManifest(KAFKA, prefix, dir, hostileCopy(locator));
        awaitEvents(second, locator, 1);
        HttpResponse<String> response = first.get("/feeds/alerts.atom?dataset=ms-celeb-1m");
        assertFalse(response.body().contains("<script>"), response.body());
        assertFalse(response.body().contains("]]><"), response.body());
        Document doc = AtomRules.check(response.body());
        Element entry = AtomRules.children(doc.getDocumentElement(), "entry").stream()
                .filter(e -> AtomRules.one(e, "title").contains(locator))
                .findFirst()
                .orElseThrow();
        String content = AtomRules.one(entry, "content");
        assertTrue(
                content.contains("data/]]><script>alert(1)</script>&lt;\ufffd\ufffd.tsv"),
                "the name as text, controls replaced: " + content);
    }

    @Test
    void theDashboardPagesLinkTheFeed() throws Exception {
        for (String page : List.of("/", "/dataset.html", "/alert.html")) {
            String html = first.get(page).body();
            assertTrue(
                    html.contains("<link rel=\"alternate\" type=\"application/atom+xml\""),
                    page + " announces the feed: " + html);
        }
        String dataset = first.get("/js/dataset.js").body();
        assertTrue(dataset.contains("/feeds/alerts.atom?dataset="), "the dataset page links its dataset's feed");
        String alert = first.get("/js/alert.js").body();
        assertTrue(alert.contains("/feeds/alerts.atom?dataset="), "the alert page links its dataset's feed");
    }

    /** Entry title → entry id, for the entries about the given mirrors. */
    private static Map<String, String> entryIds(Document doc, List<String> locators) {
        Map<String, String> ids = new LinkedHashMap<>();
        for (Element entry : AtomRules.children(doc.getDocumentElement(), "entry")) {
            String title = AtomRules.one(entry, "title");
            if (locators.stream().anyMatch(title::contains)) {
                ids.put(title + " " + AtomRules.one(entry, "updated"), AtomRules.one(entry, "id"));
            }
        }
        return ids;
    }

    private static void awaitEvents(RunningRevenant instance, String locator, int count) throws Exception {
        String key = ("ms-celeb-1m|github:" + locator).replace("|", "%7C");
        RunningRevenant.await(
                Duration.ofSeconds(60),
                () -> {
                    try {
                        HttpResponse<String> r = instance.get("/api/alerts/" + key);
                        return r.statusCode() == 200
                                && JSON.readTree(r.body()).path("timeline").size() >= count;
                    } catch (Exception e) {
                        return false;
                    }
                },
                count + " event(s) of " + locator);
    }

    private static void publish(String locator, String status) throws Exception {
        RunningRevenant.publishManifest(
                KAFKA, prefix, dir, RunningRevenant.msCelebCopy(locator, status, "faces " + locator, "copy"));
    }

    private static String hostileCopy(String locator) throws Exception {
        return "{\"mirror\": {\"platform\": \"github\", \"locator\": \"" + locator
                + "\", \"url\": \"https://github.com/" + locator + "\", \"status\": \"PRESENT\"},"
                + " \"observedAt\": \"" + Instant.now() + "\", \"files\": ["
                + "{\"path\": " + JSON.writeValueAsString("data/" + HOSTILE_NAME) + ", \"size\": 91124295076},"
                + " {\"path\": \"data/cropped.tsv\", \"size\": 155266310084}]}";
    }
}
