package org.revenant.detect.census;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import org.revenant.avro.AlertState;
import org.revenant.avro.AlertStatus;
import org.revenant.avro.CensusMirror;
import org.revenant.avro.CensusSample;
import org.revenant.avro.CensusStats;
import org.revenant.avro.CensusWeek;

/**
 * The census arithmetic (decision 019), a pure function: what one alert's new state changes in
 * the census of its dataset, its platform, or its parent dataset, given what that census had
 * counted of the alert before. Every list it keeps is capped, so a census is bounded whatever
 * the number of alerts behind it.
 */
public final class CensusTally {

    /** Lifetimes and request-to-removal times kept per census: the most recent ones. */
    public static final int SAMPLE_CAP = 1_000;
    /** Weeks kept per census: the most recent ones with any activity (two years). */
    public static final int WEEK_CAP = 104;
    /** Derived dataset ids kept per parent. */
    public static final int DERIVATIVE_CAP = 64;

    /** How the alert relates to the census being updated. */
    public enum Role {
        /** The census of the alert's own dataset or platform. */
        DIRECT,
        /** The census of the alert's dataset's parent: only derivatives are counted. */
        DERIVATIVE
    }

    /** The census and the alert's record after the update; {@code changed} is false when nothing moved. */
    public record Result(CensusStats stats, CensusMirror mirror, boolean changed) {}

    private CensusTally() {}

    /** An empty census for a key, as of {@code at}. */
    public static CensusStats empty(CensusKey key, Instant at) {
        return CensusStats.newBuilder()
                .setScope(key.scope())
                .setName(key.name())
                .setMirrors(0)
                .setOpen(0)
                .setResolved(0)
                .setSuppressed(0)
                .setEverResolved(0)
                .setReappeared(0)
                .setReappearances(0)
                .setTakedownRequests(0)
                .setRemovedAfterRequest(0)
                .setReturnedAfterRemoval(0)
                .setUpdatedAt(at)
                .build();
    }

    /**
     * Applies one alert state. {@code before} is what this census had counted of the alert (null
     * the first time it sees it). Times are the alert's own (first and last seen, request and
     * removal), so a replay of the same states gives the same census.
     */
    public static Result apply(CensusStats stats, CensusMirror before, AlertState state, Role role) {
        Objects.requireNonNull(stats, "stats");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(role, "role");
        CensusStats.Builder next = CensusStats.newBuilder(stats);
        if (role == Role.DERIVATIVE) {
            if (before != null || state.getMovedTo() != null) {
                return new Result(stats, before, false);
            }
            if (state.getMovedFrom() != null) {
                // A renamed mirror's alert under its new key: the same copy, counted under its old key.
                return new Result(stats, continued(state), true);
            }
            next.setDerivativeMirrors(stats.getDerivativeMirrors() + 1);
            List<String> derivatives = new ArrayList<>(stats.getDerivatives());
            if (!derivatives.contains(state.getDatasetId()) && derivatives.size() < DERIVATIVE_CAP) {
                derivatives.add(state.getDatasetId());
                derivatives.sort(Comparator.naturalOrder());
            }
            next.setDerivatives(derivatives).setUpdatedAt(state.getLastSeen());
            CensusMirror counted = CensusMirror.newBuilder()
                    .setStatus(state.getStatus())
                    .setEpisodeStart(state.getFirstSeen())
                    .setReappearances(state.getReappearances())
                    .build();
            return new Result(next.build(), counted, true);
        }

        if (state.getMovedTo() != null) {
            // Closed because its mirror was renamed (decision 016): the copy goes on under the new
            // key, which takes over its count; no resolution, no lifetime. What it did stays counted.
            if (before == null) {
                return new Result(stats, null, false);
            }
            next.setMirrors(stats.getMirrors() - 1);
            count(next, before.getStatus(), -1);
            return new Result(
                    next.setUpdatedAt(later(stats.getUpdatedAt(), state.getLastSeen()))
                            .build(),
                    null,
                    true);
        }
        if (before == null && state.getMovedFrom() != null) {
            // The same copy under its new key: counted again as a mirror (its old key gave its count
            // back), but its appearance, reappearances and takedown were counted under the old key.
            next.setMirrors(stats.getMirrors() + 1);
            count(next, state.getStatus(), +1);
            return new Result(
                    next.setUpdatedAt(later(stats.getUpdatedAt(), state.getLastSeen()))
                            .build(),
                    continued(state),
                    true);
        }
        Weeks weeks = new Weeks(stats.getWeeks());
        CensusMirror.Builder mirror;
        boolean changed = false;
        if (before == null) {
            changed = true;
            next.setMirrors(stats.getMirrors() + 1);
            count(next, state.getStatus(), +1);
            weeks.add(state.getFirstSeen(), w -> w.setOpened(w.getOpened() + 1));
            mirror = CensusMirror.newBuilder()
                    .setStatus(state.getStatus())
                    .setEpisodeStart(state.getFirstSeen())
                    .setReappearances(state.getReappearances());
            if (state.getStatus() == AlertStatus.RESOLVED) {
                // First seen already resolved (a census rebuilt from the compacted state): no lifetime known.
                mirror.setEverResolved(true);
                next.setEverResolved(next.getEverResolved() + 1);
            }
        } else {
            mirror = CensusMirror.newBuilder(before);
            if (before.getStatus() != state.getStatus()) {
                changed = true;
                count(next, before.getStatus(), -1);
                count(next, state.getStatus(), +1);
                mirror.setStatus(state.getStatus());
                if (before.getStatus() == AlertStatus.OPEN && state.getStatus() == AlertStatus.RESOLVED) {
                    Instant resolvedAt = state.getLastSeen();
                    weeks.add(resolvedAt, w -> w.setResolved(w.getResolved() + 1));
                    next.setLifetimes(appendCapped(
                            stats.getLifetimes(), sample(resolvedAt, before.getEpisodeStart(), resolvedAt)));
                    if (!before.getEverResolved()) {
                        mirror.setEverResolved(true);
                        next.setEverResolved(next.getEverResolved() + 1);
                    }
                }
            }
            int returns = state.getReappearances() - before.getReappearances();
            if (returns > 0) {
                changed = true;
                Instant back = state.getLastSeen();
                next.setReappearances(next.getReappearances() + returns);
                weeks.add(back, w -> w.setReappeared(w.getReappeared() + returns));
                if (before.getReappearances() == 0) {
                    next.setReappeared(next.getReappeared() + 1);
                }
                mirror.setReappearances(state.getReappearances()).setEpisodeStart(back);
            }
        }

        Instant requested = state.getTakedownRequestedAt();
        if (requested != null && !requested.equals(mirror.getTakedownRequestedAt())) {
            changed = true;
            next.setTakedownRequests(next.getTakedownRequests() + 1);
            weeks.add(requested, w -> w.setRequested(w.getRequested() + 1));
            mirror.setTakedownRequestedAt(requested).setRemovalCounted(false);
        }
        Instant removed = state.getTakedownRemovedAt();
        if (removed != null && requested != null && !mirror.getRemovalCounted()) {
            changed = true;
            next.setRemovedAfterRequest(next.getRemovedAfterRequest() + 1)
                    .setRemovals(appendCapped(next.getRemovals(), sample(removed, requested, removed)));
            mirror.setRemovalCounted(true);
        }
        if (state.getReturnedAfterRemoval() && !mirror.getReturnCounted()) {
            changed = true;
            next.setReturnedAfterRemoval(next.getReturnedAfterRemoval() + 1);
            mirror.setReturnCounted(true);
        }
        if (!changed) {
            return new Result(stats, before, false);
        }
        next.setWeeks(weeks.list())
                .setMedianLifetimeMillis(median(next.getLifetimes()))
                .setMedianTimeToRemovalMillis(median(next.getRemovals()))
                .setUpdatedAt(later(stats.getUpdatedAt(), state.getLastSeen()));
        return new Result(next.build(), mirror.build(), true);
    }

    /** What a census has counted of an alert that continues a renamed mirror's: everything it carries. */
    private static CensusMirror continued(AlertState state) {
        return CensusMirror.newBuilder()
                .setStatus(state.getStatus())
                .setEpisodeStart(state.getFirstSeen())
                .setReappearances(state.getReappearances())
                .setEverResolved(state.getReappearances() > 0 || state.getStatus() == AlertStatus.RESOLVED)
                .setTakedownRequestedAt(state.getTakedownRequestedAt())
                .setRemovalCounted(state.getTakedownRemovedAt() != null)
                .setReturnCounted(state.getReturnedAfterRemoval())
                .build();
    }

    /** The median of the samples' durations (the lower middle of an even count); null when there are none. */
    public static Long median(List<CensusSample> samples) {
        if (samples == null || samples.isEmpty()) {
            return null;
        }
        long[] millis =
                samples.stream().mapToLong(CensusSample::getMillis).sorted().toArray();
        int n = millis.length;
        if (n % 2 == 1) {
            return millis[n / 2];
        }
        long a = millis[n / 2 - 1], b = millis[n / 2];
        return a / 2 + b / 2 + (a % 2 + b % 2) / 2; // without overflowing a + b (durations are not negative)
    }

    /** The Monday (UTC) of the week holding {@code at}. */
    public static LocalDate weekOf(Instant at) {
        return at.atZone(ZoneOffset.UTC).toLocalDate().with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
    }

    private static void count(CensusStats.Builder next, AlertStatus status, int delta) {
        switch (status) {
            case OPEN -> next.setOpen(next.getOpen() + delta);
            case RESOLVED -> next.setResolved(next.getResolved() + delta);
            case SUPPRESSED -> next.setSuppressed(next.getSuppressed() + delta);
        }
    }

    private static CensusSample sample(Instant at, Instant from, Instant to) {
        return new CensusSample(at, Math.max(0L, to.toEpochMilli() - from.toEpochMilli()));
    }

    private static List<CensusSample> appendCapped(List<CensusSample> samples, CensusSample added) {
        List<CensusSample> out = new ArrayList<>(samples.size() + 1);
        out.addAll(samples);
        out.add(added);
        return out.size() > SAMPLE_CAP ? List.copyOf(out.subList(out.size() - SAMPLE_CAP, out.size())) : out;
    }

    private static Instant later(Instant a, Instant b) {
        return a == null || b.isAfter(a) ? b : a;
    }

    /** The weekly series, oldest first, capped at the most recent {@link #WEEK_CAP} weeks. */
    private static final class Weeks {
        private final List<CensusWeek> weeks;

        Weeks(List<CensusWeek> weeks) {
            this.weeks = new ArrayList<>(weeks.size() + 1);
            weeks.forEach(w -> this.weeks.add(CensusWeek.newBuilder(w).build())); // changed in place below
        }

        void add(Instant at, Consumer<CensusWeek> change) {
            LocalDate start = weekOf(at);
            for (CensusWeek w : weeks) {
                if (w.getWeekStart().equals(start)) {
                    change.accept(w);
                    return;
                }
            }
            CensusWeek w = new CensusWeek(start, 0L, 0L, 0L, 0L);
            change.accept(w);
            weeks.add(w);
            weeks.sort(Comparator.comparing(CensusWeek::getWeekStart));
        }

        List<CensusWeek> list() {
            return weeks.size() > WEEK_CAP ? List.copyOf(weeks.subList(weeks.size() - WEEK_CAP, weeks.size())) : weeks;
        }
    }
}
