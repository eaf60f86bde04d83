package org.revenant.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Map;
import org.revenant.avro.AlertState;
import org.revenant.avro.ChangeSample;
import org.revenant.avro.ManifestChange;
import org.revenant.avro.ManifestEntry;
import org.revenant.avro.Mirror;
import org.revenant.avro.MirrorRecord;
import org.revenant.avro.RetractedDataset;
import org.revenant.avro.Source;
import org.revenant.detect.registry.RegistryIndex;
import org.revenant.wire.AlertJson;

/** The JSON shapes of the HTTP API; field names follow the Avro records and the alert JSON of architecture section 9. */
final class ApiJson {

    static final ObjectMapper MAPPER = new ObjectMapper();

    private ApiJson() {}

    static ObjectNode alert(AlertState s) {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("alertKey", s.getAlertKey());
        node.put("state", s.getStatus().name());
        node.put("datasetId", s.getDatasetId());
        node.put("datasetName", s.getDatasetName());
        node.put("parentId", s.getParentId());
        node.put("parentName", s.getParentName());
        node.put("mirrorKey", s.getMirrorKey());
        node.put("platform", s.getPlatform());
        node.put("mirrorUrl", s.getMirrorUrl());
        node.put("partialListing", s.getPartialListing());
        node.put("severity", s.getSeverity().name());
        node.put("confidence", s.getConfidence());
        node.put("postRetraction", s.getPostRetraction());
        node.put("reappearances", s.getReappearances());
        node.put("firstSeen", time(s.getFirstSeen()));
        node.put("lastSeen", time(s.getLastSeen()));
        node.put("lastEvent", s.getLastEvent().name());
        node.put("lastSnapshotId", s.getLastSnapshotId());
        node.put("decision", s.getDecision() == null ? null : s.getDecision().name());
        node.put("decisionNote", s.getDecisionNote());
        node.put("decidedBy", s.getDecidedBy());
        if (s.getSuppressedUntil() != null) {
            node.put("suppressedUntil", time(s.getSuppressedUntil()));
        }
        AlertJson.putTakedown(
                node,
                s.getTakedownReference(),
                s.getTakedownRequestedAt(),
                s.getTakedownRemovedAt(),
                s.getReturnedAfterRemoval());
        AlertJson.putMoved(node, s.getMovedFrom(), s.getMovedTo());
        if (s.getAwaitingMoveFrom() != null) {
            node.put("awaitingMoveFrom", s.getAwaitingMoveFrom());
        }
        AlertJson.putEvidence(node, s.getEvidence());
        return node;
    }

    static ObjectNode mirror(MirrorRecord record) {
        ObjectNode node = MAPPER.createObjectNode();
        Mirror m = record.getMirror();
        node.put("mirrorKey", m.getKey());
        node.put("platform", m.getPlatform());
        node.put("locator", m.getLocator());
        node.put("url", m.getUrl());
        node.put("title", m.getTitle());
        node.put("description", m.getDescription());
        node.put("owner", m.getOwner());
        node.put("status", m.getStatus().name());
        node.put("statusDetail", m.getStatusDetail());
        ObjectNode ids = node.putObject("identifiers");
        for (Map.Entry<String, String> id : m.getIdentifiers().entrySet()) {
            ids.put(id.getKey(), id.getValue());
        }
        node.put("snapshotId", record.getSnapshotId());
        node.put("observedAt", time(record.getObservedAt()));
        node.put("entries", record.getEntries());
        node.put("bytes", record.getBytes());
        node.put("maxFileSize", record.getMaxFileSize());
        node.put("text", record.getText());
        return node;
    }

    static ObjectNode entry(ManifestEntry e) {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("path", e.getPath());
        node.put("kind", e.getKind().name());
        if (e.getSize() != null) {
            node.put("size", e.getSize());
        }
        putIfSet(node, "sha256", e.getSha256());
        putIfSet(node, "sha1", e.getSha1());
        putIfSet(node, "md5", e.getMd5());
        putIfSet(node, "gitBlobSha1", e.getGitBlobSha1());
        putIfSet(node, "lfsSha256", e.getLfsSha256());
        putIfSet(node, "ref", e.getRef());
        return node;
    }

    static ObjectNode change(ManifestChange c) {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("kind", c.getKind().name());
        node.put("snapshotId", c.getSnapshotId());
        node.put("observedAt", time(c.getObservedAt()));
        node.put("added", c.getAdded());
        node.put("removed", c.getRemoved());
        node.put("modified", c.getModified());
        ArrayNode samples = node.putArray("samples");
        for (ChangeSample s : c.getSamples()) {
            samples.addObject().put("op", s.getOp()).put("path", s.getPath());
        }
        return node;
    }

    static ObjectNode dataset(RetractedDataset d) {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("id", d.getId());
        node.put("name", d.getName());
        node.put("parent", d.getParent());
        node.put("status", d.getStatus());
        node.put("retractedOn", d.getRetractedOn());
        node.put("retractedBy", d.getRetractedBy());
        node.put("severity", d.getSeverity() == null ? null : d.getSeverity().name());
        node.put("notes", d.getNotes());
        d.getAliases().forEach(node.putArray("aliases")::add);
        d.getReasons().forEach(node.putArray("reasons")::add);
        d.getAllowedMirrors().forEach(node.putArray("allowedMirrors")::add);
        ArrayNode sources = node.putArray("sources");
        for (Source s : d.getSources()) {
            sources.addObject().put("title", s.getTitle()).put("url", s.getUrl());
        }
        ArrayNode signatures = node.putArray("signatures");
        d.getSignatures()
                .forEach(s -> signatures
                        .addObject()
                        .put("kind", s.getKind().name())
                        .put("description", RegistryIndex.describe(s)));
        return node;
    }

    private static void putIfSet(ObjectNode node, String field, String value) {
        if (value != null) {
            node.put(field, value);
        }
    }

    private static String time(Instant instant) {
        return instant == null ? null : instant.toString();
    }
}
