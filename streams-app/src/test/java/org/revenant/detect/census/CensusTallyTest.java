package org.revenant.detect.census;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.revenant.avro.AlertEventType;
import org.revenant.avro.AlertState;
import org.revenant.avro.AlertStatus;
import org.revenant.avro.CensusMirror;
import org.revenant.avro.CensusSample;
import org.revenant.avro.CensusStats;
import org.revenant.avro.Severity;
import org.revenant.detect.census.CensusTally.Role;

/** The census arithmetic alone: medians, weeks and the caps that keep a census bounded. */
class CensusTallyTest {

    static final Instant T0 = Instant.parse("2026-11-02T00:00:00Z");

    static AlertState state(String mirror, AlertStatus status, Instant firstSeen, Instant lastSeen) {
        return AlertState.newBuilder()
                .setAlertKey("ms-celeb-1m|" + mirror)
                .setStatus(status)
                .setDatasetId("ms-celeb-1m")
                .setDatasetName("MS-Celeb-1M")
                .setParentId(null)
                .setMirrorKey(mirror)
                .setPlatform("hf")
                .setSeverity(Severity.LIKELY)
                .setConfidence(0.9)
                .setPostRetraction(true)
                .setFirstSeen(firstSeen)
                .setLastSeen(lastSeen)
                .setLastEvent(AlertEventType.OPENED)
                .setLastSnapshotId("s")
                .build();
    }

    @Test
    void medianOfAnOddCountIsTheMiddleAndOfAnEvenCountTheMeanOfTheTwoMiddles() {
        assertNull(CensusTally.median(List.of()));
        assertEquals(5L, CensusTally.median(samples(7, 5, 3)));
        assertEquals(4L, CensusTally.median(samples(7, 3, 5, 1)));
        assertEquals(Long.MAX_VALUE - 1, CensusTally.median(samples(Long.MAX_VALUE - 1, Long.MAX_VALUE - 1)));
    }

    @Test
    void weeksStartOnMondayInUtc() {
        assertEquals(LocalDate.parse("2026-11-02"), CensusTally.weekOf(Instant.parse("2026-11-08T23:59:59Z")));
        assertEquals(LocalDate.parse("2026-11-09"), CensusTally.weekOf(Instant.parse("2026-11-09T00:00:00Z")));
    }

    @Test
    void lifetimesWeeksAndDerivativesStayWithinTheirCaps() {
        CensusStats stats = CensusTally.empty(CensusKey.dataset("ms-celeb-1m"), T0);
        int mirrors = CensusTally.SAMPLE_CAP + 50;
        for (int i = 0; i < mirrors; i++) {
            Instant opened = T0.plus(Duration.ofDays(7L * i)); // one mirror a week, so weeks overflow too
            String mirror = "hf:datasets/x/m" + i;
            CensusTally.Result open =
                    CensusTally.apply(stats, null, state(mirror, AlertStatus.OPEN, opened, opened), Role.DIRECT);
            Instant gone = opened.plus(Duration.ofHours(i));
            CensusTally.Result resolved = CensusTally.apply(
                    open.stats(), open.mirror(), state(mirror, AlertStatus.RESOLVED, opened, gone), Role.DIRECT);
            stats = resolved.stats();
        }
        assertEquals(mirrors, stats.getMirrors());
        assertEquals(mirrors, stats.getResolved());
        assertEquals(CensusTally.SAMPLE_CAP, stats.getLifetimes().size());
        assertEquals(
                Duration.ofHours(50).toMillis(), stats.getLifetimes().get(0).getMillis(), "the oldest were dropped");
        assertEquals(
                CensusTally.WEEK_CAP, stats.getWeeks().size(), "the most recent weeks, the last the last resolution's");
        assertEquals(
                CensusTally.weekOf(T0.plus(Duration.ofDays(7L * (mirrors - 1))).plus(Duration.ofHours(mirrors - 1))),
                stats.getWeeks().get(CensusTally.WEEK_CAP - 1).getWeekStart());

        CensusStats parent = CensusTally.empty(CensusKey.dataset("parent"), T0);
        for (int i = 0; i < CensusTally.DERIVATIVE_CAP + 10; i++) {
            AlertState derived = AlertState.newBuilder(state("hf:d/" + i, AlertStatus.OPEN, T0, T0))
                    .setAlertKey("derived-" + i + "|hf:d/" + i)
                    .setDatasetId("derived-" + i)
                    .setParentId("parent")
                    .build();
            parent = CensusTally.apply(parent, null, derived, Role.DERIVATIVE).stats();
        }
        assertEquals(CensusTally.DERIVATIVE_CAP + 10, parent.getDerivativeMirrors());
        assertEquals(CensusTally.DERIVATIVE_CAP, parent.getDerivatives().size());
        assertEquals(0, parent.getMirrors(), "a derivative is not the parent's own mirror");
    }

    @Test
    void aStateThatMovesNothingChangesNothing() {
        CensusStats stats = CensusTally.empty(CensusKey.platform("hf"), T0);
        AlertState open = state("hf:datasets/x/y", AlertStatus.OPEN, T0, T0);
        CensusTally.Result first = CensusTally.apply(stats, null, open, Role.DIRECT);
        CensusMirror counted = first.mirror();
        CensusTally.Result again = CensusTally.apply(
                first.stats(),
                counted,
                AlertState.newBuilder(open).setLastSeen(T0.plusSeconds(60)).build(),
                Role.DIRECT);
        assertFalse(again.changed());
        assertEquals(first.stats(), again.stats());
    }

    private static List<CensusSample> samples(long... millis) {
        return Arrays.stream(millis).mapToObj(m -> new CensusSample(T0, m)).toList();
    }

    @Test
    void aRenamedMirrorStaysOneMirrorWithOneTakedownRequest() {
        CensusStats stats = CensusTally.empty(CensusKey.dataset("ms-celeb-1m"), T0);
        Instant requested = T0.plus(Duration.ofDays(1));
        AlertState old = AlertState.newBuilder(state("hf:datasets/a/faces", AlertStatus.OPEN, T0, requested))
                .setTakedownRequestedAt(requested)
                .build();
        CensusTally.Result opened = CensusTally.apply(stats, null, old, Role.DIRECT);
        assertEquals(1, opened.stats().getTakedownRequests());

        Instant renamed = T0.plus(Duration.ofDays(2));
        AlertState closed = AlertState.newBuilder(old)
                .setStatus(AlertStatus.RESOLVED)
                .setLastSeen(renamed)
                .setMovedTo("ms-celeb-1m|hf:datasets/b/face-data")
                .build();
        CensusTally.Result away = CensusTally.apply(opened.stats(), opened.mirror(), closed, Role.DIRECT);
        AlertState carried = AlertState.newBuilder(old)
                .setAlertKey("ms-celeb-1m|hf:datasets/b/face-data")
                .setMirrorKey("hf:datasets/b/face-data")
                .setLastSeen(renamed)
                .setMovedFrom(old.getAlertKey())
                .build();
        CensusTally.Result moved = CensusTally.apply(away.stats(), null, carried, Role.DIRECT);

        CensusStats now = moved.stats();
        assertEquals(1, now.getMirrors(), "one copy, renamed");
        assertEquals(1, now.getOpen());
        assertEquals(0, now.getResolved(), "a rename is not a resolution");
        assertEquals(List.of(), now.getLifetimes());
        assertEquals(1, now.getTakedownRequests(), "the request moved with the copy, counted once");
        assertEquals(1, now.getWeeks().stream().mapToLong(w -> w.getOpened()).sum(), "it appeared once");

        CensusTally.Result gone = CensusTally.apply(
                now,
                moved.mirror(),
                AlertState.newBuilder(carried)
                        .setStatus(AlertStatus.RESOLVED)
                        .setLastSeen(T0.plus(Duration.ofDays(4)))
                        .setTakedownRemovedAt(T0.plus(Duration.ofDays(4)))
                        .build(),
                Role.DIRECT);
        assertEquals(1, gone.stats().getResolved());
        assertEquals(1, gone.stats().getRemovedAfterRequest());
        assertEquals(
                Duration.ofDays(4).toMillis(),
                gone.stats().getLifetimes().get(0).getMillis(),
                "since first seen");
    }
}
