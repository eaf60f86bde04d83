package org.revenant.detect.census;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.revenant.detect.Fixtures.ALIGNED_TSV;
import static org.revenant.detect.Fixtures.MS_CELEB_BTIH;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.revenant.avro.AlertEvent;
import org.revenant.avro.AnalystDecision;
import org.revenant.avro.CensusScope;
import org.revenant.avro.CensusStats;
import org.revenant.avro.CensusWeek;
import org.revenant.avro.DecisionKind;
import org.revenant.avro.EntryKind;
import org.revenant.avro.ManifestEntry;
import org.revenant.avro.Mirror;
import org.revenant.avro.MirrorStatus;
import org.revenant.avro.SnapshotChunk;
import org.revenant.detect.DetectConfig;
import org.revenant.detect.Fixtures;
import org.revenant.detect.RevenantStreams;
import org.revenant.detect.RevenantTopology;
import org.revenant.detect.state.StateStores;
import org.revenant.testkit.TopologyHarness;
import org.revenant.wire.Topics;

/**
 * A scripted history with known answers through the real topology: mirrors open, takedowns are
 * requested, mirrors go, one comes back, one is a false positive, one is a derivative.
 */
class CensusTopologyTest {

    /** A Monday, so the weeks are easy to tell. */
    static final Instant T0 = Instant.parse("2026-11-02T00:00:00Z");

    static final Duration DAY = Duration.ofDays(1);

    @TempDir
    Path stateDir;

    private final Topics topics = Topics.defaults();
    private TopologyHarness harness;
    private TestInputTopic<String, SnapshotChunk> snapshots;
    private TestInputTopic<String, AnalystDecision> decisions;
    private TestOutputTopic<String, AlertEvent> alerts;
    private TestOutputTopic<String, CensusStats> stats;

    @BeforeEach
    void start() {
        Properties props =
                RevenantStreams.properties(DetectConfig.defaults(topics), new Properties(), "census-test", stateDir);
        harness = new TopologyHarness(RevenantTopology.build(DetectConfig.defaults(topics)), props);
        snapshots = harness.input(topics.snapshots);
        decisions = harness.input(topics.decisions);
        alerts = harness.output(topics.alerts);
        stats = harness.output(topics.stats);
        harness.input(topics.registry).pipeInput("ms-celeb-1m", Fixtures.msCeleb());
        harness.input(topics.registry).pipeInput("ms-celeb-1m-v1c", Fixtures.ms1mv1c());
    }

    @AfterEach
    void stop() {
        harness.close();
    }

    private static Instant day(double d) {
        return T0.plus(Duration.ofMinutes(Math.round(d * 24 * 60)));
    }

    private void crawl(Mirror mirror, double day, ManifestEntry... entries) {
        for (SnapshotChunk chunk : Fixtures.snapshot(mirror, entries)) {
            chunk.setObservedAt(day(day));
            snapshots.pipeInput(mirror.getKey(), chunk);
        }
    }

    private void gone(Mirror mirror, double day) {
        crawl(Mirror.newBuilder(mirror).setStatus(MirrorStatus.GONE).build(), day);
    }

    private void decide(String alertKey, DecisionKind kind, double requestedOnDay) {
        decisions.pipeInput(
                alertKey,
                AnalystDecision.newBuilder()
                        .setAlertKey(alertKey)
                        .setDecision(kind)
                        .setBy("analyst")
                        .setAt(day(requestedOnDay))
                        .setReference(kind == DecisionKind.TAKEDOWN_REQUESTED ? "DMCA " + alertKey : null)
                        .setRequestedAt(kind == DecisionKind.TAKEDOWN_REQUESTED ? day(requestedOnDay) : null)
                        .build());
    }

    private static String key(String dataset, Mirror mirror) {
        return dataset + "|" + mirror.getKey();
    }

    /** The census each key last published on the stats topic. */
    private Map<String, CensusStats> published() {
        Map<String, CensusStats> last = new HashMap<>();
        stats.readKeyValuesToList().forEach(kv -> last.put(kv.key, kv.value));
        return last;
    }

    private void scriptedHistory() {
        Mirror a = Fixtures.torrent(MS_CELEB_BTIH);
        Mirror b = Fixtures.mirror("hf:datasets/x/b", MirrorStatus.PRESENT, Map.of());
        Mirror c = Fixtures.mirror("hf:datasets/x/c", MirrorStatus.PRESENT, Map.of());
        Mirror d = Fixtures.mirror("github:someone/d", MirrorStatus.PRESENT, Map.of());
        Mirror e = Fixtures.mirror("hf:datasets/x/e", MirrorStatus.PRESENT, Map.of());
        ManifestEntry faces = Fixtures.file("faces.tsv", ALIGNED_TSV);
        ManifestEntry derived = ManifestEntry.newBuilder()
                .setPath("v1c.zip")
                .setSize(12_345L)
                .setMd5("c5b668f2204c400099b14f367069aef5")
                .setKind(EntryKind.FILE)
                .build();

        crawl(a, 0, faces); // A opens on day 0
        crawl(b, 1, faces); // B on day 1
        decide(key("ms-celeb-1m", a), DecisionKind.TAKEDOWN_REQUESTED, 2);
        decide(key("ms-celeb-1m", b), DecisionKind.TAKEDOWN_REQUESTED, 2);
        crawl(c, 3, faces); // C on day 3, asked the same day
        decide(key("ms-celeb-1m", c), DecisionKind.TAKEDOWN_REQUESTED, 3);
        gone(b, 4); // B lived 3 days; removed 2 days after the request
        gone(a, 5); // A lived 5 days; removed 3 days after the request
        gone(a, 6); // gone again: nothing changes
        crawl(d, 8, derived); // D: a derivative, stays open
        crawl(e, 8, faces); // E: a false positive
        decide(key("ms-celeb-1m", e), DecisionKind.FALSE_POSITIVE, 8);
        crawl(a, 9, faces); // A is back on day 9, after removal
        gone(c, 10); // C lived 7 days; removed 7 days after the request
    }

    @Test
    void datasetCensusOfAScriptedHistoryHasTheKnownCountsDurationsAndRate() {
        scriptedHistory();
        assertTrue(alerts.getQueueSize() > 0);

        CensusStats ms = published().get("dataset:ms-celeb-1m");
        assertEquals(CensusScope.DATASET, ms.getScope());
        assertEquals("ms-celeb-1m", ms.getName());
        assertEquals(4, ms.getMirrors()); // A, B, C, E
        assertEquals(1, ms.getOpen()); // A, back
        assertEquals(2, ms.getResolved()); // B, C
        assertEquals(1, ms.getSuppressed()); // E
        assertEquals(3, ms.getEverResolved());
        assertEquals(1, ms.getReappeared());
        assertEquals(1, ms.getReappearances());
        assertEquals(3, ms.getTakedownRequests());
        assertEquals(3, ms.getRemovedAfterRequest());
        assertEquals(1, ms.getReturnedAfterRemoval());
        // Lifetimes 3, 5 and 7 days; request to removal 2, 3 and 7 days.
        assertEquals(Duration.ofDays(5).toMillis(), ms.getMedianLifetimeMillis());
        assertEquals(Duration.ofDays(3).toMillis(), ms.getMedianTimeToRemovalMillis());
        assertEquals(1, ms.getDerivativeMirrors());
        assertEquals(List.of("ms-celeb-1m-v1c"), ms.getDerivatives());
        assertEquals(
                List.of(
                        new CensusWeek(LocalDate.parse("2026-11-02"), 3L, 2L, 0L, 3L),
                        new CensusWeek(LocalDate.parse("2026-11-09"), 1L, 1L, 1L, 0L)),
                ms.getWeeks());
        assertEquals(ms, harness.<String, CensusStats>store(StateStores.CENSUS).get("dataset:ms-celeb-1m"));
    }

    @Test
    void platformAndDerivativeCensusesCountTheirOwnMirrors() {
        scriptedHistory();
        Map<String, CensusStats> census = published();

        CensusStats hf = census.get("platform:hf");
        assertEquals(CensusScope.PLATFORM, hf.getScope());
        assertEquals(3, hf.getMirrors()); // B, C, E
        assertEquals(0, hf.getOpen());
        assertEquals(2, hf.getResolved());
        assertEquals(1, hf.getSuppressed());
        assertEquals(0, hf.getReappearances());
        // Lifetimes 3 and 7 days (the lower middle of an even count is their mean); removals 2 and 7.
        assertEquals(Duration.ofDays(5).toMillis(), hf.getMedianLifetimeMillis());
        assertEquals(Duration.ofHours(108).toMillis(), hf.getMedianTimeToRemovalMillis());

        CensusStats torrent = census.get("platform:torrent");
        assertEquals(1, torrent.getMirrors());
        assertEquals(1, torrent.getOpen());
        assertEquals(1, torrent.getEverResolved());
        assertEquals(1, torrent.getReappeared());
        assertEquals(1, torrent.getReturnedAfterRemoval());

        CensusStats v1c = census.get("dataset:ms-celeb-1m-v1c");
        assertEquals(1, v1c.getMirrors());
        assertEquals(1, v1c.getOpen());
        assertEquals(0, v1c.getDerivativeMirrors());
        assertNull(v1c.getMedianLifetimeMillis());

        CensusStats github = census.get("platform:github");
        assertEquals(1, github.getMirrors());
        assertEquals(5, census.size(), "two datasets, three platforms: " + census.keySet());
    }

    @Test
    void anUnchangedRecrawlPublishesNoCensus() {
        Mirror a = Fixtures.torrent(MS_CELEB_BTIH);
        crawl(a, 0, Fixtures.file("faces.tsv", ALIGNED_TSV));
        assertEquals(2, stats.readKeyValuesToList().size(), "the dataset's census and the platform's");
        crawl(a, 1, Fixtures.file("faces.tsv", ALIGNED_TSV));
        assertTrue(stats.isEmpty());
    }
}
