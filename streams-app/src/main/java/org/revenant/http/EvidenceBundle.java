package org.revenant.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.revenant.avro.AlertEvent;
import org.revenant.avro.AlertState;
import org.revenant.avro.Evidence;
import org.revenant.avro.ManifestEntry;
import org.revenant.avro.MirrorRecord;
import org.revenant.avro.RetractedDataset;
import org.revenant.wire.AlertJson;

/**
 * Everything a platform needs to act on one alert, in one document (docs/decisions/018): the
 * dataset and its retraction with sources, the mirror, each matched file with its size and
 * hashes, every signature that matched with its weight and why, first and last sightings, the
 * alert's timeline with decisions, and the platform's takedown route. Built as JSON; rendered as
 * Markdown or HTML from that JSON, with every string shown as text (crawled strings are hostile).
 */
public final class EvidenceBundle {

    /** At most this many matched files are listed (the alert's evidence is bounded too). */
    static final int MAX_FILES = 200;

    private EvidenceBundle() {}

    static ObjectNode build(
            AlertState alert,
            List<AlertEvent> timeline,
            RetractedDataset dataset,
            Optional<MirrorRecord> mirror,
            Function<String, Optional<ManifestEntry>> file,
            Optional<JsonNode> route,
            Instant now) {
        ObjectNode bundle = ApiJson.MAPPER.createObjectNode();
        bundle.put("generatedAt", now.toString());
        bundle.set("alert", ApiJson.alert(alert));
        if (dataset != null) {
            bundle.set("dataset", ApiJson.dataset(dataset));
        } else {
            bundle.putNull("dataset");
        }
        bundle.set(
                "mirror",
                mirror.map(ApiJson::mirror)
                        .orElseGet(() -> ApiJson.MAPPER
                                .createObjectNode()
                                .put("mirrorKey", alert.getMirrorKey())
                                .put("platform", alert.getPlatform())
                                .put("url", alert.getMirrorUrl())));
        ArrayNode files = bundle.putArray("matchedFiles");
        Set<String> paths = new LinkedHashSet<>();
        for (Evidence e : alert.getEvidence()) {
            if (e.getPath() != null && paths.size() < MAX_FILES) {
                paths.add(e.getPath());
            }
        }
        for (String path : paths) {
            file.apply(path)
                    .ifPresentOrElse(
                            entry -> files.add(ApiJson.entry(entry)),
                            () -> files.addObject()
                                    .put("path", path)
                                    .put("note", "no longer in the mirror's last manifest"));
        }
        ArrayNode events = bundle.putArray("timeline");
        timeline.forEach(e -> events.add(AlertJson.toNode(e)));
        if (route.isPresent()) {
            bundle.set("reportingRoute", route.get());
        } else {
            bundle.putNull("reportingRoute");
        }
        return bundle;
    }

    /** The bundle as Markdown: crawled text is escaped, so it cannot add links, images, headings or HTML. */
    public static String markdown(JsonNode b) {
        return render(b, EvidenceBundle::md);
    }

    /** The bundle as a self-contained HTML page: the text form, escaped, in {@code <pre>}; no script, no style. */
    public static String html(JsonNode b) {
        return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Evidence: "
                + html(text(b.path("alert"), "alertKey")) + "</title></head>\n<body><pre>\n"
                + html(render(b, EvidenceBundle::oneLine)) + "</pre></body></html>\n";
    }

    private static String render(JsonNode b, UnaryOperator<String> esc) {
        StringBuilder out = new StringBuilder();
        JsonNode alert = b.path("alert");
        JsonNode dataset = b.path("dataset");
        JsonNode mirror = b.path("mirror");
        out.append("# Evidence: ")
                .append(esc.apply(text(alert, "datasetName")))
                .append(" on ")
                .append(esc.apply(text(alert, "mirrorKey")))
                .append("\n\n");
        out.append("Generated ").append(esc.apply(text(b, "generatedAt"))).append(" by Revenant.\n\n");
        out.append("## Alert\n\n");
        item(out, esc, "Alert key", text(alert, "alertKey"));
        item(out, esc, "State", text(alert, "state"));
        item(out, esc, "Severity", text(alert, "severity") + " (confidence " + text(alert, "confidence") + ")");
        item(out, esc, "First seen", text(alert, "firstSeen"));
        item(out, esc, "Last seen", text(alert, "lastSeen") + " (snapshot " + text(alert, "lastSnapshotId") + ")");
        item(out, esc, "Reappearances", text(alert, "reappearances"));
        item(out, esc, "After the retraction", text(alert, "postRetraction"));
        if (!alert.path("partialListing").isNull() && alert.has("partialListing")) {
            item(out, esc, "Partial listing", text(alert, "partialListing"));
        }
        if (alert.has("takedownRequestedAt")) {
            item(
                    out,
                    esc,
                    "Takedown requested",
                    text(alert, "takedownRequestedAt") + " (reference " + text(alert, "takedownReference") + ")");
            item(
                    out,
                    esc,
                    "Removed",
                    alert.path("takedownRemovedAt").isNull()
                            ? "not yet"
                            : text(alert, "takedownRemovedAt") + " (" + text(alert, "timeToRemoval")
                                    + " after the request)");
        }
        if (alert.path("returnedAfterRemoval").asBoolean(false)) {
            item(out, esc, "Came back", "this copy returned after it was removed on request");
        }
        if (alert.has("movedFrom")) {
            item(out, esc, "Renamed", "the mirror was renamed; this alert continues " + text(alert, "movedFrom"));
        }
        if (alert.has("movedTo")) {
            item(out, esc, "Renamed", "the mirror was renamed; this alert continues as " + text(alert, "movedTo"));
        }
        if (!alert.path("decision").isNull() && alert.has("decision")) {
            item(
                    out,
                    esc,
                    "Decision",
                    text(alert, "decision")
                            + (alert.path("decisionNote").isNull() ? "" : ": " + text(alert, "decisionNote")));
        }
        out.append("\n## Dataset\n\n");
        if (dataset.isObject()) {
            item(out, esc, "Name", text(dataset, "name") + " (" + text(dataset, "id") + ")");
            item(out, esc, "Status", text(dataset, "status"));
            item(out, esc, "Retracted", text(dataset, "retractedOn") + " by " + text(dataset, "retractedBy"));
            for (JsonNode reason : dataset.path("reasons")) {
                item(out, esc, "Reason", reason.asText());
            }
            for (JsonNode s : dataset.path("sources")) {
                item(out, esc, "Source", text(s, "title") + " <" + text(s, "url") + ">");
            }
        } else {
            out.append("The dataset is no longer in the registry.\n");
        }
        out.append("\n## Mirror\n\n");
        item(out, esc, "Key", text(mirror, "mirrorKey"));
        item(out, esc, "Platform", text(mirror, "platform"));
        item(out, esc, "URL", text(mirror, "url"));
        item(out, esc, "Owner", text(mirror, "owner"));
        item(out, esc, "Title", text(mirror, "title"));
        item(out, esc, "Status", text(mirror, "status"));
        out.append("\n## Matched files\n\n");
        out.append("| Path | Size (bytes) | Hashes |\n|---|---|---|\n");
        for (JsonNode f : b.path("matchedFiles")) {
            out.append("| ")
                    .append(esc.apply(text(f, "path")))
                    .append(" | ")
                    .append(esc.apply(text(f, "size")))
                    .append(" | ")
                    .append(esc.apply(hashes(f)))
                    .append(" |\n");
        }
        out.append("\n## Signatures that matched\n\n");
        out.append("| Kind | Signature | Weight | Where | Why |\n|---|---|---|---|---|\n");
        for (JsonNode e : alert.path("evidence")) {
            out.append("| ")
                    .append(esc.apply(text(e, "kind")))
                    .append(" | ")
                    .append(esc.apply(text(e, "signature")))
                    .append(" | ")
                    .append(esc.apply(text(e, "weight")))
                    .append(" | ")
                    .append(esc.apply(text(e, "path")))
                    .append(" | ")
                    .append(esc.apply(text(e, "detail")))
                    .append(" |\n");
        }
        out.append("\n## Timeline\n\n");
        for (JsonNode e : b.path("timeline")) {
            out.append("- ")
                    .append(esc.apply(text(e, "observedAt")))
                    .append(" ")
                    .append(esc.apply(text(e, "event")))
                    .append(" (snapshot ")
                    .append(esc.apply(text(e, "snapshotId")))
                    .append(")")
                    .append(e.has("decision") ? ", decision " + esc.apply(text(e, "decision")) : "")
                    .append('\n');
        }
        out.append("\n## How to report it\n\n");
        JsonNode route = b.path("reportingRoute");
        if (route.isObject()) {
            out.append(esc.apply(text(route, "name")))
                    .append(": ")
                    .append(esc.apply(text(route, "route")))
                    .append("\n\n");
            for (JsonNode s : route.path("sources")) {
                item(out, esc, "Source", text(s, "title") + " <" + text(s, "url") + ">");
            }
            item(out, esc, "Checked", text(route, "checked"));
        } else {
            out.append("No takedown route is known for this platform.\n");
        }
        return out.toString();
    }

    private static void item(StringBuilder out, UnaryOperator<String> esc, String label, String value) {
        out.append("- ").append(label).append(": ").append(esc.apply(value)).append('\n');
    }

    private static String hashes(JsonNode f) {
        StringBuilder h = new StringBuilder();
        for (String field : List.of("sha256", "sha1", "md5", "gitBlobSha1", "lfsSha256", "ref")) {
            if (f.hasNonNull(field)) {
                h.append(h.length() == 0 ? "" : ", ")
                        .append(field)
                        .append(' ')
                        .append(f.get(field).asText());
            }
        }
        return h.length() == 0 ? (f.hasNonNull("note") ? f.get("note").asText() : "—") : h.toString();
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.path(field);
        return v.isMissingNode() || v.isNull() ? "—" : v.asText();
    }

    static String md(String text) {
        return TextEscapes.markdown(text);
    }

    static String oneLine(String text) {
        return TextEscapes.oneLine(text);
    }

    static String html(String text) {
        return TextEscapes.html(text);
    }
}
