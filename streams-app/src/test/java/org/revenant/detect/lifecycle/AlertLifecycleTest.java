package org.revenant.detect.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.revenant.avro.AlertEvent;
import org.revenant.avro.AlertEventType;
import org.revenant.avro.AlertState;
import org.revenant.avro.AlertStatus;
import org.revenant.avro.AnalystDecision;
import org.revenant.avro.DecisionKind;
import org.revenant.avro.Evidence;
import org.revenant.avro.Severity;
import org.revenant.avro.SignatureKind;
import org.revenant.detect.Fixtures;
import org.revenant.detect.decide.DecisionApplier;
import org.revenant.wire.AlertJson;

class AlertLifecycleTest {

    private static final Instant T0 = Fixtures.NOW;

    @Test
    void firstMatchOpensTheAlertUnderItsAlertKey() {
        AlertLifecycle.Transition opened = AlertLifecycle.onMatch(null, assessment("s1", Severity.LIKELY, size(1)));
        assertEquals(AlertEventType.OPENED, opened.event());
        assertEquals(AlertStatus.OPEN, opened.state().getStatus());
        assertEquals(
                "ms-celeb-1m|torrent:" + Fixtures.MS_CELEB_BTIH, opened.state().getAlertKey());
        assertEquals(0, opened.state().getReappearances());
    }

    @Test
    void anUnchangedRecrawlEmitsNothing() {
        AlertState open = AlertLifecycle.onMatch(null, assessment("s1", Severity.LIKELY, size(1)))
                .state();
        AlertLifecycle.Transition again = AlertLifecycle.onMatch(open, assessment("s2", Severity.LIKELY, size(1)));
        assertNull(again.event());
        assertEquals("s2", again.state().getLastSnapshotId());
    }

    @Test
    void newEvidenceUpdatesAndHigherSeverityEscalates() {
        AlertState open = AlertLifecycle.onMatch(null, assessment("s1", Severity.LIKELY, size(1)))
                .state();
        assertEquals(
                AlertEventType.UPDATED,
                AlertLifecycle.onMatch(open, assessment("s2", Severity.LIKELY, size(1), size(2)))
                        .event());
        assertEquals(
                AlertEventType.ESCALATED,
                AlertLifecycle.onMatch(open, assessment("s2", Severity.CONFIRMED, size(1)))
                        .event());
    }

    @Test
    void noMatchResolvesAndAMatchAfterThatReappears() {
        AlertState open = AlertLifecycle.onMatch(null, assessment("s1", Severity.LIKELY, size(1)))
                .state();
        AlertLifecycle.Transition resolved = AlertLifecycle.onNoMatch(open, "s2", T0.plusSeconds(60));
        assertEquals(AlertEventType.RESOLVED, resolved.event());
        assertEquals(AlertStatus.RESOLVED, resolved.state().getStatus());
        assertNull(
                AlertLifecycle.onNoMatch(resolved.state(), "s3", T0.plusSeconds(120))
                        .event(),
                "resolved once");

        AlertLifecycle.Transition back =
                AlertLifecycle.onMatch(resolved.state(), assessment("s4", Severity.LIKELY, size(1)));
        assertEquals(AlertEventType.REAPPEARED, back.event());
        assertEquals(AlertStatus.OPEN, back.state().getStatus());
        assertEquals(1, back.state().getReappearances());
    }

    @Test
    void aFalsePositiveStaysSilentUntilItsEvidenceGrows() {
        AlertState open = AlertLifecycle.onMatch(null, assessment("s1", Severity.LIKELY, size(1)))
                .state();
        AlertLifecycle.Transition decided =
                AlertLifecycle.onDecision(open, decision(open, DecisionKind.FALSE_POSITIVE));
        assertEquals(AlertEventType.UPDATED, decided.event());
        assertEquals(AlertStatus.SUPPRESSED, decided.state().getStatus());

        assertNull(AlertLifecycle.onMatch(decided.state(), assessment("s2", Severity.LIKELY, size(1)))
                .event());
        assertNull(AlertLifecycle.onNoMatch(decided.state(), "s2", T0).event());
        AlertLifecycle.Transition grown =
                AlertLifecycle.onMatch(decided.state(), assessment("s3", Severity.LIKELY, size(1), size(2)));
        assertEquals(AlertEventType.UPDATED, grown.event());
        assertEquals(AlertStatus.OPEN, grown.state().getStatus());
        assertNull(grown.state().getDecision());
    }

    @Test
    void theSameDecisionTwiceChangesNothing() {
        AlertState open = AlertLifecycle.onMatch(null, assessment("s1", Severity.LIKELY, size(1)))
                .state();
        AlertState confirmed = AlertLifecycle.onDecision(open, decision(open, DecisionKind.CONFIRMED))
                .state();
        assertEquals(AlertStatus.OPEN, confirmed.getStatus());
        AlertLifecycle.Transition again =
                AlertLifecycle.onDecision(confirmed, decision(confirmed, DecisionKind.CONFIRMED));
        assertNull(again.event());
        assertEquals(confirmed, again.state());
    }

    @Test
    void aDecisionKindFromANewerReleaseIsRejectedAndWouldChangeNothing() {
        AlertState open = AlertLifecycle.onMatch(null, assessment("s1", Severity.LIKELY, size(1)))
                .state();
        AnalystDecision future = decision(open, DecisionKind.UNKNOWN);
        assertEquals("a decision kind this release does not know", DecisionApplier.violation(future));
        AlertLifecycle.Transition t = AlertLifecycle.onDecision(open, future);
        assertNull(t.event());
        assertEquals(open, t.state());
    }

    @Test
    void aRequestedTakedownRecordsWhenTheCopyWentAndFlagsItsReturn() {
        AlertState open = AlertLifecycle.onMatch(null, assessment("s1", Severity.LIKELY, size(1)))
                .state();
        AnalystDecision request = AnalystDecision.newBuilder(decision(open, DecisionKind.TAKEDOWN_REQUESTED))
                .setReference("DMCA #1")
                .setRequestedAt(T0.plus(Duration.ofDays(1)))
                .build();
        AlertState requested = AlertLifecycle.onDecision(open, request).state();
        assertEquals("DMCA #1", requested.getTakedownReference());
        assertEquals(T0.plus(Duration.ofDays(1)), requested.getTakedownRequestedAt());

        AlertState removed = AlertLifecycle.onNoMatch(requested, "s2", T0.plus(Duration.ofDays(4)))
                .state();
        assertEquals(AlertStatus.RESOLVED, removed.getStatus());
        assertEquals(T0.plus(Duration.ofDays(4)), removed.getTakedownRemovedAt());
        AlertEvent resolved =
                AlertLifecycle.eventOf(removed, AlertEventType.RESOLVED, "s2", T0.plus(Duration.ofDays(4)), null);
        assertEquals(
                "PT72H",
                AlertJson.toNode(resolved).path("timeToRemoval").asText(),
                "three days from request to removal");
        assertFalse(
                AlertLifecycle.isTakedownOverdue(removed, T0.plus(Duration.ofDays(30)), Duration.ofDays(14)),
                "removed: not overdue");

        AlertLifecycle.Transition back = AlertLifecycle.onMatch(removed, assessment("s3", Severity.LIKELY, size(1)));
        assertEquals(AlertEventType.REAPPEARED, back.event());
        assertTrue(back.state().getReturnedAfterRemoval());
        assertTrue(AlertJson.toNode(AlertLifecycle.eventOf(back.state(), back.event(), "s3", T0, null))
                .path("returnedAfterRemoval")
                .asBoolean());
    }

    @Test
    void anOverdueRequestIsRemindedOfOnce() {
        AlertState open = AlertLifecycle.onMatch(null, assessment("s1", Severity.LIKELY, size(1)))
                .state();
        AlertState requested = AlertLifecycle.onDecision(
                        open,
                        AnalystDecision.newBuilder(decision(open, DecisionKind.TAKEDOWN_REQUESTED))
                                .setRequestedAt(T0)
                                .build())
                .state();
        assertNull(AlertLifecycle.onTakedownOverdue(requested, T0.plus(Duration.ofDays(13)), Duration.ofDays(14))
                .event());
        AlertLifecycle.Transition due =
                AlertLifecycle.onTakedownOverdue(requested, T0.plus(Duration.ofDays(14)), Duration.ofDays(14));
        assertEquals(AlertEventType.TAKEDOWN_OVERDUE, due.event());
        assertNull(AlertLifecycle.onTakedownOverdue(due.state(), T0.plus(Duration.ofDays(20)), Duration.ofDays(14))
                .event());
        AlertState again = AlertLifecycle.onDecision(
                        due.state(),
                        AnalystDecision.newBuilder(decision(open, DecisionKind.TAKEDOWN_REQUESTED))
                                .setReference("second request")
                                .setRequestedAt(T0.plus(Duration.ofDays(20)))
                                .build())
                .state();
        assertFalse(again.getTakedownOverdueNotified(), "a new request is reminded of again");
    }

    private static AlertLifecycle.Assessment assessment(String snapshotId, Severity severity, Evidence... evidence) {
        return new AlertLifecycle.Assessment(
                Fixtures.msCeleb(),
                null,
                Fixtures.torrent(Fixtures.MS_CELEB_BTIH),
                snapshotId,
                T0,
                List.of(evidence),
                severity == Severity.CONFIRMED ? 0.99 : 0.9,
                severity);
    }

    private static Evidence size(long n) {
        return Evidence.newBuilder()
                .setKind(SignatureKind.FILE_SIZE)
                .setSignature(Long.toString(n))
                .setWeight(0.9)
                .build();
    }

    private static AnalystDecision decision(AlertState state, DecisionKind kind) {
        return AnalystDecision.newBuilder()
                .setAlertKey(state.getAlertKey())
                .setDecision(kind)
                .setBy("analyst")
                .setAt(T0)
                .build();
    }
}
