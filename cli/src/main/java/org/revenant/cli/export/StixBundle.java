package org.revenant.cli.export;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.revenant.avro.RetractedDataset;
import org.revenant.avro.SignatureKind;
import org.revenant.avro.Source;
import org.revenant.wire.NameBasedUuid;

/**
 * The registry and its sightings as a STIX 2.1 bundle (docs/decisions/020-feeds-and-exports.md):
 * each content hash or infohash is an {@code indicator} with a STIX pattern, each dataset a
 * {@code grouping} of its indicators carrying the retraction facts and sources, each alert a
 * {@code sighting} of the indicators its evidence matched (of the dataset's grouping when it matched
 * no hash) with the mirror's platform as an {@code identity} where it was seen. Every id is a
 * UUIDv5 of stable inputs and every timestamp comes from the data, so the same registry and alerts
 * give the same bundle.
 */
final class StixBundle {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String SPEC_VERSION = "2.1";

    private final Map<String, ObjectNode> objects = new LinkedHashMap<>();
    private final String revenantId = id("identity", "identity:revenant");
    private Map<String, RetractedDataset> byId = Map.of();

    private StixBundle() {}

    static ObjectNode build(List<RetractedDataset> registry, List<JsonNode> alerts) {
        StixBundle bundle = new StixBundle();
        bundle.byId = RegistryTimes.byId(registry);
        bundle.revenant();
        Map<String, String> indicatorByEvidence = new LinkedHashMap<>();
        Map<String, String> groupingByDataset = new LinkedHashMap<>();
        for (RetractedDataset dataset : registry) {
            List<String> refs = new ArrayList<>();
            for (HashIndicator hash : HashIndicator.of(dataset)) {
                String indicator = bundle.indicator(dataset, hash);
                refs.add(indicator);
                indicatorByEvidence.put(dataset.getId() + "|" + hash.evidenceKey(), indicator);
            }
            if (!refs.isEmpty()) {
                groupingByDataset.put(dataset.getId(), bundle.grouping(dataset, refs));
            }
        }
        for (JsonNode alert : alerts) {
            String datasetId = alert.path("datasetId").asText();
            List<String> sighted = new ArrayList<>();
            for (JsonNode evidence : alert.path("evidence")) {
                String key = datasetId + "|" + evidence.path("kind").asText() + ":"
                        + evidence.path("signature").asText().toLowerCase(Locale.ROOT);
                String indicator = indicatorByEvidence.get(key);
                if (indicator != null && !sighted.contains(indicator)) {
                    sighted.add(indicator);
                }
            }
            if (sighted.isEmpty() && groupingByDataset.containsKey(datasetId)) {
                sighted.add(groupingByDataset.get(datasetId));
            }
            for (String ref : sighted) {
                bundle.sighting(alert, ref);
            }
        }
        ObjectNode root = JSON.createObjectNode();
        root.put("type", "bundle");
        root.put("id", id("bundle", "bundle:" + String.join(",", bundle.objects.keySet())));
        ArrayNode array = root.putArray("objects");
        bundle.objects.values().forEach(array::add);
        return root;
    }

    /** A STIX identifier: the type, two dashes and a UUIDv5 of {@code name} in Revenant's namespace. */
    static String id(String type, String name) {
        return type + "--" + NameBasedUuid.of("stix:" + name);
    }

    /** The STIX pattern that matches the hash: a file hash, or a magnet link for an infohash. */
    static String pattern(HashIndicator hash) {
        String value = literal(hash.value());
        return switch (hash.kind()) {
            case SHA256 -> "[file:hashes.'SHA-256' = '" + value + "']";
            case SHA1 -> "[file:hashes.'SHA-1' = '" + value + "']";
            case MD5 -> "[file:hashes.MD5 = '" + value + "']";
            case BTIH -> "[url:value LIKE 'magnet:?xt=urn:btih:" + value + "%']";
            default -> throw new IllegalArgumentException("not an exported kind: " + hash.kind());
        };
    }

    /** A string literal's content in a STIX pattern: backslash and quote escaped. */
    static String literal(String text) {
        return text.replace("\\", "\\\\").replace("'", "\\'");
    }

    private void revenant() {
        ObjectNode identity = common("identity", revenantId, Instant.EPOCH);
        identity.put("name", "Revenant");
        identity.put("description", "Watches for retracted datasets reappearing on platforms.");
        identity.put("identity_class", "system");
        identity.remove("created_by_ref");
    }

    private String indicator(RetractedDataset dataset, HashIndicator hash) {
        Instant retracted = RegistryTimes.retracted(dataset, byId);
        String id = id("indicator", "indicator:" + dataset.getId() + ":" + hash.evidenceKey());
        ObjectNode o = common("indicator", id, retracted);
        o.put(
                "name",
                (hash.kind() == SignatureKind.BTIH ? "Infohash" : hash.kind().name()) + " of retracted dataset "
                        + dataset.getName());
        StringBuilder description = new StringBuilder()
                .append(hash.kind() == SignatureKind.BTIH ? "BitTorrent infohash" : "File hash")
                .append(" of a copy of ")
                .append(dataset.getName())
                .append(", retracted");
        if (dataset.getRetractedBy() != null) {
            description.append(" by ").append(dataset.getRetractedBy());
        }
        if (dataset.getRetractedOn() != null) {
            description.append(" on ").append(dataset.getRetractedOn());
        }
        description.append('.');
        if (!hash.verified()) {
            description.append(" Unverified: the registry has this from an unconfirmed source.");
        }
        if (hash.note() != null) {
            description.append(' ').append(hash.note());
        }
        o.put("description", description.toString());
        o.put("pattern", pattern(hash));
        o.put("pattern_type", "stix");
        o.put("valid_from", time(retracted));
        labels(o, dataset);
        if (!hash.verified()) {
            ((ArrayNode) o.get("labels")).add("unverified");
        }
        references(o, dataset);
        return id;
    }

    private String grouping(RetractedDataset dataset, List<String> refs) {
        String id = id("grouping", "grouping:" + dataset.getId());
        ObjectNode o = common("grouping", id, RegistryTimes.retracted(dataset, byId));
        o.put("name", dataset.getName());
        StringBuilder description = new StringBuilder("Retracted dataset ")
                .append(dataset.getName())
                .append(" (registry id ");
        description.append(dataset.getId()).append(")");
        if (dataset.getParent() != null) {
            description.append(", derived from ").append(dataset.getParent());
        }
        description
                .append(". Reasons: ")
                .append(String.join(", ", dataset.getReasons()))
                .append('.');
        o.put("description", description.toString());
        o.put("context", "unspecified");
        ArrayNode objectRefs = o.putArray("object_refs");
        refs.forEach(objectRefs::add);
        labels(o, dataset);
        references(o, dataset);
        return id;
    }

    private void sighting(JsonNode alert, String sightingOf) {
        String alertKey = alert.path("alertKey").asText();
        Instant first = instant(alert.path("firstSeen").asText());
        Instant last = instant(alert.path("lastSeen").asText());
        if (last.isBefore(first)) {
            last = first;
        }
        String id = id("sighting", "sighting:" + alertKey + ":" + sightingOf);
        ObjectNode o = common("sighting", id, last);
        o.put(
                "description",
                alert.path("datasetName").asText() + " on "
                        + alert.path("mirrorKey").asText() + " ("
                        + alert.path("severity").asText() + ", "
                        + alert.path("state").asText() + ")");
        o.put("first_seen", time(first));
        o.put("last_seen", time(last));
        o.put(
                "count",
                Math.max(
                        1, Math.min(999_999_999, 1 + alert.path("reappearances").asInt())));
        o.put("sighting_of_ref", sightingOf);
        o.putArray("where_sighted_refs").add(platform(alert.path("platform").asText()));
        ArrayNode refs = o.putArray("external_references");
        ObjectNode mirror = refs.addObject().put("source_name", "revenant-mirror");
        mirror.put("external_id", alert.path("mirrorKey").asText());
        WebUrl.of(alert.path("mirrorUrl").asText(null)).ifPresent(url -> mirror.put("url", url));
        refs.addObject().put("source_name", "revenant-alert").put("external_id", alertKey);
    }

    /** The platform a mirror is on, as an organization identity (one per platform name). */
    private String platform(String name) {
        String id = id("identity", "platform:" + name);
        if (!objects.containsKey(id)) {
            ObjectNode o = common("identity", id, Instant.EPOCH);
            o.put("name", name);
            o.put("description", "A platform where Revenant watches for mirrors (" + name + ").");
            o.put("identity_class", "organization");
        }
        return id;
    }

    private ObjectNode common(String type, String id, Instant created) {
        ObjectNode o = JSON.createObjectNode();
        o.put("type", type);
        o.put("spec_version", SPEC_VERSION);
        o.put("id", id);
        o.put("created_by_ref", revenantId);
        o.put("created", time(created));
        o.put("modified", time(created));
        objects.put(id, o);
        return o;
    }

    private static void labels(ObjectNode o, RetractedDataset dataset) {
        ArrayNode labels = o.putArray("labels");
        labels.add("retracted-dataset");
        labels.add("dataset:" + dataset.getId());
    }

    private static void references(ObjectNode o, RetractedDataset dataset) {
        ArrayNode refs = o.putArray("external_references");
        refs.addObject().put("source_name", "revenant-registry").put("external_id", dataset.getId());
        for (Source s : dataset.getSources()) {
            refs.addObject()
                    .put("source_name", s.getTitle().isBlank() ? "source" : s.getTitle())
                    .put("url", s.getUrl());
        }
    }

    /** RFC 3339 in UTC with millisecond precision, as STIX timestamps are written. */
    static String time(Instant instant) {
        Instant t = instant.truncatedTo(ChronoUnit.MILLIS);
        String text = t.toString();
        // Instant.toString leaves out zero fractions; STIX readers expect the same shape everywhere.
        return t.getNano() == 0 ? text.replace("Z", ".000Z") : text;
    }

    private static Instant instant(String text) {
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            return Instant.EPOCH;
        }
    }
}
