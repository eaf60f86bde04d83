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
        AlertState.Builder next = AlertState.newBuilder(previous)
                .setLastSeen(later(previous.getLastSeen(), now.observedAt()))
                .setLastSnapshotId(now.snapshotId())
                .setDatasetName(now.dataset().getName())
                .setMirrorUrl(now.mirror().getUrl() != null ? now.mirror().getUrl() : previous.getMirrorUrl())
                .setPartialListing(partialListing(now.mirror()));
        AlertEventType event;
        boolean grew = !signatures(previous.getEvidence()).containsAll(signatures(now.evidence()));
        if (previous.getStatus() == AlertStatus.SUPPRESSED) {
            // A false positive stays silent until its evidence grows; an allowlisted mirror stays silent.
            if (previous.getDecision() == DecisionKind.FALSE_POSITIVE && grew) {
                event = now.severity().ordinal() > previous.getSeverity().ordinal()
                        ? AlertEventType.ESCALATED
                        : AlertEventType.UPDATED;
                next.setStatus(AlertStatus.OPEN).setDecision(null).setDecisionNote(null);
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
        AlertState.Builder next = AlertState.newBuilder(previous)
                .setDecision(decision.getDecision())
                .setDecisionNote(decision.getNote());
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
                .setPartialListing(state.getPartialListing())
                .setTakedownReference(state.getTakedownReference())
                .setTakedownRequestedAt(state.getTakedownRequestedAt())
                .setTakedownRemovedAt(state.getTakedownRemovedAt())
                .setReturnedAfterRemoval(state.getReturnedAfterRemoval())
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

    private static Instant later(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }
}
