package org.revenant.http.webhook;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.revenant.avro.AlertEvent;
import org.revenant.avro.AlertEventType;
import org.revenant.avro.Evidence;
import org.revenant.avro.SourceHealthEvent;
import org.revenant.avro.SourceHealthEventType;
import org.revenant.wire.AlertCloudEvent;
import org.revenant.wire.AlertJson;
import org.revenant.wire.SourceHealthJson;
import org.revenant.wire.Topics;

/** The body of a delivery in the subscription's format. */
final class WebhookPayload {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final int MAX_EVIDENCE_LINES = 5;

    private WebhookPayload() {}

    static byte[] body(WebhookSubscription.Format format, AlertEvent event) {
        return body(format, event, AlertCloudEvent.source(Topics.defaults()));
    }

    /** {@code source}: the CloudEvents source of this instance (used by {@code cloudevents} only). */
    static byte[] body(WebhookSubscription.Format format, AlertEvent event, URI source) {
        return switch (format) {
            case JSON -> AlertJson.toJson(event).getBytes(StandardCharsets.UTF_8);
            case SLACK -> slack(event).getBytes(StandardCharsets.UTF_8);
            case CLOUDEVENTS -> AlertCloudEvent.structured(event, source);
        };
    }

    /** A source's health event (decision 026) in the subscription's format. */
    static byte[] body(WebhookSubscription.Format format, SourceHealthEvent event, URI source) {
        return switch (format) {
            case JSON -> SourceHealthJson.toJson(event).getBytes(StandardCharsets.UTF_8);
            case SLACK -> slack(event).getBytes(StandardCharsets.UTF_8);
            case CLOUDEVENTS -> AlertCloudEvent.structured(event, source);
        };
    }

    /** A crawler that went blind, or sees again; the last error is crawled text and escaped. */
    static String slack(SourceHealthEvent e) {
        StringBuilder text = new StringBuilder();
        if (e.getEvent() == SourceHealthEventType.SOURCE_DEGRADED) {
            text.append(":no_entry: *SOURCE_DEGRADED* the crawler cannot see `")
                    .append(escape(e.getSource()))
                    .append("`: ")
                    .append(e.getConsecutiveFailures())
                    .append(" failed crawls in a row since ")
                    .append(e.getFailingSince())
                    .append(e.getRateLimited() ? " (rate-limited)" : "");
            if (e.getLastError() != null) {
                text.append("\nlast error: ").append(escape(e.getLastError()));
            }
        } else {
            text.append(":white_check_mark: *SOURCE_RECOVERED* the crawler sees `")
                    .append(escape(e.getSource()))
                    .append("` again (blind since ")
                    .append(e.getFailingSince())
                    .append(')');
        }
        ObjectNode node = MAPPER.createObjectNode();
        node.put("text", text.toString());
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException ex) {
            throw new IllegalStateException(ex);
        }
    }

    static String contentType(WebhookSubscription.Format format) {
        return (format == WebhookSubscription.Format.CLOUDEVENTS
                        ? AlertCloudEvent.STRUCTURED_CONTENT_TYPE
                        : "application/json")
                + "; charset=utf-8";
    }

    /**
     * A Slack/Mattermost incoming-webhook message: {@code text} in their markup. Crawled strings are
     * escaped ({@code & < >}) so a mirror cannot inject links or mentions.
     */
    static String slack(AlertEvent e) {
        StringBuilder text = new StringBuilder();
        text.append(e.getEvent() == AlertEventType.REAPPEARED ? ":rotating_light: " : ":warning: ")
                .append('*')
                .append(e.getEvent().name())
                .append("* ")
                .append(escape(e.getDatasetName()))
                .append(" on `")
                .append(escape(e.getMirrorKey()))
                .append("` — ")
                .append(e.getSeverity().name())
                .append(String.format(Locale.ROOT, " (confidence %.2f)", e.getConfidence()));
        if (e.getReappearances() > 0) {
            text.append(", reappeared ")
                    .append(e.getReappearances())
                    .append(e.getReappearances() == 1 ? " time" : " times");
        }
        if (e.getDecision() != null) {
            text.append(", analyst decision ").append(e.getDecision().name());
        }
        if (e.getMovedFrom() != null) {
            text.append(", renamed: continues `")
                    .append(escape(e.getMovedFrom()))
                    .append('`');
        }
        String link = link(e.getMirrorUrl());
        if (link != null) {
            text.append("\n<").append(link).append("|open the mirror>");
        }
        int shown = 0;
        for (Evidence evidence : e.getEvidence()) {
            if (shown++ == MAX_EVIDENCE_LINES) {
                text.append("\n• … and ")
                        .append(e.getEvidence().size() - MAX_EVIDENCE_LINES)
                        .append(" more");
                break;
            }
            text.append("\n• ").append(evidence.getKind().name()).append(' ').append(escape(evidence.getSignature()));
            if (evidence.getPath() != null) {
                text.append(" at `").append(escape(evidence.getPath())).append('`');
            }
        }
        text.append("\nalert `").append(escape(e.getAlertKey())).append('`');
        ObjectNode node = MAPPER.createObjectNode();
        node.put("text", text.toString());
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException ex) {
            throw new IllegalStateException(ex);
        }
    }

    static String escape(String text) {
        return text == null
                ? ""
                : text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    /** Only a well-formed http(s) URL becomes a link; Slack's link syntax characters are not allowed in it. */
    private static String link(String url) {
        if (url == null || url.contains("|") || url.contains(">") || url.contains("<") || url.contains(" ")) {
            return null;
        }
        try {
            URI uri = URI.create(url);
            return "https".equalsIgnoreCase(uri.getScheme()) || "http".equalsIgnoreCase(uri.getScheme()) ? url : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
