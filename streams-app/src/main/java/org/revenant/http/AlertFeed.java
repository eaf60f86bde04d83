package org.revenant.http;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.StringWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;
import org.revenant.wire.NameBasedUuid;

/**
 * Alert events as an Atom 1.0 feed (RFC 4287), one entry per event, written with the JDK's
 * {@link XMLStreamWriter} so that every crawled string is escaped by the writer. Characters that
 * XML 1.0 cannot carry at all (most C0 controls, lone surrogates, U+FFFE/U+FFFF) become U+FFFD
 * before they reach it. Entry ids are {@code urn:uuid:} UUIDv5 of the event id, so a reader sees
 * the same id on every fetch from any instance (docs/decisions/020-feeds-and-exports.md).
 */
final class AlertFeed {

    static final String ATOM = "http://www.w3.org/2005/Atom";
    static final String CONTENT_TYPE = "application/atom+xml; charset=utf-8";

    /**
     * What the feed is: {@code base} the scheme and authority the client used, {@code selfPath}
     * the feed's path and canonical query, {@code dashboardQuery} the same filters for the
     * dashboard's list, {@code filters} a human-readable list of them (empty for all alerts).
     */
    record Meta(String base, String selfPath, String dashboardQuery, String filters) {
        Meta {
            Objects.requireNonNull(base, "base");
            Objects.requireNonNull(selfPath, "selfPath");
            Objects.requireNonNull(dashboardQuery, "dashboardQuery");
            Objects.requireNonNull(filters, "filters");
        }
    }

    private static final XMLOutputFactory OUTPUT = XMLOutputFactory.newFactory();

    private AlertFeed() {}

    /** The entry id of an alert event: stable for the event id, whatever instance renders it. */
    static String entryId(String eventId) {
        return "urn:uuid:" + NameBasedUuid.of("alert-event:" + eventId);
    }

    /** The feed id: stable for one set of filters. */
    static String feedId(String canonicalQuery) {
        return "urn:uuid:" + NameBasedUuid.of("alert-feed:" + canonicalQuery);
    }

    /** Renders {@code events} (alert JSON, newest first) as an Atom document. */
    static String render(Meta meta, String canonicalQuery, List<JsonNode> events) {
        StringWriter out = new StringWriter();
        try {
            XMLStreamWriter xml = OUTPUT.createXMLStreamWriter(out);
            xml.writeStartDocument("UTF-8", "1.0");
            xml.writeStartElement("feed");
            xml.writeDefaultNamespace(ATOM);
            text(xml, "id", feedId(canonicalQuery));
            text(xml, "title", meta.filters().isEmpty() ? "Revenant alerts" : "Revenant alerts: " + meta.filters());
            // The newest event's time (the epoch for an empty feed), so an unchanged feed is byte-identical.
            text(xml, "updated", events.isEmpty() ? Instant.EPOCH.toString() : observedAt(events.get(0)));
            xml.writeStartElement("author");
            text(xml, "name", "Revenant");
            xml.writeEndElement();
            xml.writeStartElement("generator");
            xml.writeCharacters("Revenant");
            xml.writeEndElement();
            link(xml, "self", "application/atom+xml", meta.base() + meta.selfPath());
            link(xml, "alternate", "text/html", meta.base() + "/" + meta.dashboardQuery());
            for (JsonNode event : events) {
                entry(xml, meta, event);
            }
            xml.writeEndElement();
            xml.writeEndDocument();
            xml.close();
        } catch (XMLStreamException e) {
            throw new IllegalStateException("cannot write the Atom feed", e);
        }
        return out.toString();
    }

    private static void entry(XMLStreamWriter xml, Meta meta, JsonNode e) throws XMLStreamException {
        String alertKey = e.path("alertKey").asText();
        xml.writeStartElement("entry");
        text(xml, "id", entryId(e.path("eventId").asText()));
        text(
                xml,
                "title",
                e.path("event").asText() + ": " + e.path("datasetName").asText() + " on "
                        + e.path("mirrorKey").asText() + " ("
                        + e.path("severity").asText() + ")");
        text(xml, "updated", observedAt(e));
        link(
                xml,
                "alternate",
                "text/html",
                meta.base() + "/alert.html?key=" + URLEncoder.encode(alertKey, StandardCharsets.UTF_8));
        String mirrorUrl = e.path("mirrorUrl").asText("");
        String scheme = mirrorUrl.toLowerCase(Locale.ROOT);
        if (scheme.startsWith("https://") || scheme.startsWith("http://")) {
            link(xml, "related", "text/html", mirrorUrl);
        }
        for (String term : List.of(
                e.path("event").asText(),
                e.path("severity").asText(),
                "dataset:" + e.path("datasetId").asText(),
                "platform:" + e.path("platform").asText())) {
            xml.writeEmptyElement("category");
            xml.writeAttribute("term", clean(term));
        }
        xml.writeStartElement("content");
        xml.writeAttribute("type", "text");
        xml.writeCharacters(clean(summary(e)));
        xml.writeEndElement();
        xml.writeEndElement();
    }

    /** The entry's text: what happened, where, how sure, and each piece of evidence on its own line. */
    private static String summary(JsonNode e) {
        StringBuilder text = new StringBuilder();
        text.append(e.path("event").asText())
                .append(": ")
                .append(e.path("datasetName").asText())
                .append(" (")
                .append(e.path("datasetId").asText())
                .append(") on ")
                .append(e.path("mirrorKey").asText())
                .append('\n');
        text.append("Severity ")
                .append(e.path("severity").asText())
                .append(", confidence ")
                .append(String.format(Locale.ROOT, "%.2f", e.path("confidence").asDouble()))
                .append(", reappearances ")
                .append(e.path("reappearances").asInt())
                .append('\n');
        if (!e.path("mirrorUrl").asText("").isEmpty()) {
            text.append("Mirror: ").append(e.path("mirrorUrl").asText()).append('\n');
        }
        if (e.hasNonNull("decision")) {
            text.append("Decision: ").append(e.path("decision").asText()).append('\n');
        }
        if (e.hasNonNull("partialListing")) {
            text.append("Partial listing: ")
                    .append(e.path("partialListing").asText())
                    .append('\n');
        }
        text.append("Observed ")
                .append(e.path("observedAt").asText())
                .append(" in snapshot ")
                .append(e.path("snapshotId").asText())
                .append('\n');
        for (JsonNode evidence : e.path("evidence")) {
            text.append("- ")
                    .append(evidence.path("kind").asText())
                    .append(' ')
                    .append(evidence.path("signature").asText());
            if (evidence.hasNonNull("path")) {
                text.append(" in ").append(evidence.path("path").asText());
            }
            text.append(String.format(
                    Locale.ROOT, " (weight %.2f)", evidence.path("weight").asDouble()));
            if (evidence.hasNonNull("detail")) {
                text.append(": ").append(evidence.path("detail").asText());
            }
            text.append('\n');
        }
        return text.toString();
    }

    /** The event's time as RFC 3339 (an {@link Instant}'s form); a value that is not one reads as the epoch. */
    static String observedAt(JsonNode event) {
        try {
            return Instant.parse(event.path("observedAt").asText()).toString();
        } catch (DateTimeParseException e) {
            return Instant.EPOCH.toString();
        }
    }

    private static void text(XMLStreamWriter xml, String name, String value) throws XMLStreamException {
        xml.writeStartElement(name);
        xml.writeCharacters(clean(value));
        xml.writeEndElement();
    }

    private static void link(XMLStreamWriter xml, String rel, String type, String href) throws XMLStreamException {
        xml.writeEmptyElement("link");
        xml.writeAttribute("rel", rel);
        xml.writeAttribute("type", type);
        xml.writeAttribute("href", clean(href));
    }

    /**
     * The text with every character XML 1.0 cannot carry (its {@code Char} production) replaced by
     * U+FFFD; escaping of markup characters is the writer's job.
     */
    static String clean(String text) {
        StringBuilder out = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean ok;
            int width = 1;
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                ok = true;
                width = 2;
            } else {
                ok = c == '\t' || c == '\n' || c == '\r' || (c >= 0x20 && c <= 0xD7FF) || (c >= 0xE000 && c <= 0xFFFD);
            }
            if (!ok && out == null) {
                out = new StringBuilder(text.length()).append(text, 0, i);
            }
            if (out != null) {
                if (ok) {
                    out.append(text, i, i + width);
                } else {
                    out.append('\uFFFD');
                }
            }
            i += width - 1;
        }
        return out == null ? text : out.toString();
    }
}
