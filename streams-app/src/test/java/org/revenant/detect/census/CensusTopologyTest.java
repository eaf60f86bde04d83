package org.revenant.detect.census;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.revenant.detect.Fixtures.ALIGNED_TSV;
import static org.revenant.detect.Fixtures.MS_CELEB_BTIH;

import java.nio.file.Path;
import java.time.Duration;
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
import org.revenant.avro.Mirror;
import org.revenant.avro.SnapshotChunk;
import org.revenant.detect.DetectConfig;
import org.revenant.detect.Fixtures;
import org.revenant.detect.RevenantStreams;
import org.revenant.detect.RevenantTopology;
import org.revenant.detect.state.StateStores;
import org.revenant.testkit.TopologyHarness;
import org.revenant.wire.Topics;

/** The census of {@link ScriptedCensusHistory} through the real topology, against its known answers. */
class CensusTopologyTest {

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

    /** The census each key last published on the stats topic. */
    private Map<String, CensusStats> published() {
        Map<String, CensusStats> last = new HashMap<>();
        stats.readKeyValuesToList().forEach(kv -> last.put(kv.key, kv.value));
        return last;
    }

    private void scriptedHistory() {
        new ScriptedCensusHistory(snapshots, decisions).play();
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
        ScriptedCensusHistory history = new ScriptedCensusHistory(snapshots, decisions);
        history.crawl(a, 0, Fixtures.file("faces.tsv", ALIGNED_TSV));
        assertEquals(2, stats.readKeyValuesToList().size(), "the dataset's census and the platform's");
        history.crawl(a, 1, Fixtures.file("faces.tsv", ALIGNED_TSV));
        assertTrue(stats.isEmpty());
    }
}
