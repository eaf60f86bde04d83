package org.revenant.wire;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.revenant.avro.AlertEvent;
import org.revenant.avro.Evidence;

/**
 * The public JSON form of an alert event (architecture section 9): its core fields in their order, then the
 * optional extras (parentId, parentName, decision, partialListing, takedown fields, movedFrom/movedTo, eventId); one object per line for {@code alerts tail --format json} and the {@code alerts.json} projection.
 */
public final class AlertJson {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private AlertJson() {}

    public static ObjectNode toNode(AlertEvent alert) {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("alertKey", alert.getAlertKey());
        node.put("event", alert.getEvent().name());
        node.put("datasetId", alert.getDatasetId());
        node.put("datasetName", alert.getDatasetName());
        node.put("mirrorKey", alert.getMirrorKey());
        node.put("platform", alert.getPlatform());
        node.put("mirrorUrl", alert.getMirrorUrl());
        node.put("severity", alert.getSeverity().name());
        node.put("confidence", alert.getConfidence());
        node.put("postRetraction", alert.getPostRetraction());
        node.put("reappearances", alert.getReappearances());
        node.put("observedAt", alert.getObservedAt().toString());
        node.put("snapshotId", alert.getSnapshotId());
        putEvidence(node, alert.getEvidence());
        // After the core fields: derivative lineage, the analyst's decision, a partial listing, the event id.
        if (alert.getParentId() != null) {
            node.put("parentId", alert.getParentId());
            node.put("parentName", alert.getParentName());
        }
        if (alert.getDecision() != null) {
            node.put("decision", alert.getDecision().name());
            putIfSet(node, "decidedBy", alert.getDecidedBy());
            putIfSet(node, "decisionNote", alert.getDecisionNote());
        }
        if (alert.getSuppressedUntil() != null) {
            node.put("suppressedUntil", alert.getSuppressedUntil().toString());
        }
        if (alert.getPartialListing() != null) {
            node.put("partialListing", alert.getPartialListing());
        }
        putTakedown(
                node,
                alert.getTakedownReference(),
                alert.getTakedownRequestedAt(),
                alert.getTakedownRemovedAt(),
                alert.getReturnedAfterRemoval());
        putMoved(node, alert.getMovedFrom(), alert.getMovedTo());
        node.put("eventId", alert.getEventId());
        return node;
    }

    /**
     * A takedown request and what came of it, when there was one: {@code takedownReference},
     * {@code takedownRequestedAt}, {@code takedownRemovedAt} and {@code timeToRemoval} (ISO-8601
     * duration) once the mirror was gone; {@code returnedAfterRemoval} when the copy came back.
     */
    public static void putTakedown(
            ObjectNode node, String reference, Instant requestedAt, Instant removedAt, boolean returnedAfterRemoval) {
        if (requestedAt != null) {
            node.put("takedownReference", reference);
            node.put("takedownRequestedAt", requestedAt.toString());
            node.put("takedownRemovedAt", removedAt == null ? null : removedAt.toString());
            node.put(
                    "timeToRemoval",
                    removedAt == null
                            ? null
                            : Duration.between(requestedAt, removedAt).toString());
        }
        if (returnedAfterRemoval) {
            node.put("returnedAfterRemoval", true);
        }
    }

    /**
     * Where a renamed mirror's alert came from ({@code movedFrom}) or went ({@code movedTo}): alert
     * keys, present only when set (docs/decisions/016).
     */
    public static void putMoved(ObjectNode node, String movedFrom, String movedTo) {
        if (movedFrom != null) {
            node.put("movedFrom", movedFrom);
        }
        if (movedTo != null) {
            node.put("movedTo", movedTo);
        }
    }

    private static void putIfSet(ObjectNode node, String field, String value) {
        if (value != null) {
            node.put(field, value);
        }
    }

    /** The evidence array, as every JSON form of an alert shows it. */
    public static ArrayNode putEvidence(ObjectNode node, List<Evidence> list) {
        ArrayNode evidence = node.putArray("evidence");
        for (Evidence e : list) {
            ObjectNode item = evidence.addObject();
            item.put("kind", e.getKind().name());
            item.put("signature", e.getSignature());
            item.put("path", e.getPath());
            item.put("weight", e.getWeight());
            item.put("detail", e.getDetail());
        }
        return evidence;
    }

    public static String toJson(AlertEvent alert) {
        try {
            return MAPPER.writeValueAsString(toNode(alert));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
