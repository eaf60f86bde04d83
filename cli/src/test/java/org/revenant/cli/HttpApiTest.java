package org.revenant.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.revenant.detect.match.SnapshotMatcher;
import org.revenant.http.Analysts;
import org.revenant.platforms.Platforms;
import org.revenant.source.dir.DirectoryScanner;
import org.revenant.testkit.KafkaBroker;
import org.revenant.wire.TopicSetup;
import org.revenant.wire.Topics;

/**
 * The HTTP API of two Revenant instances sharing the work, against a real broker: each answers
 * for every alert and mirror (forwarding to the owner), actions need the token, the live feed
 * streams new events, and metrics and health answer.
 */
@Tag("broker")
@Timeout(240)
class HttpApiTest {

    @RegisterExtension
    static final KafkaBroker KAFKA = new KafkaBroker();

    static final String TOKEN = "test-admin-token-1234";
    static final String ALICE = "alice-token-5678";
    static final String BOB = "bob-token-9012";
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;

    static String prefix;
    static RunningRevenant first;
    static RunningRevenant second;

    @BeforeAll
    static void start() throws Exception {
        prefix = KafkaBroker.uniquePrefix("http-api") + ".";
        Topics topics = new Topics(prefix);
        TopicSetup.ensure(KAFKA.admin(), topics, 2, (short) 1);
        RunningRevenant.cli(
                KAFKA, prefix, "registry", "load", Path.of("..", "registry").toString());
        first = RunningRevenant.start(KAFKA, topics, prefix + "detect", dir.resolve("a"), TOKEN);
        // The second instance also knows two named analysts: one who may decide, one who may only read.
        Path analysts = Files.writeString(
                dir.resolve("analysts.txt"),
                "# name: role sha256:<token digest>\n"
                        + Analysts.line("alice", Analysts.Role.ANALYST, ALICE) + "\n\n"
                        + Analysts.line("bob", Analysts.Role.READER, BOB) + "\n");
        second = RunningRevenant.startWith(
                KAFKA,
                topics,
                prefix + "detect",
                dir.resolve("b"),
                Analysts.with(Analysts.load(analysts), TOKEN),
                null);
        first.awaitRunning();
        second.awaitRunning();
    }

    @AfterAll
    static void stop() {
        Stream.of(second, first).filter(Objects::nonNull).forEach(RunningRevenant::close);
    }

    @Test
    void everyInstanceAnswersForEveryAlertWithItsTimelineIncludingTheReappearance() throws Exception {
        String locator = "watch/faces-" + System.nanoTime();
        String mirrorKey = "github:" + locator;
        String alertKey = "ms-celeb-1m|" + mirrorKey;
        publish(locator, "PRESENT");
        JsonNode opened =
                awaitAlert(first, alertKey, a -> a.path("state").asText().equals("OPEN"));
        publish(locator, "GONE");
        awaitAlert(first, alertKey, a -> a.path("state").asText().equals("RESOLVED"));
        publish(locator, "PRESENT");
        awaitAlert(second, alertKey, a -> a.path("reappearances").asInt() == 1);

        RunningRevenant owner = owner(mirrorKey);
        RunningRevenant other = owner == first ? second : first;
        JsonNode viaOther = JSON.readTree(
                other.get("/api/alerts/" + alertKey.replace("|", "%7C")).body());
        assertEquals(
                "OPEN",
                viaOther.path("state").asText(),
                "the instance that does not own the mirror forwards: " + viaOther);
        assertEquals(List.of("OPENED", "RESOLVED", "REAPPEARED"), texts(viaOther.path("timeline"), "event"));
        assertEquals("CONFIRMED", opened.path("severity").asText());
        assertEquals(
                List.of("data/aligned.tsv", "data/cropped.tsv"),
                texts(viaOther.path("evidence"), "path").stream().sorted().toList());

        JsonNode mirror = JSON.readTree(other.get("/api/mirrors/" + mirrorKey + "?file=data/aligned.tsv")
                .body());
        assertEquals(List.of("APPEARED", "GONE", "REAPPEARED"), texts(mirror.path("changes"), "kind"));
        assertEquals(3, mirror.path("entries").asInt());
        assertEquals(91124295076L, mirror.path("file").path("size").asLong());
        assertEquals(alertKey, mirror.path("alerts").get(0).path("alertKey").asText());
    }

    @Test
    void anyInstanceServesTheEvidenceBundleAndTheCliPrintsIt() throws Exception {
        String locator = "evidence/copy-" + System.nanoTime();
        String alertKey = "ms-celeb-1m|github:" + locator;
        String hostileTitle = "[click](javascript:alert(1)) <script>x</script>\n# How to report it: mail me";
        RunningRevenant.publishManifest(
                KAFKA, prefix, dir, RunningRevenant.msCelebCopy(locator, "PRESENT", hostileTitle, "copy"));
        awaitAlert(first, alertKey, a -> true);
        RunningRevenant other = owner("github:" + locator) == first ? second : first;

        JsonNode bundle = JSON.readTree(
                other.get("/api/evidence/" + alertKey.replace("|", "%7C")).body());
        assertEquals("MS-Celeb-1M", bundle.path("dataset").path("name").asText());
        assertEquals(hostileTitle, bundle.path("mirror").path("title").asText(), "JSON keeps the crawled text as data");
        assertEquals(
                List.of("data/aligned.tsv 91124295076", "data/cropped.tsv 155266310084"),
                texts(bundle.path("matchedFiles"), "path").stream()
                        .sorted()
                        .map(p -> p + " " + (p.endsWith("aligned.tsv") ? 91124295076L : 155266310084L))
                        .toList());
        for (JsonNode f : bundle.path("matchedFiles")) {
            assertTrue(f.path("size").asLong() > 0, f.toString());
        }
        assertEquals(List.of("OPENED"), texts(bundle.path("timeline"), "event"));
        assertEquals("GitHub", bundle.path("reportingRoute").path("name").asText());
        assertTrue(bundle.path("reportingRoute")
                .path("sources")
                .get(0)
                .path("url")
                .asText()
                .startsWith("https://docs.github.com/"));

        HttpResponse<String> html = other.get("/api/evidence/" + alertKey.replace("|", "%7C") + "?format=html");
        assertEquals(200, html.statusCode());
        assertTrue(html.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));
        assertTrue(
                html.headers().firstValue("Content-Security-Policy").orElse("").contains("default-src 'none'"));
        assertTrue(
                !html.body().contains("<script>") && html.body().contains("&lt;script&gt;x&lt;/script&gt;"),
                html.body());

        String markdown = CliTest.run("evidence", alertKey, "--url", "http://localhost:" + other.port)
                .out();
        assertTrue(
                markdown.startsWith("# Evidence: MS\\-Celeb\\-1M on github\\:" + locator.replace("-", "\\-")),
                markdown);
        assertTrue(
                markdown.contains("\\[click\\]\\(javascript\\:alert\\(1\\)\\) \\<script\\>x\\</script\\> \\# How"),
                markdown);
        assertTrue(
                markdown.lines().noneMatch(l -> l.startsWith("# How to report it")),
                "a crawled title cannot add a heading");
        assertTrue(markdown.contains("| data/aligned\\.tsv | 91124295076 |"), markdown);
        assertTrue(markdown.contains("## How to report it"), markdown);

        CliTest.Result missing = CliTest.run(
                "evidence",
                "ms-celeb-1m|github:no/such-" + System.nanoTime(),
                "--url",
                "http://localhost:" + other.port);
        assertEquals(1, missing.exit(), missing.out());
        assertTrue(missing.err().contains("answered 404"), missing.err());
    }

    @Test
    void alertListIsMergedFromAllInstancesFilteredAndNewestFirst() throws Exception {
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            String locator = "list/copy-" + i + "-" + System.nanoTime();
            publish(locator, "PRESENT");
            keys.add("ms-celeb-1m|github:" + locator);
        }
        for (String key : keys) {
            awaitAlert(first, key, a -> true);
        }
        assertTrue(keys.stream()
                        .map(k -> owner(k.substring(k.indexOf('|') + 1)))
                        .distinct()
                        .count()
                >= 1);
        for (RunningRevenant instance : List.of(first, second)) {
            JsonNode list = JSON.readTree(instance.get("/api/alerts?dataset=ms-celeb-1m&platform=GITHUB&state=open")
                    .body());
            List<String> listed = texts(list.path("alerts"), "alertKey");
            assertTrue(listed.containsAll(keys), "instance on " + instance.port + " lists all: " + listed);
            List<String> seen = texts(list.path("alerts"), "lastSeen");
            assertEquals(seen.stream().sorted(Comparator.reverseOrder()).toList(), seen, "newest first");
            assertEquals(
                    0,
                    JSON.readTree(instance.get("/api/alerts?severity=possible&dataset=ms-celeb-1m")
                                    .body())
                            .path("alerts")
                            .size(),
                    "severity filter");
        }
        assertEquals(400, first.get("/api/alerts?limit=0").statusCode());
    }

    @Test
    void decisionsNeedTheAdminTokenAndChangeTheState() throws Exception {
        String locator = "decide/copy-" + System.nanoTime();
        String alertKey = "ms-celeb-1m|github:" + locator;
        publish(locator, "PRESENT");
        awaitAlert(first, alertKey, a -> true);
        String body = "{\"alertKey\": \"" + alertKey
                + "\", \"decision\": \"false-positive\", \"note\": \"a different file\"}";

        assertEquals(401, second.post("/api/decisions", body, null).statusCode());
        assertEquals(401, second.post("/api/decisions", body, "Bearer wrong").statusCode());
        assertEquals(
                400,
                second.post(
                                "/api/decisions",
                                "{\"alertKey\": \"x\", \"decision\": \"FALSE_POSITIVE\"}",
                                "Bearer " + TOKEN)
                        .statusCode());
        HttpResponse<String> accepted = second.post("/api/decisions", body, "Bearer " + TOKEN);
        assertEquals(202, accepted.statusCode(), accepted.body());
        JsonNode suppressed =
                awaitAlert(first, alertKey, a -> a.path("state").asText().equals("SUPPRESSED"));
        assertEquals("FALSE_POSITIVE", suppressed.path("decision").asText());
        assertEquals("a different file", suppressed.path("decisionNote").asText());
    }

    @Test
    void namedAnalystsDecideUnderTheirNamesAReaderIsRefusedAndASuppressionCarriesItsEnd() throws Exception {
        String locator = "analysts/copy-" + System.nanoTime();
        String alertKey = "ms-celeb-1m|github:" + locator;
        publish(locator, "PRESENT");
        awaitAlert(first, alertKey, a -> true);
        String until = LocalDate.now(ZoneOffset.UTC).plusDays(30).toString();
        String body = "{\"alertKey\": \"" + alertKey + "\", \"decision\": \"ALLOWLISTED\", \"note\": \"licensed copy\","
                + " \"until\": \"" + until + "\"}";

        HttpResponse<String> reader = second.post("/api/decisions", body, "Bearer " + BOB);
        assertEquals(403, reader.statusCode());
        assertTrue(reader.body().contains("bob has the read-only role"), reader.body());
        assertEquals(401, first.post("/api/decisions", body, "Bearer " + ALICE).statusCode(), "only where listed");

        String confirmUntil = body.replace("ALLOWLISTED", "CONFIRMED");
        HttpResponse<String> wrongKind = second.post("/api/decisions", confirmUntil, "Bearer " + ALICE);
        assertEquals(400, wrongKind.statusCode());
        assertTrue(wrongKind.body().contains("until goes with FALSE_POSITIVE and ALLOWLISTED only"), wrongKind.body());
        HttpResponse<String> past = second.post("/api/decisions", body.replace(until, "2020-01-01"), "Bearer " + ALICE);
        assertEquals(400, past.statusCode());
        assertTrue(past.body().contains("until must be in the future"), past.body());
        assertEquals(
                400,
                second.post("/api/decisions", body.replace(until, "next tuesday"), "Bearer " + ALICE)
                        .statusCode());

        HttpResponse<String> accepted = second.post("/api/decisions", body, "Bearer " + ALICE);
        assertEquals(202, accepted.statusCode(), accepted.body());
        assertEquals("alice", JSON.readTree(accepted.body()).path("by").asText());
        JsonNode suppressed =
                awaitAlert(first, alertKey, a -> a.path("state").asText().equals("SUPPRESSED"));
        assertEquals("alice", suppressed.path("decidedBy").asText());
        assertEquals(until + "T00:00:00Z", suppressed.path("suppressedUntil").asText());
        JsonNode decided =
                suppressed.path("timeline").get(suppressed.path("timeline").size() - 1);
        assertEquals("ALLOWLISTED", decided.path("decision").asText());
        assertEquals("alice", decided.path("decidedBy").asText(), "the timeline keeps who decided");
        assertEquals("licensed copy", decided.path("decisionNote").asText());
        assertEquals(until + "T00:00:00Z", decided.path("suppressedUntil").asText());

        HttpResponse<String> admin = second.post(
                "/api/decisions",
                body.replace("ALLOWLISTED", "CONFIRMED").replace(", \"until\": \"" + until + "\"", ""),
                "Bearer " + TOKEN);
        assertEquals(202, admin.statusCode(), admin.body());
        JsonNode confirmed =
                awaitAlert(first, alertKey, a -> a.path("decision").asText().equals("CONFIRMED"));
        assertEquals("admin", confirmed.path("decidedBy").asText());
        assertTrue(confirmed.path("suppressedUntil").isMissingNode(), "a confirmation ends the suppression");
        assertEquals(
                List.of("ALLOWLISTED", "CONFIRMED"),
                texts(confirmed.path("timeline"), "decision").stream()
                        .filter(d -> !d.isEmpty())
                        .distinct()
                        .toList());
    }

    @Test
    void aSecondAnalystsSuppressionLapsesOnTimeAndTheAlertReturns() throws Exception {
        String locator = "lapse/copy-" + System.nanoTime();
        String alertKey = "ms-celeb-1m|github:" + locator;
        publish(locator, "PRESENT");
        awaitAlert(first, alertKey, a -> true);
        Instant until = Instant.now().plusSeconds(3);
        HttpResponse<String> accepted = second.post(
                "/api/decisions",
                "{\"alertKey\": \"" + alertKey + "\", \"decision\": \"FALSE_POSITIVE\", \"until\": \"" + until + "\"}",
                "Bearer " + ALICE);
        assertEquals(202, accepted.statusCode(), accepted.body());
        awaitAlert(first, alertKey, a -> a.path("state").asText().equals("SUPPRESSED"));
        // The decisions processor looks once a minute: the alert is back within a minute of its end.
        JsonNode back = awaitAlert(
                second,
                alertKey,
                a -> a.path("lastEvent").asText().equals("SUPPRESSION_LAPSED"),
                Duration.ofSeconds(100));
        assertEquals("OPEN", back.path("state").asText());
        assertTrue(back.path("decision").isNull(), back.toString());
        Instant lapsedAt = Instant.parse(back.path("timeline")
                .get(back.path("timeline").size() - 1)
                .path("observedAt")
                .asText());
        assertTrue(!lapsedAt.isBefore(until) && lapsedAt.isBefore(until.plusSeconds(75)), lapsedAt + " vs " + until);
    }

    @Test
    void actionsAreRefusedWhenNoTokenIsConfigured() throws Exception {
        try (RunningRevenant readOnly =
                RunningRevenant.start(KAFKA, new Topics(prefix), prefix + "read-only", dir.resolve("c"), null)) {
            HttpResponse<String> refused = readOnly.post(
                    "/api/decisions",
                    "{\"alertKey\": \"ms-celeb-1m|github:x/y\", \"decision\": \"CONFIRMED\"}",
                    "Bearer anything");
            assertEquals(403, refused.statusCode());
            assertTrue(refused.body().contains("REVENANT_ADMIN_TOKEN"), refused.body());
        }
    }

    @Test
    void liveFeedStreamsNewAlertEventsAsServerSentEvents() throws Exception {
        List<String> lines = new CopyOnWriteArrayList<>();
        HttpRequest request = HttpRequest.newBuilder(URI.create(second.url("/api/events")))
                .header("Accept", "text/event-stream")
                .GET()
                .build();
        CompletableFuture<HttpResponse<Stream<String>>> stream =
                RunningRevenant.CLIENT.sendAsync(request, HttpResponse.BodyHandlers.ofLines());
        HttpResponse<Stream<String>> response = stream.get(20, TimeUnit.SECONDS);
        assertEquals(200, response.statusCode());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"));
        Thread reader = new Thread(() -> {
            try {
                response.body().forEach(lines::add);
            } catch (UncheckedIOException closedByTheTest) {
                // the test closes the stream when it is done
            }
        });
        reader.setDaemon(true);
        reader.start();
        Thread.sleep(1000); // the feed starts from the end of the topic

        String locator = "live/copy-" + System.nanoTime();
        publish(locator, "PRESENT");
        RunningRevenant.await(
                Duration.ofSeconds(60),
                () -> lines.stream()
                        .anyMatch(l ->
                                l.startsWith("data:") && l.contains("github:" + locator) && l.contains("\"OPENED\"")),
                "the OPENED event on the live feed");
        assertTrue(lines.contains("event: alert"), lines.toString());
        response.body().close();
    }

    @Test
    void metricsAndHealthAnswer() throws Exception {
        String locator = "metrics/copy-" + System.nanoTime();
        publish(locator, "PRESENT");
        awaitAlert(first, "ms-celeb-1m|github:" + locator, a -> true);
        String metrics = first.get("/metrics").body() + second.get("/metrics").body();
        assertTrue(metrics.contains("revenant_snapshots_processed_total"), metrics);
        assertTrue(metrics.contains("revenant_snapshot_entries_processed_total"));
        assertTrue(metrics.contains("revenant_alerts_total{event=\"OPENED\",severity=\"CONFIRMED\"}"));
        assertTrue(metrics.contains("kafka_stream"), "the Kafka Streams binder's metrics");

        HttpResponse<String> health = second.get("/health");
        assertEquals(200, health.statusCode());
        JsonNode node = JSON.readTree(health.body());
        assertEquals("RUNNING", node.path("streams").asText());
        assertTrue(node.path("ready").asBoolean() && node.path("live").asBoolean());
        assertEquals(200, second.get("/health/live").statusCode());

        JsonNode datasets = JSON.readTree(first.get("/api/datasets").body());
        assertTrue(datasets.path("total").asInt() >= 15, datasets.toString());
        assertEquals(
                "MS-Celeb-1M",
                JSON.readTree(first.get("/api/datasets/ms-celeb-1m").body())
                        .path("name")
                        .asText());
        HttpResponse<String> page = first.get("/");
        assertTrue(
                page.headers().firstValue("Content-Security-Policy").orElse("").contains("script-src 'self'"));
        assertEquals(
                "nosniff", page.headers().firstValue("X-Content-Type-Options").orElse(""));
        assertEquals(
                404,
                first.get("/api/alerts/ms-celeb-1m%7Cgithub:nobody/nothing").statusCode());
    }

    @Test
    void theDashboardsPlatformFilterComesFromThePlatformListNotThePage() throws Exception {
        List<String> served = new ArrayList<>();
        JSON.readTree(second.get("/api/platforms").body()).path("platforms").forEach(p -> served.add(p.asText()));
        List<String> expected = new ArrayList<>(Platforms.mirrorPlatforms());
        expected.add(DirectoryScanner.PLATFORM);
        assertEquals(expected, served);
        String page = first.get("/").body();
        assertTrue(
                page.contains(
                        "<select name=\"platform\" id=\"platform-filter\"><option value=\"\">any</option></select>"),
                page);
    }

    @Test
    void censusOfAScriptedHistoryShowsTheKnownAnswersOnEveryInstanceAndInTheReport() throws Exception {
        // A platform of its own, so the other tests' mirrors do not count here.
        String platform = "census-" + System.nanoTime();
        String a = "ms-celeb-1m|" + platform + ":copy-a";
        String b = "ms-celeb-1m|" + platform + ":copy-b";
        crawl(platform, "copy-a", "PRESENT", "2026-11-02T00:00:00Z");
        awaitAlert(first, a, x -> x.path("state").asText().equals("OPEN"));
        RunningRevenant.cli(KAFKA, prefix, "decide", a, "--takedown-requested", "--requested-on", "2026-11-03");
        awaitAlert(first, a, x -> x.hasNonNull("takedownRequestedAt"));
        crawl(platform, "copy-b", "PRESENT", "2026-11-04T00:00:00Z");
        awaitAlert(first, b, x -> x.path("state").asText().equals("OPEN"));
        RunningRevenant.cli(
                KAFKA, prefix, "decide", b, "--takedown-requested", "--requested-on", "2026-11-04T12:00:00Z");
        awaitAlert(first, b, x -> x.hasNonNull("takedownRequestedAt"));
        crawl(platform, "copy-a", "GONE", "2026-11-05T12:00:00Z"); // lived 84 h; removed 60 h after the request
        crawl(platform, "copy-b", "GONE", "2026-11-06T00:00:00Z"); // lived 48 h; removed 36 h after the request
        awaitAlert(first, b, x -> x.path("state").asText().equals("RESOLVED"));
        crawl(platform, "copy-a", "PRESENT", "2026-11-07T00:00:00Z"); // back after removal
        awaitAlert(first, a, x -> x.path("reappearances").asInt() == 1);

        for (RunningRevenant instance : List.of(first, second)) {
            JsonNode census =
                    awaitCensus(instance, platform, c -> c.path("reappearances").asInt() == 1);
            assertEquals(2, census.path("mirrors").asInt(), census.toString());
            assertEquals(1, census.path("open").asInt());
            assertEquals(1, census.path("resolved").asInt());
            assertEquals(0.5, census.path("reappearanceRate").asDouble(), 1e-9);
            assertEquals(2, census.path("takedownRequests").asInt());
            assertEquals(1, census.path("returnedAfterRemoval").asInt());
            assertEquals("PT66H", census.path("medianLifetime").asText(), "the mean of 84 h and 48 h");
            assertEquals("PT48H", census.path("medianTimeToRemoval").asText(), "the mean of 60 h and 36 h");
        }

        CliTest.Result csv = CliTest.run("report", "--format", "csv", "--url", "http://localhost:" + second.port);
        assertEquals(0, csv.exit(), csv.err());
        assertTrue(
                csv.out().contains("\r\nPLATFORM," + platform + ",2,1,1,0,2,1,1,50.0 %,2,2,2 d 18 h,2 d 0 h,0\r\n"),
                csv.out());
    }

    private static void crawl(String platform, String locator, String status, String observedAt) throws Exception {
        String files = "GONE".equals(status) ? "[]" : "[{\"path\": \"data/aligned.tsv\", \"size\": 91124295076}]";
        RunningRevenant.publishManifest(
                KAFKA,
                prefix,
                dir,
                "{\"mirror\": {\"platform\": \"" + platform + "\", \"locator\": \"" + locator + "\", \"status\": \""
                        + status + "\"}, \"observedAt\": \"" + observedAt + "\", \"files\": " + files + "}");
    }

    private static JsonNode awaitCensus(RunningRevenant instance, String platform, Predicate<JsonNode> condition)
            throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        JsonNode last = null;
        while (System.nanoTime() < deadline) {
            HttpResponse<String> response = instance.get("/api/census");
            if (response.statusCode() == 200) {
                for (JsonNode c : JSON.readTree(response.body()).path("platforms")) {
                    if (c.path("name").asText().equals(platform)) {
                        last = c;
                        if (condition.test(c)) {
                            return c;
                        }
                    }
                }
            }
            Thread.sleep(200);
        }
        throw new AssertionError("no census of " + platform + " as expected; last: " + last);
    }

    private static void publish(String locator, String status) throws Exception {
        RunningRevenant.publishManifest(
                KAFKA, prefix, dir, RunningRevenant.msCelebCopy(locator, status, "faces " + locator, "copy"));
    }

    private static RunningRevenant owner(String mirrorKey) {
        KeyQueryMetadata metadata = first.streams
                .kafkaStreams()
                .queryMetadataForKey(
                        SnapshotMatcher.ALERT_STORE, mirrorKey, Serdes.String().serializer());
        assertNotEquals(KeyQueryMetadata.NOT_AVAILABLE, metadata);
        return metadata.activeHost().port() == first.port ? first : second;
    }

    private static JsonNode awaitAlert(RunningRevenant instance, String alertKey, Predicate<JsonNode> condition)
            throws Exception {
        return awaitAlert(instance, alertKey, condition, Duration.ofSeconds(60));
    }

    private static JsonNode awaitAlert(
            RunningRevenant instance, String alertKey, Predicate<JsonNode> condition, Duration within)
            throws Exception {
        long deadline = System.nanoTime() + within.toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            HttpResponse<String> response = instance.get("/api/alerts/" + alertKey.replace("|", "%7C"));
            last = response.statusCode() + " " + response.body();
            if (response.statusCode() == 200) {
                JsonNode alert = JSON.readTree(response.body());
                if (condition.test(alert)) {
                    return alert;
                }
            }
            Thread.sleep(200);
        }
        throw new AssertionError("alert " + alertKey + " not as expected within " + within + "; last answer: " + last);
    }

    private static List<String> texts(JsonNode array, String field) {
        List<String> values = new ArrayList<>();
        array.forEach(n -> values.add(n.path(field).asText()));
        return values;
    }
}
