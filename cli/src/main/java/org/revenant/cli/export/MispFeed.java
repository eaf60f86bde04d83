package org.revenant.cli.export;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.revenant.avro.RetractedDataset;
import org.revenant.avro.SignatureKind;
import org.revenant.avro.Source;
import org.revenant.wire.NameBasedUuid;

/**
 * The registry as a MISP feed (docs/decisions/020-feeds-and-exports.md): one event per dataset
 * with a hash, written as {@code <event uuid>.json} ({@code {"Event": …}}), the
 * {@code manifest.json} that indexes the events by uuid, and {@code hashes.csv}, one line
 * {@code <md5 of an attribute value>,<event uuid>} per attribute, which MISP uses to find overlaps
 * without fetching the events. File hashes are {@code md5}/{@code sha1}/{@code sha256}
 * attributes, for detection ({@code to_ids}) only when the registry marks them verified; an
 * infohash is its magnet link (a {@code link}); the registry's sources are
 * {@code link}s not meant for detection; with alerts, each mirror where the
 * dataset was seen is a {@code url} attribute not meant for detection ({@code to_ids: false}).
 * Ids are UUIDv5 and timestamps come from the registry, so exports are stable.
 */
final class MispFeed {

    static final ObjectMapper JSON = new ObjectMapper();

    /** The files of the feed, by name, in the order they are written. */
    static Map<String, String> build(List<RetractedDataset> registry, List<JsonNode> alerts) throws Exception {
        Map<String, String> files = new LinkedHashMap<>();
        ObjectNode manifest = JSON.createObjectNode();
        StringBuilder hashes = new StringBuilder();
        UUID org = NameBasedUuid.of("misp:org:revenant");
        Map<String, RetractedDataset> byId = RegistryTimes.byId(registry);
        for (RetractedDataset dataset : registry) {
            List<HashIndicator> indicators = HashIndicator.of(dataset);
            if (indicators.isEmpty()) {
                continue;
            }
            String uuid = NameBasedUuid.of("misp:event:" + dataset.getId()).toString();
            Instant retracted = RegistryTimes.retracted(dataset, byId);
            String timestamp = Long.toString(retracted.getEpochSecond());
            String date = retracted.toString().substring(0, 10);
            String info = "Retracted dataset: " + dataset.getName() + " (" + dataset.getId() + ")";

            ObjectNode event = JSON.createObjectNode();
            ObjectNode e = event.putObject("Event");
            e.put("uuid", uuid);
            e.put("info", info);
            e.put("date", date);
            e.put("timestamp", timestamp);
            e.put("publish_timestamp", timestamp);
            e.put("published", true);
            e.put("analysis", "2");
            e.put("threat_level_id", "3");
            e.put("distribution", "3");
            orgc(e, org);
            tags(e, dataset);
            ArrayNode attributes = e.putArray("Attribute");
            for (HashIndicator hash : indicators) {
                attribute(
                        attributes,
                        dataset,
                        type(hash.kind()),
                        hash.kind() == SignatureKind.BTIH ? "External analysis" : "Artifacts dropped",
                        value(hash),
                        hash.verified(),
                        hash.verified() ? hash.note() : "unverified: " + (hash.note() == null ? "" : hash.note()),
                        timestamp);
            }
            for (Source source : dataset.getSources()) {
                attribute(
                        attributes,
                        dataset,
                        "link",
                        "External analysis",
                        source.getUrl(),
                        false,
                        "source: " + source.getTitle(),
                        timestamp);
            }
            List<String> mirrors = new ArrayList<>();
            for (JsonNode alert : alerts) {
                String url = WebUrl.of(alert.path("mirrorUrl").asText(null)).orElse(null);
                if (alert.path("datasetId").asText().equals(dataset.getId()) && url != null && !mirrors.contains(url)) {
                    mirrors.add(url);
                    attribute(
                            attributes,
                            dataset,
                            "url",
                            "External analysis",
                            url,
                            false,
                            "mirror " + alert.path("mirrorKey").asText() + ", first seen "
                                    + alert.path("firstSeen").asText(),
                            timestamp);
                }
            }
            files.put(uuid + ".json", JSON.writerWithDefaultPrettyPrinter().writeValueAsString(event));

            ObjectNode entry = manifest.putObject(uuid);
            orgc(entry, org);
            tags(entry, dataset);
            entry.put("info", info);
            entry.put("date", date);
            entry.put("analysis", 2);
            entry.put("threat_level_id", 3);
            entry.put("timestamp", timestamp);
            for (JsonNode attribute : attributes) {
                hashes.append(md5(attribute.path("value").asText()))
                        .append(',')
                        .append(uuid)
                        .append('\n');
            }
        }
        files.put("manifest.json", JSON.writerWithDefaultPrettyPrinter().writeValueAsString(manifest));
        files.put("hashes.csv", hashes.toString());
        return files;
    }

    private static String type(SignatureKind kind) {
        return switch (kind) {
            case SHA256 -> "sha256";
            case SHA1 -> "sha1";
            case MD5 -> "md5";
            case BTIH -> "link";
            default -> throw new IllegalArgumentException("not an exported kind: " + kind);
        };
    }

    private static String value(HashIndicator hash) {
        return hash.kind() == SignatureKind.BTIH ? "magnet:?xt=urn:btih:" + hash.value() : hash.value();
    }

    private static void attribute(
            ArrayNode attributes,
            RetractedDataset dataset,
            String type,
            String category,
            String value,
            boolean toIds,
            String comment,
            String timestamp) {
        ObjectNode a = attributes.addObject();
        a.put(
                "uuid",
                NameBasedUuid.of("misp:attribute:" + dataset.getId() + ":" + type + ":" + value)
                        .toString());
        a.put("type", type);
        a.put("category", category);
        a.put("value", value);
        a.put("to_ids", toIds);
        a.put("distribution", "5");
        a.put("timestamp", timestamp);
        a.put("comment", comment == null ? "" : comment);
    }

    private static void orgc(ObjectNode node, UUID org) {
        node.putObject("Orgc").put("name", "Revenant").put("uuid", org.toString());
    }

    private static void tags(ObjectNode node, RetractedDataset dataset) {
        ArrayNode tags = node.putArray("Tag");
        tags.addObject().put("name", "revenant:retracted-dataset=\"" + dataset.getId() + "\"");
        for (String reason : dataset.getReasons()) {
            tags.addObject().put("name", "revenant:retraction-reason=\"" + reason + "\"");
        }
    }

    static String md5(String text) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("MD5").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has MD5", e);
        }
    }
}
