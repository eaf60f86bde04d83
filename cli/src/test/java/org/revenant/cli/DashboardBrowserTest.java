package org.revenant.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.revenant.avro.ManifestEntry;
import org.revenant.avro.Mirror;
import org.revenant.avro.MirrorStatus;
import org.revenant.avro.SnapshotChunk;
import org.revenant.avro.SourceHealthEvent;
import org.revenant.avro.SourceHealthEventType;
import org.revenant.health.Components;
import org.revenant.testkit.KafkaBroker;
import org.revenant.wire.TopicSetup;
import org.revenant.wire.Topics;

/**
 * The dashboard in a real headless Chromium (Debian chromium + chromium-driver) against a real
 * broker: the list updates live, the alert page shows the evidence, an analyst decision changes
 * the state, and markup planted in a crawled mirror's title and description stays text; the Census
 * page counts the mirrors and shows a planted platform name as text.
 * Writes a screenshot to target/dashboard.png; with -Drevenant.screenshot=../docs/dashboard.png it
 * refreshes the README's picture instead.
 */
@Tag("broker")
@Tag("browser")
@Timeout(240)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DashboardBrowserTest {

    @RegisterExtension
    static final KafkaBroker KAFKA = new KafkaBroker();

    static final String TOKEN = "browser-test-token";
    static final String PLANTED_TITLE = "faces <script>window.pwned = 'title'</script>";
    static final String PLANTED_DESCRIPTION =
            "<img src=x onerror=\"window.pwned='img';alert(1)\"><b>celebrity</b> faces";
    static final String PLANTED_PLATFORM = "<img src=x onerror=\"window.pwned='census'\">plat";
    static final Path SCREENSHOT = Path.of(System.getProperty("revenant.screenshot", "target/dashboard.png"));

    @TempDir
    static Path dir;

    static String prefix;
    static RunningRevenant revenant;
    static final Components components = new Components();
    static WebDriver browser;
    static String locator = "planted/faces-" + System.nanoTime();
    static String alertKey = "ms-celeb-1m|github:" + locator;

    @BeforeAll
    static void start() throws Exception {
        File chromium = firstExisting("/usr/bin/chromium", "/usr/bin/chromium-browser");
        File driver = firstExisting("/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver");
        Assumptions.assumeTrue(
                chromium != null && driver != null,
                "needs Debian chromium and chromium-driver (apt-get install -y chromium chromium-driver; .ci/run installs them)");
        prefix = KafkaBroker.uniquePrefix("dashboard") + ".";
        Topics topics = new Topics(prefix);
        TopicSetup.ensure(KAFKA.admin(), topics, 1, (short) 1);
        RunningRevenant.cli(
                KAFKA, prefix, "registry", "load", Path.of("..", "registry").toString());
        revenant = RunningRevenant.start(KAFKA, topics, prefix + "detect", dir.resolve("state"), TOKEN, components);
        revenant.awaitRunning();

        ChromeOptions options = new ChromeOptions();
        options.setBinary(chromium);
        options.addArguments(
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--disable-dev-shm-usage",
                "--user-data-dir=" + Files.createTempDirectory(dir, "chromium-profile"),
                "--window-size=1400,900");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(driver)
                .usingAnyFreePort()
                .build();
        browser = new ChromeDriver(service, options);
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (revenant != null) {
            revenant.close();
        }
    }

    @Test
    @Order(1)
    void newAlertAppearsInTheListWithoutReload() throws Exception {
        browser.get(revenant.url("/"));
        waitFor(() -> browser.findElement(By.id("live")).getText().equals("live"), "the live feed to connect");
        assertEquals("Alerts · Revenant", browser.getTitle());
        js("window.__sameDocument = true;");

        RunningRevenant.publishManifest(
                KAFKA,
                prefix,
                dir,
                RunningRevenant.msCelebCopy(locator, "PRESENT", PLANTED_TITLE, PLANTED_DESCRIPTION));
        RunningRevenant.publishManifest(
                KAFKA,
                prefix,
                dir,
                RunningRevenant.msCelebCopy("mirror-org/celeb-faces-2024", "PRESENT", "celeb faces", "a re-upload"));
        waitFor(() -> browser.findElements(By.cssSelector("#alerts tbody tr")).size() == 2, "two alert rows");
        assertEquals(Boolean.TRUE, js("return window.__sameDocument === true;"), "the page was not reloaded");
        assertTrue(
                browser.findElement(By.cssSelector("#alerts tbody")).getText().contains("github:" + locator));

        Files.createDirectories(SCREENSHOT.getParent());
        Files.write(SCREENSHOT, ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
    }

    @Test
    @Order(2)
    void alertPageShowsTheEvidenceAndTheMatchedFiles() {
        openAlert();
        String evidence = browser.findElement(By.id("evidence")).getText();
        assertTrue(
                evidence.contains("FILE_SIZE")
                        && evidence.contains("data/aligned.tsv")
                        && evidence.contains("data/cropped.tsv"),
                evidence);
        assertEquals("OPEN", browser.findElement(By.id("state")).getText());
        assertTrue(browser.findElement(By.id("timeline")).getText().contains("OPENED"));
        String fileLink = browser.findElement(By.linkText("data/aligned.tsv")).getAttribute("href");
        assertTrue(fileLink.contains("/mirror.html?key=") && fileLink.contains("file=data%2Faligned.tsv"), fileLink);
    }

    @Test
    @Order(3)
    void markingItFalsePositiveWithTheTokenChangesItsState() {
        openAlert();
        browser.findElement(By.id("false-positive")).click();
        waitFor(
                () -> browser.findElement(By.id("decision-result")).getText().startsWith("Refused"),
                "refusal without the token");

        browser.findElement(By.id("token")).sendKeys(TOKEN);
        browser.findElement(By.id("note")).sendKeys("checked: not the dataset");
        // A date input's typing order follows the browser's locale; its value is always YYYY-MM-DD.
        String until = LocalDate.now(ZoneOffset.UTC).plusDays(30).toString();
        ((JavascriptExecutor) browser).executeScript("document.getElementById('until').value = arguments[0]", until);
        browser.findElement(By.id("false-positive")).click();
        waitFor(
                () -> browser.findElement(By.id("state")).getText().equals("SUPPRESSED"),
                "the state to become SUPPRESSED");
        String decision = browser.findElement(By.id("decision")).getText();
        assertTrue(decision.contains("FALSE_POSITIVE") && decision.contains("by admin"), decision);
        assertTrue(decision.contains("(until "), decision);
        assertTrue(browser.findElement(By.id("timeline")).getText().contains("FALSE_POSITIVE"));
        String history = browser.findElement(By.id("decisions")).getText();
        assertTrue(
                history.contains("FALSE_POSITIVE")
                        && history.contains("admin")
                        && history.contains("checked: not the dataset"),
                history);
    }

    @Test
    @Order(4)
    void scriptPlantedInTheMirrorIsShownAsTextAndNeverRuns() {
        browser.get(revenant.url("/mirror.html?key=" + URLEncoder.encode("github:" + locator, StandardCharsets.UTF_8)));
        waitFor(
                () -> browser.findElement(By.id("mirror-title")).getText().equals(PLANTED_TITLE),
                "the planted title, as text");
        assertEquals(
                PLANTED_DESCRIPTION,
                browser.findElement(By.id("mirror-description")).getText());
        assertEquals(PLANTED_TITLE, browser.findElement(By.id("title")).getText());
        assertTrue(
                browser.findElements(By.cssSelector("main script, main img")).isEmpty(),
                "no element was created from the crawled markup");
        assertNull(js("return window.pwned === undefined ? null : window.pwned;"), "the planted script did not run");
        assertThrows(NoAlertPresentException.class, () -> browser.switchTo().alert());
        assertTrue(browser.findElement(By.id("changes")).getText().contains("APPEARED"));
    }

    @Test
    @Order(5)
    void datasetPageListsItsMirrorsAndDrawsDetectionsOverTime() {
        browser.get(revenant.url("/dataset.html?id=ms-celeb-1m"));
        waitFor(
                () -> browser.findElements(By.cssSelector("#mirrors tbody tr")).size() == 2,
                "the dataset's two mirrors");
        waitFor(
                () -> Boolean.TRUE.equals(
                        js("return !!(window.Chart && window.Chart.getChart(document.getElementById('chart')));")),
                "the detections chart (Chart.js from its WebJar)");
    }

    @Test
    @Order(6)
    void everyPageShowsABannerNamingTheStoppedComponentAndItsReasonAsText() {
        String reason = "the notifier loop stopped: <img src=x onerror=\"window.pwned='banner'\">датасет";
        components.register("webhooks", false).down(reason);
        for (String page : List.of(
                "/",
                "/dataset.html?id=ms-celeb-1m",
                "/alert.html?key=" + URLEncoder.encode(alertKey, StandardCharsets.UTF_8),
                "/mirror.html?key=" + URLEncoder.encode("github:" + locator, StandardCharsets.UTF_8))) {
            browser.get(revenant.url(page));
            waitFor(() -> !browser.findElements(By.id("health-banner")).isEmpty(), "the health banner on " + page);
            String banner = browser.findElement(By.id("health-banner")).getText();
            assertTrue(
                    banner.contains("Revenant is DEGRADED.") && banner.contains("webhooks DOWN: " + reason),
                    page + ": " + banner);
            assertTrue(
                    browser.findElements(By.cssSelector("#health-banner img")).isEmpty(),
                    "the reason stays text on " + page);
        }
        assertNull(js("return window.pwned === undefined ? null : window.pwned;"), "nothing in the reason ran");

        components.register("webhooks", false).up();
        browser.get(revenant.url("/"));
        waitFor(() -> browser.findElement(By.id("live")).getText().equals("live"), "the page to settle");
        assertTrue(browser.findElements(By.id("health-banner")).isEmpty(), "no banner when everything is UP");
    }

    @Test
    @Order(7)
    void censusPageCountsTheMirrorsAndShowsAHostilePlatformNameAsText() throws Exception {
        // The manifest reader only takes platform names like "github"; a raw snapshot on the topic can say anything.
        SnapshotChunk chunk = SnapshotChunk.newBuilder()
                .setSnapshotId("census-" + System.nanoTime())
                .setMirror(Mirror.newBuilder()
                        .setKey(PLANTED_PLATFORM + ":copy")
                        .setPlatform(PLANTED_PLATFORM)
                        .setLocator("copy")
                        .setStatus(MirrorStatus.PRESENT)
                        .build())
                .setObservedAt(Instant.now())
                .setCrawler("test")
                .setChunkIndex(0)
                .setChunkCount(1)
                .setTotalEntries(1)
                .setTotalBytes(91_124_295_076L)
                .setEntries(List.of(ManifestEntry.newBuilder()
                        .setPath("aligned.tsv")
                        .setSize(91_124_295_076L)
                        .build()))
                .build();
        Topics topics = new Topics(prefix);
        try (KafkaProducer<String, SnapshotChunk> producer = new KafkaProducer<>(
                KAFKA.producerProperties(),
                topics.snapshots.keySerde().serializer(),
                topics.snapshots.valueSerde().serializer())) {
            producer.send(new ProducerRecord<>(
                            topics.snapshots.name(), chunk.getMirror().getKey(), chunk))
                    .get();
        }
        // A blind source whose last error quotes a hostile answer: shown in the coverage table, as text.
        try (KafkaProducer<String, SourceHealthEvent> producer = new KafkaProducer<>(
                KAFKA.producerProperties(),
                topics.sourceHealth.keySerde().serializer(),
                topics.sourceHealth.valueSerde().serializer())) {
            producer.send(new ProducerRecord<>(
                            topics.sourceHealth.name(),
                            "zenodo",
                            SourceHealthEvent.newBuilder()
                                    .setEventId("zenodo|1")
                                    .setSource("zenodo")
                                    .setEvent(SourceHealthEventType.SOURCE_DEGRADED)
                                    .setAt(Instant.now())
                                    .setFailingSince(Instant.now())
                                    .setConsecutiveFailures(5)
                                    .setLastError(PLANTED_PLATFORM)
                                    .setReportedBy("crawler-test")
                                    .build()))
                    .get();
        }

        browser.get(revenant.url("/census.html"));
        // The census is counted by its own task after the alert: the page may have loaded (and
        // reloaded on the alert's live event) before it was, so look again until it is there.
        waitFor(
                () -> {
                    if (browser.findElement(By.id("census-platforms")).getText().contains(PLANTED_PLATFORM)) {
                        return true;
                    }
                    browser.navigate().refresh();
                    return false;
                },
                "the planted platform's census, as text");
        assertTrue(
                browser.findElements(By.cssSelector("main img, main script")).isEmpty(),
                "no element was created from the platform's name");
        assertNull(js("return window.pwned === undefined ? null : window.pwned;"), "the planted name did not run");
        // Two GitHub copies (one marked a false positive above) and the planted one.
        waitFor(
                () -> {
                    browser.navigate().refresh();
                    return browser.findElement(
                                    By.xpath("//table[@id='census-datasets']//tr[td[1]/a[text()='ms-celeb-1m']]"))
                            .getText()
                            .startsWith("ms-celeb-1m 3 2 0 1 ");
                },
                "ms-celeb-1m: 3 mirrors, 2 open, 0 resolved, 1 suppressed");
        assertTrue(
                !browser.findElements(By.cssSelector("#census-chart svg rect")).isEmpty(), "the weekly chart, as SVG");
        waitFor(
                () -> {
                    browser.navigate().refresh();
                    String coverage = browser.findElement(By.id("coverage")).getText();
                    return coverage.contains("zenodo DEGRADED") && coverage.contains(PLANTED_PLATFORM);
                },
                "the blind source in the coverage table, its error as text");
        assertTrue(browser.findElements(By.cssSelector("main img, main script")).isEmpty());
        assertNull(js("return window.pwned === undefined ? null : window.pwned;"), "the planted error did not run");

        browser.get(revenant.url("/dataset.html?id=ms-celeb-1m"));
        waitFor(
                () -> browser.findElement(By.id("census")).getText().contains("ms-celeb-1m 3 2 0 1 "),
                "the dataset's own census");
        assertTrue(!browser.findElements(By.cssSelector("#census-chart svg")).isEmpty(), "its chart");
    }

    private static void openAlert() {
        browser.get(revenant.url("/alert.html?key=" + URLEncoder.encode(alertKey, StandardCharsets.UTF_8)));
        waitFor(
                () -> !browser.findElements(By.cssSelector("#evidence tbody tr"))
                        .isEmpty(),
                "the evidence table");
    }

    private static Object js(String script) {
        return ((JavascriptExecutor) browser).executeScript(script);
    }

    private static void waitFor(BooleanSupplier condition, String what) {
        new WebDriverWait(browser, Duration.ofSeconds(60))
                .withMessage(what)
                .ignoring(RuntimeException.class)
                .until(d -> condition.getAsBoolean());
    }

    private static File firstExisting(String... paths) {
        for (String path : paths) {
            File file = new File(path);
            if (file.canExecute()) {
                return file;
            }
        }
        return null;
    }
}
