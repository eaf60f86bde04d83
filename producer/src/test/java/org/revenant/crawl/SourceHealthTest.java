package org.revenant.crawl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.revenant.avro.SourceHealthEvent;
import org.revenant.avro.SourceHealthEventType;

class SourceHealthTest {

    private static final Instant T0 = Instant.parse("2026-12-01T00:00:00Z");
    private final SourceHealth health = new SourceHealth(3, source -> Duration.ofHours(6), "crawler-test");

    @Test
    void aSourceIsDegradedAfterFailuresInARowToldOnceAndRecoveredByTheFirstCrawlThatWorks() {
        assertTrue(health.failed("github", "HTTP 502", false, T0).isEmpty());
        assertTrue(
                health.failed("github", "HTTP 502", false, T0.plusSeconds(60)).isEmpty());
        SourceHealthEvent degraded = health.failed("github", "HTTP 503\nfrom upstream", false, T0.plusSeconds(120))
                .orElseThrow();
        assertEquals(SourceHealthEventType.SOURCE_DEGRADED, degraded.getEvent());
        assertEquals("github", degraded.getSource());
        assertEquals(3, degraded.getConsecutiveFailures());
        assertEquals(T0, degraded.getFailingSince());
        assertEquals("HTTP 503 from upstream", degraded.getLastError(), "one bounded line");
        assertEquals("crawler-test", degraded.getReportedBy());
        assertTrue(health.degraded("github"));

        assertTrue(
                health.failed("github", "HTTP 502", false, T0.plusSeconds(180)).isEmpty(), "told once");
        SourceHealthEvent recovered =
                health.succeeded("github", T0.plusSeconds(240)).orElseThrow();
        assertEquals(SourceHealthEventType.SOURCE_RECOVERED, recovered.getEvent());
        assertEquals(4, recovered.getConsecutiveFailures());
        assertEquals(T0, recovered.getFailingSince());
        assertFalse(recovered.getEventId().equals(degraded.getEventId()));
        assertTrue(health.succeeded("github", T0.plusSeconds(300)).isEmpty(), "healthy stays quiet");
    }

    @Test
    void aSuccessBetweenFailuresStartsTheCountAgainAndSourcesAreCountedApart() {
        health.failed("hf", "timeout", false, T0);
        health.failed("hf", "timeout", false, T0);
        health.succeeded("hf", T0);
        health.failed("hf", "timeout", false, T0);
        health.failed("hf", "timeout", false, T0);
        health.failed("zenodo", "timeout", false, T0);
        assertFalse(health.degraded("hf"));
        assertFalse(health.degraded("zenodo"));
        assertTrue(health.failed("hf", "timeout", false, T0).isPresent());
    }

    @Test
    void aSourceRateLimitedForLongerThanItsIntervalIsDegradedBeforeTheCountRunsOut() {
        health.succeeded("github", T0);
        assertTrue(health.failed("github", "rate limited", true, T0.plus(Duration.ofHours(1)))
                .isEmpty());
        Optional<SourceHealthEvent> blind = health.failed("github", "rate limited", true, T0.plus(Duration.ofHours(7)));
        assertTrue(blind.isPresent(), "blind for a whole round");
        assertTrue(blind.get().getRateLimited());
        assertEquals(T0, blind.get().getLastSuccessAt());
        assertEquals(2, blind.get().getConsecutiveFailures());
    }

    @Test
    void whatAnEarlierProcessToldIsRemembered() {
        SourceHealthEvent told = SourceHealthEvent.newBuilder()
                .setEventId("x")
                .setSource("github")
                .setEvent(SourceHealthEventType.SOURCE_DEGRADED)
                .setAt(T0)
                .setFailingSince(T0)
                .setReportedBy("crawler-before")
                .build();
        health.remember(told);
        assertTrue(health.failed("github", "HTTP 502", false, T0.plusSeconds(1)).isEmpty(), "not told again");
        assertEquals(
                SourceHealthEventType.SOURCE_RECOVERED,
                health.succeeded("github", T0.plusSeconds(2)).orElseThrow().getEvent());
        health.remember(SourceHealthEvent.newBuilder(told)
                .setEvent(SourceHealthEventType.UNKNOWN)
                .build());
        assertFalse(health.degraded("github"), "an event type from a newer release changes nothing");
    }
}
