package org.revenant.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.revenant.avro.SourceHealthEvent;
import org.revenant.avro.SourceHealthEventType;

/** Records on the source-health topic are anyone's to write: only what a crawler would write is kept. */
class SourceHealthViewTest {

    private static SourceHealthEvent.Builder told() {
        return SourceHealthEvent.newBuilder()
                .setEventId("github|SOURCE_DEGRADED|1|x")
                .setSource("github")
                .setEvent(SourceHealthEventType.SOURCE_DEGRADED)
                .setAt(Instant.EPOCH)
                .setConsecutiveFailures(5)
                .setLastError("HTTP 401")
                .setReportedBy("crawler-1");
    }

    @Test
    void aCrawlersRecordIsKeptAndAnOversizedOrMisnamedOneIsNot() {
        assertTrue(SourceHealthView.plausible(told().build()));
        assertFalse(
                SourceHealthView.plausible(
                        told().setLastError("x".repeat(1_000_000)).build()),
                "a megabyte reason");
        assertFalse(SourceHealthView.plausible(
                told().setReportedBy("y".repeat(10_000)).build()));
        assertFalse(
                SourceHealthView.plausible(told().setEventId("z".repeat(10_000)).build()));
        assertFalse(SourceHealthView.plausible(told().setSource("<img src=x>").build()));
        assertFalse(SourceHealthView.plausible(told().setSource("s".repeat(65)).build()));
    }

    @Test
    void theComponentNameIsOneMetricsCanCarry() {
        assertEquals("source.github", SourceHealthView.componentName("GitHub"));
    }
}
