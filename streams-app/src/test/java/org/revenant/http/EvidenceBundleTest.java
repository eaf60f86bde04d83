package org.revenant.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.revenant.avro.AlertEventType;
import org.revenant.avro.AlertState;
import org.revenant.avro.AlertStatus;
import org.revenant.avro.EntryKind;
import org.revenant.avro.Evidence;
import org.revenant.avro.ManifestEntry;
import org.revenant.avro.Severity;
import org.revenant.avro.SignatureKind;
import org.revenant.detect.Fixtures;

/** The evidence bundle says everything a platform needs, and nothing crawled becomes markup in it. */
class EvidenceBundleTest {

    static final String HOSTILE =
            "a|b`c`[x](javascript:alert(1))<img src=x onerror=alert(1)>\n## Fake section\r\u2028* item";

    private static AlertState alert() {
        Instant t0 = Instant.parse("2026-11-01T00:00:00Z");
        return AlertState.newBuilder()
                .setAlertKey("ms-celeb-1m|github:" + "o/r")
                .setStatus(AlertStatus.OPEN)
                .setDatasetId("ms-celeb-1m")
                .setDatasetName("MS-Celeb-1M")
                .setMirrorKey("github:o/r")
                .setPlatform("github")
                .setMirrorUrl("https://github.com/o/r")
                .setSeverity(Severity.CONFIRMED)
                .setConfidence(0.99)
                .setPostRetraction(true)
                .setFirstSeen(t0)
                .setLastSeen(t0)
                .setLastEvent(AlertEventType.OPENED)
                .setLastSnapshotId("s1")
                .setEvidence(List.of(
                        new Evidence(
                                SignatureKind.FILE_SIZE,
                                "91124295076",
                                HOSTILE,
                                0.9,
                                "a file of exactly 91124295076 bytes"),
                        new Evidence(SignatureKind.FILE_SIZE, "155266310084", "gone.tsv", 0.9, "size")))
                .build();
    }

    private static JsonNode bundle() {
        ManifestEntry entry = ManifestEntry.newBuilder()
                .setPath(HOSTILE)
                .setSize(91124295076L)
                .setKind(EntryKind.FILE)
                .setSha256("ab".repeat(32))
                .build();
        return EvidenceBundle.build(
                alert(),
                List.of(),
                Fixtures.msCeleb(),
                Optional.empty(),
                path -> path.equals(HOSTILE) ? Optional.of(entry) : Optional.empty(),
                ReportingRoutes.bundled().forPlatform("github"),
                Instant.parse("2026-12-03T00:00:00Z"));
    }

    @Test
    void theBundleHoldsTheDatasetTheMatchedFilesTheSignaturesAndTheRoute() {
        JsonNode b = bundle();
        assertEquals("MS-Celeb-1M", b.path("dataset").path("name").asText());
        assertEquals(91124295076L, b.path("matchedFiles").get(0).path("size").asLong());
        assertEquals(
                "ab".repeat(32), b.path("matchedFiles").get(0).path("sha256").asText());
        assertEquals(
                "no longer in the mirror's last manifest",
                b.path("matchedFiles").get(1).path("note").asText());
        assertEquals(2, b.path("alert").path("evidence").size());
        assertEquals("GitHub", b.path("reportingRoute").path("name").asText());
        assertEquals("github:o/r", b.path("mirror").path("mirrorKey").asText());
    }

    @Test
    void markdownShowsCrawledTextAsTextOnOneLine() {
        String md = EvidenceBundle.markdown(bundle());
        assertFalse(md.contains("](javascript"), md);
        assertFalse(Pattern.compile("(?<!\\\\)<").matcher(md).find(), "every < is escaped: " + md);
        assertTrue(md.lines().noneMatch(l -> l.startsWith("## Fake")), md);
        assertTrue(md.lines().noneMatch(l -> l.startsWith("* item")), md);
        // Every table row has exactly its columns: crawled pipes are escaped.
        for (String line : md.lines().filter(l -> l.startsWith("| ")).toList()) {
            long unescaped =
                    line.replace("\\|", "").chars().filter(c -> c == '|').count();
            assertTrue(unescaped == 4 || unescaped == 6, line);
        }
        assertTrue(md.contains("| 91124295076 | sha256 " + "ab".repeat(32) + " |"), md);
        assertTrue(md.contains("## How to report it"), md);
    }

    @Test
    void htmlIsEscapedTextWithoutScriptsOrStyles() {
        String html = EvidenceBundle.html(bundle());
        assertFalse(html.contains("<img"), html);
        assertFalse(html.contains("<script"), html);
        assertFalse(html.contains("style"), html);
        assertTrue(html.contains("&lt;img src=x onerror=alert(1)&gt;"), html);
        assertTrue(html.lines().noneMatch(l -> l.startsWith("## Fake")), html);
    }

    @Test
    void everyShippedRouteNamesItsSources() {
        ReportingRoutes routes = ReportingRoutes.bundled();
        for (String platform : List.of("github", "hf", "ia", "zenodo", "torrent")) {
            JsonNode route =
                    routes.forPlatform(platform).orElseThrow(() -> new AssertionError("no route for " + platform));
            assertFalse(route.path("route").asText().isBlank(), platform);
            assertTrue(route.path("sources").get(0).path("url").asText().startsWith("https://"), platform);
            assertTrue(route.hasNonNull("checked"), platform);
        }
    }
}
