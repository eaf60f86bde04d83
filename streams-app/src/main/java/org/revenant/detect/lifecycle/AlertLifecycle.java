package org.revenant.detect.lifecycle;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.revenant.avro.AlertEvent;
import org.revenant.avro.AlertEventType;
import org.revenant.avro.AlertState;
import org.revenant.avro.AlertStatus;
import org.revenant.avro.AnalystDecision;
import org.revenant.avro.DecisionKind;
import org.revenant.avro.Evidence;
import org.revenant.avro.Mirror;
import org.revenant.avro.MirrorRecord;
import org.revenant.avro.MirrorStatus;
import org.revenant.avro.RetractedDataset;
import org.revenant.avro.Severity;
import org.revenant.detect.state.AlertKey;

/**
 * Architecture section 7 as a pure function: given the stored state of one alert (or none) and what the
 * latest snapshot shows, the next state and the event to emit, if any. Re-crawls that show the
 * same evidence emit nothing; a RESOLVED alert that matches again REAPPEARS.
 */
public final class AlertLifecycle {

    private AlertLifecycle() {}

    /** What one complete snapshot says about one dataset on one mirror. */
    public record Assessment(
            RetractedDataset dataset,
            RetractedDataset parent,
            Mirror mirror,
            String snapshotId,
            Instant observedAt,
            List<Evidence> evidence,
            double confidence,
            Severity severity) {
        public Assessment {
            Objects.requireNonNull(dataset, "dataset");
            Objects.requireNonNull(mirror, "mirror");
            evidence = evidence.stream().sorted(EVIDENCE_ORDER).toList();
        }
    }

    /** The next state, and the event to publish (null: nothing worth telling anyone). */
    public record Transition(AlertState state, AlertEventType event) {}

    static final Comparator<Evidence> EVIDENCE_ORDER = Comparator.comparingDouble(Evidence::getWeight)
            .reversed()
            .thenComparing(e -> e.getKind().name())
            .thenComparing(Evidence::getSignature);

    public static String alertKey(String datasetId, String mirrorKey) {
        return AlertKey.format(datasetId, mirrorKey);
    }

    /** The snapshot matches the dataset at or above the alert threshold. */
    public static Transition onMatch(AlertState previous, Assessment now) {
        if (previous == null) {
            AlertState state = AlertState.newBuilder()
                    .setAlertKey(alertKey(now.dataset().getId(), now.mirror().getKey()))
                    .setStatus(AlertStatus.OPEN)
                    .setDatasetId(now.dataset().getId())
                    .setDatasetName(now.dataset().getName())
                    .setParentId(
                            now.parent() == null
                                    ? now.dataset().getParent()
                                    : now.parent().getId())
                    .setParentName(now.parent() == null ? null : now.parent().getName())
                    .setMirrorKey(now.mirror().getKey())
                    .setPlatform(now.mirror().getPlatform())
                    .setMirrorUrl(now.mirror().getUrl())
                    .setSeverity(now.severity())
                    .setConfidence(now.confidence())
                    .setPostRetraction(postRetraction(now.dataset(), now.observedAt()))
                    .setReappearances(0)
                    .setFirstSeen(now.observedAt())
                    .setLastSeen(now.observedAt())
                    .setLastEvent(AlertEventType.OPENED)
                    .setLastSnapshotId(now.snapshotId())
                    .setEvidence(now.evidence())
                    .setPartialListing(partialListing(now.mirror()))
                    .build();
            return new Transition(state, AlertEventType.OPENED);
        }
        return advance(
                previous,
                new Observation(
                        now.snapshotId(),
                        now.observedAt(),
                        now.dataset().getName(),
                        now.mirror().getUrl(),
                        partialListing(now.mirror()),
                        now.severity(),
                        now.confidence(),
                        now.evidence()));
    }

    /** What a match shows of an alert that already exists: the fields a new snapshot updates. */
    record Observation(
            String snapshotId,
            Instant observedAt,
            String datasetName,
            String mirrorUrl,
            String partialListing,
            Severity severity,
            double confidence,
            List<Evidence> evidence) {

        /** What the stored state of an alert says was last seen. */
        static Observation of(AlertState s) {
            return new Observation(
                    s.getLastSnapshotId(),
                    s.getLastSeen(),
                    s.getDatasetName(),
                    s.getMirrorUrl(),
                    s.getPartialListing(),
                    s.getSeverity(),
                    s.getConfidence(),
                    s.getEvidence());
        }
    }

    private static Transition advance(AlertState previous, Observation now) {
        AlertState.Builder next = AlertState.newBuilder(previous)
                .setLastSeen(later(previous.getLastSeen(), now.observedAt()))
                .setLastSnapshotId(now.snapshotId())
                .setDatasetName(now.datasetName())
                .setMirrorUrl(now.mirrorUrl() != null ? now.mirrorUrl() : previous.getMirrorUrl())
                .setPartialListing(now.partialListing())
                .setMovedTo(null); // a copy back under a name it had left is a copy here again
        AlertEventType event;
        boolean grew = !signatures(previous.getEvidence()).containsAll(signatures(now.evidence()));
        if (previous.getStatus() == AlertStatus.SUPPRESSED) {
            // A false positive stays silent until its evidence grows; an allowlisted mirror stays silent.
            if (previous.getDecision() == DecisionKind.FALSE_POSITIVE && grew) {
                event = now.severity().ordinal() > previous.getSeverity().ordinal()
                        ? AlertEventType.ESCALATED
                        : AlertEventType.UPDATED;
                next.setStatus(AlertStatus.OPEN)
                        .setDecision(null)
                        .setDecisionNote(null)
                        .setDecidedBy(null)
                        .setSuppressedUntil(null);
            } else {
                event = null;
                if (!grew) {
                    // Keep the evidence the analyst judged, so only new evidence can reopen it.
                    return new Transition(next.build(), null);
                }
            }
        } else if (previous.getStatus() == AlertStatus.RESOLVED) {
            event = AlertEventType.REAPPEARED;
            next.setStatus(AlertStatus.OPEN).setReappearances(previous.getReappearances() + 1);
            if (previous.getTakedownRemovedAt() != null) {
                next.setReturnedAfterRemoval(true); // it was taken down on request, and is back
            }
        } else if (now.severity().ordinal() > previous.getSeverity().ordinal()) {
            event = AlertEventType.ESCALATED;
        } else if (grew) {
            event = AlertEventType.UPDATED;
        } else {
            event = null;
        }
        next.setSeverity(now.severity()).setConfidence(now.confidence()).setEvidence(now.evidence());
        if (event != null) {
            next.setLastEvent(event);
        }
        return new Transition(next.build(), event);
    }

    /**
     * A new alert on a mirror that says it was renamed from {@code oldMirrorKey}: its OPENED event
     * is held (the state is kept, marked as waiting) until the old key's alerts arrive, so a copy
     * that was already reported is not reported again under its new name (docs/decisions/016).
     */
    public static Transition holdForMove(Transition opened, String oldMirrorKey, Instant since) {
        AlertState held = AlertState.newBuilder(opened.state())
                .setAwaitingMoveFrom(oldMirrorKey)
                .setAwaitingMoveSince(since)
                .build();
        return new Transition(held, null);
    }

    /** A held alert while it waits: its state changes, nothing is told (nobody was told it opened). */
    public static Transition stillHeld(Transition next, AlertState previous) {
        if (next.state() == null || previous.getAwaitingMoveFrom() == null) {
            return next;
        }
        AlertState held = AlertState.newBuilder(next.state())
                .setAwaitingMoveFrom(previous.getAwaitingMoveFrom())
                .setAwaitingMoveSince(previous.getAwaitingMoveSince())
                .build();
        return new Transition(held, null);
    }

    /**
     * A held alert that no moved alert continued (the old key had none for its dataset, or the wait
     * ran out): it is told now, as OPENED if it is open; one that opened and closed while held was
     * never told, and stays untold.
     */
    public static Transition release(AlertState held) {
        if (held.getAwaitingMoveFrom() == null) {
            return new Transition(held, null);
        }
        AlertState state = AlertState.newBuilder(held)
                .setAwaitingMoveFrom(null)
                .setAwaitingMoveSince(null)
                .build();
        if (state.getStatus() != AlertStatus.OPEN) {
            return new Transition(state, null);
        }
        state.setLastEvent(AlertEventType.OPENED);
        return new Transition(state, AlertEventType.OPENED);
    }

    /**
     * The old key's side of a rename: the alert is closed there, pointing at the key it continues
     * under. Nothing is told from here; the new key tells one MOVED event (or what the copy's new
     * state calls for) when the alert arrives. A rename is not a removal: no takedown is counted.
     */
    public static AlertState movedAway(AlertState previous, String toAlertKey, String snapshotId, Instant observedAt) {
        return AlertState.newBuilder(previous)
                .setStatus(
                        previous.getStatus() == AlertStatus.SUPPRESSED ? AlertStatus.SUPPRESSED : AlertStatus.RESOLVED)
                .setMovedTo(toAlertKey)
                .setLastEvent(AlertEventType.MOVED)
                .setLastSnapshotId(snapshotId)
                .setLastSeen(later(previous.getLastSeen(), observedAt))
                .setPartialListing(null)
                .build();
    }

    /**
     * The new key's side of a rename: {@code carried} is the alert as it stood under the old key,
     * {@code current} what the new key holds for the same dataset (null if nothing yet). The result
     * keeps the carried alert's history (first seen, reappearances, decisions, takedown request) under
     * the new key, with what the new key last saw.
     *
     * <ul>
     *   <li>Nothing at the new key yet: the carried alert, re-keyed; MOVED if it is open.
     *   <li>The new key holds an alert waiting for this move: the carried alert advanced by what the
     *       new key saw, as any later snapshot would advance it (a resolved one REAPPEARS, a
     *       suppressed one stays silent unless its evidence grew), told as MOVED when it was open;
     *       if the copy was gone again by then, the carried alert resolves.
     *   <li>The new key has an alert of its own (not waiting for this move): it stays as it is and
     *       notes where the other came from; nothing is told.
     * </ul>
     */
    public static Transition onMove(AlertState carried, AlertState current, String toMirrorKey) {
        String toAlertKey = alertKey(carried.getDatasetId(), toMirrorKey);
        if (current != null && !carried.getMirrorKey().equals(current.getAwaitingMoveFrom())) {
            if (current.getMovedFrom() != null) {
                return new Transition(current, null);
            }
            return new Transition(
                    AlertState.newBuilder(current)
                            .setMovedFrom(carried.getAlertKey())
                            .build(),
                    null);
        }
        AlertState base = AlertState.newBuilder(carried)
                .setAlertKey(toAlertKey)
                .setMirrorKey(toMirrorKey)
                .setMovedFrom(carried.getAlertKey())
                .setMovedTo(null)
                .setAwaitingMoveFrom(null)
                .setAwaitingMoveSince(null)
                .build();
        boolean wasOpen = carried.getStatus() == AlertStatus.OPEN;
        if (current == null) {
            if (wasOpen) {
                base.setLastEvent(AlertEventType.MOVED);
                return new Transition(base, AlertEventType.MOVED);
            }
            return new Transition(base, null);
        }
        base.setPlatform(current.getPlatform());
        if (current.getStatus() == AlertStatus.RESOLVED) {
            return onNoMatch(base, current.getLastSnapshotId(), current.getLastSeen());
        }
        Transition advanced = advance(base, Observation.of(current));
        if (wasOpen) {
            AlertState state = AlertState.newBuilder(advanced.state())
                    .setLastEvent(AlertEventType.MOVED)
                    .build();
            return new Transition(state, AlertEventType.MOVED);
        }
        return advanced;
    }

    /**
     * As {@link #onNoMatch(AlertState, String, Instant)}, except that a partial listing of a mirror
     * that is still there resolves nothing: the files it did not list may be the very copy (an
     * uploader can add directories until the crawler's caps hide it).
     */
    public static Transition onNoMatch(AlertState previous, Mirror mirror, String snapshotId, Instant observedAt) {
        if (mirror != null && mirror.getPartial() && mirror.getStatus() == MirrorStatus.PRESENT) {
            return new Transition(previous, null);
        }
        return onNoMatch(previous, snapshotId, observedAt);
    }

    /** The reason a mirror's listing is partial, for the alert; null when the listing is complete. */
    static String partialListing(Mirror mirror) {
        if (!mirror.getPartial()) {
            return null;
        }
        return mirror.getPartialReason() == null || mirror.getPartialReason().isBlank()
                ? "partial listing"
                : mirror.getPartialReason();
    }

    /** The mirror is gone or blocked, or the snapshot no longer matches the dataset. */
    public static Transition onNoMatch(AlertState previous, String snapshotId, Instant observedAt) {
        if (previous == null || previous.getStatus() != AlertStatus.OPEN) {
            return new Transition(previous, null); // resolved already, or silenced by an analyst
        }
        AlertState.Builder resolved = AlertState.newBuilder(previous);
        if (previous.getTakedownRequestedAt() != null && previous.getTakedownRemovedAt() == null) {
            resolved.setTakedownRemovedAt(later(previous.getTakedownRequestedAt(), observedAt)); // request to removal
        }
        AlertState state = resolved.setStatus(AlertStatus.RESOLVED)
                .setLastEvent(AlertEventType.RESOLVED)
                .setPartialListing(null) // resolved by a complete listing, or by the mirror's status
                .setLastSnapshotId(snapshotId)
                .setLastSeen(later(previous.getLastSeen(), observedAt))
                .build();
        return new Transition(state, AlertEventType.RESOLVED);
    }

    /**
     * An analyst's decision: FALSE_POSITIVE and ALLOWLISTED silence the alert (a false positive
     * only until its evidence grows); CONFIRMED and TAKEDOWN_REQUESTED are recorded on it. Each
     * is published as an UPDATED event that carries the decision.
     */
    public static Transition onDecision(AlertState previous, AnalystDecision decision) {
        boolean suppresses = decision.getDecision() == DecisionKind.FALSE_POSITIVE
                || decision.getDecision() == DecisionKind.ALLOWLISTED;
        AlertState.Builder next = AlertState.newBuilder(previous)
                .setDecision(decision.getDecision())
                .setDecisionNote(decision.getNote())
                .setDecidedBy(decision.getBy())
                .setSuppressedUntil(suppresses ? decision.getUntil() : null);
        if (decision.getDecision() == DecisionKind.TAKEDOWN_REQUESTED) {
            // A new request: its reference and date; removal and reminder are counted from it.
            next.setTakedownReference(decision.getReference())
                    .setTakedownRequestedAt(
                            decision.getRequestedAt() != null ? decision.getRequestedAt() : decision.getAt())
                    .setTakedownRemovedAt(null)
                    .setTakedownOverdueNotified(false);
        }
        // An expression, so a new decision kind fails to compile until its effect is decided here.
        next.setStatus(
                switch (decision.getDecision()) {
                    case FALSE_POSITIVE, ALLOWLISTED -> AlertStatus.SUPPRESSED;
                    case CONFIRMED, TAKEDOWN_REQUESTED ->
                        previous.getStatus() == AlertStatus.SUPPRESSED ? AlertStatus.OPEN : previous.getStatus();
                    // Rejected before it gets here (DecisionApplier.violation); were one to arrive, it changes nothing.
                    case UNKNOWN -> previous.getStatus();
                });
        if (decision.getDecision() == DecisionKind.UNKNOWN) {
            return new Transition(previous, null);
        }
        boolean same = previous.getDecision() == decision.getDecision()
                && Objects.equals(previous.getDecisionNote(), decision.getNote())
                && Objects.equals(previous.getDecidedBy(), decision.getBy())
                && Objects.equals(previous.getSuppressedUntil(), suppresses ? decision.getUntil() : null)
                && (decision.getDecision() != DecisionKind.TAKEDOWN_REQUESTED
                        || Objects.equals(previous.getTakedownReference(), decision.getReference()));
        if (same) {
            return new Transition(previous, null);
        }
        return new Transition(next.setLastEvent(AlertEventType.UPDATED).build(), AlertEventType.UPDATED);
    }

    /**
     * The event record published for a transition. The event id is unique per alert, snapshot,
     * event and cause (null for a snapshot; the registry change for retroactive matching).
     */
    public static AlertEvent eventOf(
            AlertState state, AlertEventType type, String snapshotId, Instant observedAt, String cause) {
        return AlertEvent.newBuilder()
                .setEventId(
                        state.getAlertKey() + "@" + snapshotId + "#" + type.name() + (cause == null ? "" : "@" + cause))
                .setAlertKey(state.getAlertKey())
                .setEvent(type)
                .setDatasetId(state.getDatasetId())
                .setDatasetName(state.getDatasetName())
                .setParentId(state.getParentId())
                .setParentName(state.getParentName())
                .setMirrorKey(state.getMirrorKey())
                .setPlatform(state.getPlatform())
                .setMirrorUrl(state.getMirrorUrl())
                .setSeverity(state.getSeverity())
                .setConfidence(state.getConfidence())
                .setPostRetraction(state.getPostRetraction())
                .setReappearances(state.getReappearances())
                .setObservedAt(observedAt)
                .setSnapshotId(snapshotId)
                .setEvidence(state.getEvidence())
                .setDecision(state.getDecision())
                .setDecidedBy(state.getDecidedBy())
                .setDecisionNote(state.getDecisionNote())
                .setPartialListing(state.getPartialListing())
                .setTakedownReference(state.getTakedownReference())
                .setTakedownRequestedAt(state.getTakedownRequestedAt())
                .setTakedownRemovedAt(state.getTakedownRemovedAt())
                .setReturnedAfterRemoval(state.getReturnedAfterRemoval())
                .setMovedFrom(state.getMovedFrom())
                .setMovedTo(state.getMovedTo())
                .setSuppressedUntil(state.getSuppressedUntil())
                .build();
    }

    /** An open alert whose takedown request is older than {@code after}, not removed and not yet reminded of. */
    public static boolean isTakedownOverdue(AlertState s, Instant now, Duration after) {
        return s.getStatus() == AlertStatus.OPEN
                && s.getTakedownRequestedAt() != null
                && s.getTakedownRemovedAt() == null
                && !s.getTakedownOverdueNotified()
                && !now.isBefore(s.getTakedownRequestedAt().plus(after));
    }

    /** The one reminder for an overdue request (see {@link #isTakedownOverdue}); otherwise nothing. */
    public static Transition onTakedownOverdue(AlertState previous, Instant now, Duration after) {
        if (!isTakedownOverdue(previous, now, after)) {
            return new Transition(previous, null);
        }
        AlertState state = AlertState.newBuilder(previous)
                .setTakedownOverdueNotified(true)
                .setLastEvent(AlertEventType.TAKEDOWN_OVERDUE)
                .build();
        return new Transition(state, AlertEventType.TAKEDOWN_OVERDUE);
    }

    /** A suppression with an end date that has come. */
    public static boolean isSuppressionLapsed(AlertState s, Instant now) {
        return s.getStatus() == AlertStatus.SUPPRESSED
                && s.getSuppressedUntil() != null
                && !now.isBefore(s.getSuppressedUntil());
    }

    /**
     * An analyst's suppression that has run out (docs/decisions/025): the decision is cleared; the
     * alert is OPEN again, told as SUPPRESSION_LAPSED, if its evidence still holds (the mirror's
     * latest snapshot is the one that last matched), and otherwise RESOLVED without a word.
     */
    public static Transition onSuppressionLapsed(AlertState previous, Instant now, boolean evidenceHolds) {
        if (!isSuppressionLapsed(previous, now)) {
            return new Transition(previous, null);
        }
        AlertState.Builder next = AlertState.newBuilder(previous)
                .setDecision(null)
                .setDecisionNote(null)
                .setDecidedBy(null)
                .setSuppressedUntil(null);
        if (!evidenceHolds) {
            return new Transition(next.setStatus(AlertStatus.RESOLVED).build(), null);
        }
        AlertState state = next.setStatus(AlertStatus.OPEN)
                .setLastEvent(AlertEventType.SUPPRESSION_LAPSED)
                .build();
        return new Transition(state, AlertEventType.SUPPRESSION_LAPSED);
    }

    /** Observed after the dataset's retraction date; false when that date is unknown. */
    public static boolean postRetraction(RetractedDataset dataset, Instant observedAt) {
        String on = dataset.getRetractedOn();
        if (on == null || on.isBlank()) {
            return false;
        }
        try {
            LocalDate date;
            if (on.length() == 4) {
                date = LocalDate.of(Integer.parseInt(on), 12, 31);
            } else if (on.length() == 7) {
                date = YearMonth.parse(on).atEndOfMonth();
            } else {
                date = LocalDate.parse(on);
            }
            return observedAt.isAfter(date.plusDays(1).atStartOfDay().toInstant(ZoneOffset.UTC));
        } catch (DateTimeParseException | NumberFormatException e) {
            return false;
        }
    }

    private static Set<String> signatures(List<Evidence> evidence) {
        Set<String> keys = new HashSet<>();
        for (Evidence e : evidence) {
            keys.add(e.getKind() + ":" + e.getSignature());
        }
        return keys;
    }

    /**
     * The alert as of its mirror's latest snapshot. A snapshot that sees an alert exactly as it was
     * does not rewrite it (an unchanged re-crawl writes no alert state, docs/decisions/014); the
     * mirror's record lists the datasets that snapshot matched, so an alert whose dataset is listed
     * there was last seen at that snapshot.
     */
    public static AlertState asSeen(AlertState state, MirrorRecord mirror) {
        if (state == null
                || mirror == null
                || state.getMovedTo() != null
                || mirror.getSnapshotId().equals(state.getLastSnapshotId())
                || !mirror.getMatched().contains(state.getDatasetId())) {
            return state;
        }
        return AlertState.newBuilder(state)
                .setLastSnapshotId(mirror.getSnapshotId())
                .setLastSeen(later(state.getLastSeen(), mirror.getObservedAt()))
                .build();
    }

    /** Whether {@code next} differs from {@code before} only in when the alert was last seen. */
    public static boolean onlySeenAgain(AlertState next, AlertState before) {
        return before != null
                && AlertState.newBuilder(next)
                        .setLastSeen(before.getLastSeen())
                        .setLastSnapshotId(before.getLastSnapshotId())
                        .build()
                        .equals(before);
    }

    private static Instant later(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }
}
