package org.revenant.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Properties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.revenant.avro.CensusStats;
import org.revenant.detect.DetectConfig;
import org.revenant.detect.Fixtures;
import org.revenant.detect.RevenantStreams;
import org.revenant.detect.RevenantTopology;
import org.revenant.detect.census.ScriptedCensusHistory;
import org.revenant.detect.state.StateStores;
import org.revenant.testkit.TopologyHarness;
import org.revenant.wire.Topics;

/** The census JSON of /api/census for the scripted history: what the dashboard and `revenant report` show. */
class CensusJsonTest {

    @TempDir
    Path stateDir;

    private final Topics topics = Topics.defaults();
    private TopologyHarness harness;

    @BeforeEach
    void start() {
        Properties props =
                RevenantStreams.properties(DetectConfig.defaults(topics), new Properties(), "census-json", stateDir);
        harness = new TopologyHarness(RevenantTopology.build(DetectConfig.defaults(topics)), props);
        harness.input(topics.registry).pipeInput("ms-celeb-1m", Fixtures.msCeleb());
        harness.input(topics.registry).pipeInput("ms-celeb-1m-v1c", Fixtures.ms1mv1c());
        new ScriptedCensusHistory(harness.input(topics.snapshots), harness.input(topics.decisions)).play();
    }

    @AfterEach
    void stop() {
        harness.close();
    }

    private CensusStats census(String key) {
        return harness.<String, CensusStats>store(StateStores.CENSUS).get(key);
    }

    @Test
    void allTimeCensusShowsCountsRateAndMediansAsDurations() {
        JsonNode ms = CensusJson.of(census("dataset:ms-celeb-1m"), null);
        assertEquals("dataset:ms-celeb-1m", ms.path("key").asText());
        assertEquals(4, ms.path("mirrors").asLong());
        assertEquals(1, ms.path("open").asLong());
        assertEquals(2, ms.path("resolved").asLong());
        assertEquals(1.0 / 3, ms.path("reappearanceRate").asDouble(), 1e-9);
        assertEquals("PT120H", ms.path("medianLifetime").asText());
        assertEquals(3, ms.path("lifetimeSamples").asInt());
        assertEquals("PT72H", ms.path("medianTimeToRemoval").asText());
        assertEquals(3, ms.path("takedownRequests").asLong());
        assertEquals(2, ms.path("weeks").size());
        assertEquals(4, ms.path("period").path("opened").asLong());
        assertEquals("ms-celeb-1m-v1c", ms.path("derivatives").get(0).asText());
    }

    @Test
    void sinceKeepsTheWeeksAndDurationsFromThatDayOnButCountsStatesAsOfNow() {
        JsonNode ms = CensusJson.of(census("dataset:ms-celeb-1m"), Instant.parse("2026-11-09T00:00:00Z"));
        assertEquals(1, ms.path("weeks").size());
        assertEquals("2026-11-09", ms.path("period").path("since").asText());
        assertEquals(1, ms.path("period").path("opened").asLong());
        assertEquals(1, ms.path("period").path("reappeared").asLong());
        // Only C's lifetime (7 days) and removal (7 days) ended on or after the 9th.
        assertEquals("PT168H", ms.path("medianLifetime").asText());
        assertEquals("PT168H", ms.path("medianTimeToRemoval").asText());
        assertEquals(4, ms.path("mirrors").asLong());
        assertEquals(1, ms.path("open").asLong());
    }

    @Test
    void aCensusWithoutResolvedMirrorsHasNoRateAndNoMedians() {
        JsonNode github = CensusJson.of(census("platform:github"), null);
        assertTrue(github.path("reappearanceRate").isNull());
        assertTrue(github.path("medianLifetime").isNull());
        assertTrue(github.path("medianTimeToRemovalMillis").isNull());
        assertEquals("PLATFORM", github.path("scope").asText());
    }
}
