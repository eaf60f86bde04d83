package org.revenant.http.email;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import org.revenant.avro.AlertEvent;
import org.revenant.avro.Evidence;
import org.revenant.avro.SourceHealthEvent;
import org.revenant.avro.SourceHealthEventType;

/**
 * The subject, plain text and HTML of an alert e-mail or a digest. Every crawled string (dataset
 * and mirror names, paths, signatures, notes) is written by whoever controls the mirror: it is
 * bounded in length, stripped of control characters (so it cannot start a line, let alone a
 * header), and HTML-escaped in the HTML part. Links are made only from well-formed http(s) URLs.
 */
final class EmailMessage {

    static final int MAX_SUBJECT = 160;
    static final int MAX_FIELD = 300;
    static final int MAX_EVIDENCE = 20;
    static final int MAX_DIGEST_EVENTS = 100;

    /** What a message says: subject and its two alternative bodies. */
    record Content(String subject, String text, String html) {}

    private EmailMessage() {}

    static Content alert(AlertEvent e, URI dashboard) {
        String subject = oneLine(
                "[Revenant] " + e.getEvent().name() + " " + e.getDatasetName() + " on " + e.getMirrorKey() + " ("
                        + e.getSeverity().name() + ")",
                MAX_SUBJECT);
        StringBuilder text = new StringBuilder();
        text(text, e, dashboard);
        StringBuilder html = new StringBuilder(htmlStart(subject));
        html(html, e, dashboard, "h2");
        html.append("</body></html>\n");
        return new Content(subject, text.toString(), html.toString());
    }

    /** One message for the events of a digest period; {@code dropped} more were not listed (the bound). */
    static Content digest(String subscription, List<AlertEvent> events, int dropped, URI dashboard) {
        int total = events.size() + dropped;
        String subject = oneLine(
                "[Revenant] digest: " + total + " alert event" + (total == 1 ? "" : "s") + " (" + subscription + ")",
                MAX_SUBJECT);
        StringBuilder text = new StringBuilder();
        text.append(total).append(total == 1 ? " alert event" : " alert events").append(" in this period.\n");
        StringBuilder html = new StringBuilder(htmlStart(subject));
        html.append("<p>").append(total).append(total == 1 ? " alert event" : " alert events");
        html.append(" in this period.</p>\n");
        int n = 0;
        for (AlertEvent e : events) {
            text.append("\n--- ").append(++n).append(" ---\n");
            text(text, e, dashboard);
            html.append("<hr>\n");
            html(html, e, dashboard, "h3");
        }
        if (dropped > 0) {
            String more = dropped + " more event" + (dropped == 1 ? " was" : "s were")
                    + " not listed (a digest lists at most " + MAX_DIGEST_EVENTS
                    + "); see the dashboard or revenant.alerts.";
            text.append("\n").append(more).append('\n');
            html.append("<hr>\n<p><strong>").append(more).append("</strong></p>\n");
        }
        html.append("</body></html>\n");
        return new Content(subject, text.toString(), html.toString());
    }

    /** A crawler that went blind on a source, or sees it again (decision 026). */
    static Content sourceHealth(SourceHealthEvent e) {
        boolean degraded = e.getEvent() == SourceHealthEventType.SOURCE_DEGRADED;
        String subject = oneLine(
                "[Revenant] " + e.getEvent().name() + ": the crawler " + (degraded ? "cannot see " : "sees again ")
                        + e.getSource(),
                MAX_SUBJECT);
        StringBuilder text = new StringBuilder();
        text.append(
                degraded
                        ? "The crawler has failed on this source several times in a row: until it recovers, copies"
                                + " there are not seen.\n\n"
                        : "The crawler works on this source again.\n\n");
        field(text, "Source", e.getSource());
        field(text, "Event", e.getEvent().name());
        field(
                text,
                "Failing since",
                e.getFailingSince() == null ? null : e.getFailingSince().toString());
        field(text, "Failed crawls in a row", Integer.toString(e.getConsecutiveFailures()));
        field(text, "Rate-limited", e.getRateLimited() ? "yes" : null);
        field(text, "Last error", e.getLastError());
        field(
                text,
                "Last success",
                e.getLastSuccessAt() == null ? null : e.getLastSuccessAt().toString());
        field(text, "Told by", e.getReportedBy());
        field(text, "At", e.getAt().toString());
        StringBuilder html = new StringBuilder(htmlStart(subject));
        html.append("<h2>").append(escape(subject)).append("</h2>\n<table>\n");
        row(html, "Source", escape(oneLine(e.getSource(), MAX_FIELD)));
        row(html, "Failing since", escape(String.valueOf(e.getFailingSince())));
        row(html, "Failed crawls in a row", Integer.toString(e.getConsecutiveFailures()));
        if (e.getLastError() != null) {
            row(html, "Last error", escape(oneLine(e.getLastError(), MAX_FIELD)));
        }
        row(html, "Told by", escape(oneLine(e.getReportedBy(), MAX_FIELD)));
        html.append("</table>\n</body></html>\n");
        return new Content(subject, text.toString(), html.toString());
    }

    private static void text(StringBuilder out, AlertEvent e, URI dashboard) {
        out.append(e.getEvent().name())
                .append(": ")
                .append(oneLine(e.getDatasetName(), MAX_FIELD))
                .append(" (")
                .append(oneLine(e.getDatasetId(), MAX_FIELD))
                .append(")\n");
        field(
                out,
                "Severity",
                e.getSeverity().name() + String.format(Locale.ROOT, " (confidence %.2f)", e.getConfidence()));
        field(out, "Mirror", e.getMirrorKey());
        field(out, "Platform", e.getPlatform());
        field(out, "Mirror URL", e.getMirrorUrl());
        field(out, "Observed", DateTimeFormatter.ISO_INSTANT.format(e.getObservedAt()));
        field(out, "After retraction", e.getPostRetraction() ? "yes" : "no");
        if (e.getReappearances() > 0) {
            field(out, "Reappearances", Integer.toString(e.getReappearances()));
        }
        if (e.getDecision() != null) {
            field(out, "Analyst decision", e.getDecision().name());
        }
        field(out, "Renamed from", e.getMovedFrom());
        field(out, "Moved to", e.getMovedTo());
        field(out, "Partial listing", e.getPartialListing());
        field(out, "Alert", e.getAlertKey());
        field(out, "Alert page", alertPage(dashboard, e.getAlertKey()));
        if (!e.getEvidence().isEmpty()) {
            out.append("Evidence:\n");
            int shown = 0;
            for (Evidence evidence : e.getEvidence()) {
                if (shown++ == MAX_EVIDENCE) {
                    out.append("  ... and ")
                            .append(e.getEvidence().size() - MAX_EVIDENCE)
                            .append(" more\n");
                    break;
                }
                out.append("  - ")
                        .append(evidence.getKind().name())
                        .append(' ')
                        .append(oneLine(evidence.getSignature(), MAX_FIELD));
                if (evidence.getPath() != null) {
                    out.append(" at ").append(oneLine(evidence.getPath(), MAX_FIELD));
                }
                if (evidence.getDetail() != null) {
                    out.append(" (")
                            .append(oneLine(evidence.getDetail(), MAX_FIELD))
                            .append(')');
                }
                out.append('\n');
            }
        }
    }

    private static void html(StringBuilder out, AlertEvent e, URI dashboard, String heading) {
        out.append('<')
                .append(heading)
                .append('>')
                .append(e.getEvent().name())
                .append(": ")
                .append(escape(oneLine(e.getDatasetName(), MAX_FIELD)))
                .append("</")
                .append(heading)
                .append(">\n<table>\n");
        row(out, "Dataset", escape(oneLine(e.getDatasetId(), MAX_FIELD)));
        row(
                out,
                "Severity",
                e.getSeverity().name() + String.format(Locale.ROOT, " (confidence %.2f)", e.getConfidence()));
        row(out, "Mirror", "<code>" + escape(oneLine(e.getMirrorKey(), MAX_FIELD)) + "</code>");
        row(out, "Platform", escape(oneLine(e.getPlatform(), MAX_FIELD)));
        String mirrorUrl = link(e.getMirrorUrl());
        if (mirrorUrl != null) {
            row(out, "Mirror URL", "<a href=\"" + escape(mirrorUrl) + "\">" + escape(mirrorUrl) + "</a>");
        } else if (e.getMirrorUrl() != null) {
            row(out, "Mirror URL", escape(oneLine(e.getMirrorUrl(), MAX_FIELD)));
        }
        row(out, "Observed", DateTimeFormatter.ISO_INSTANT.format(e.getObservedAt()));
        row(out, "After retraction", e.getPostRetraction() ? "yes" : "no");
        if (e.getReappearances() > 0) {
            row(out, "Reappearances", Integer.toString(e.getReappearances()));
        }
        if (e.getDecision() != null) {
            row(out, "Analyst decision", e.getDecision().name());
        }
        if (e.getMovedFrom() != null) {
            row(out, "Renamed from", "<code>" + escape(oneLine(e.getMovedFrom(), MAX_FIELD)) + "</code>");
        }
        if (e.getMovedTo() != null) {
            row(out, "Moved to", "<code>" + escape(oneLine(e.getMovedTo(), MAX_FIELD)) + "</code>");
        }
        if (e.getPartialListing() != null) {
            row(out, "Partial listing", escape(oneLine(e.getPartialListing(), MAX_FIELD)));
        }
        String page = alertPage(dashboard, e.getAlertKey());
        String key = "<code>" + escape(oneLine(e.getAlertKey(), MAX_FIELD)) + "</code>";
        row(out, "Alert", page == null ? key : "<a href=\"" + escape(page) + "\">" + key + "</a>");
        out.append("</table>\n");
        if (!e.getEvidence().isEmpty()) {
            out.append("<p>Evidence:</p>\n<ul>\n");
            int shown = 0;
            for (Evidence evidence : e.getEvidence()) {
                if (shown++ == MAX_EVIDENCE) {
                    out.append("<li>… and ")
                            .append(e.getEvidence().size() - MAX_EVIDENCE)
                            .append(" more</li>\n");
                    break;
                }
                out.append("<li>")
                        .append(evidence.getKind().name())
                        .append(" <code>")
                        .append(escape(oneLine(evidence.getSignature(), MAX_FIELD)))
                        .append("</code>");
                if (evidence.getPath() != null) {
                    out.append(" at <code>")
                            .append(escape(oneLine(evidence.getPath(), MAX_FIELD)))
                            .append("</code>");
                }
                if (evidence.getDetail() != null) {
                    out.append(" (")
                            .append(escape(oneLine(evidence.getDetail(), MAX_FIELD)))
                            .append(')');
                }
                out.append("</li>\n");
            }
            out.append("</ul>\n");
        }
    }

    private static String htmlStart(String subject) {
        return "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>" + escape(subject)
                + "</title></head><body>\n";
    }

    private static void field(StringBuilder out, String label, String value) {
        if (value != null) {
            out.append(label).append(": ").append(oneLine(value, MAX_FIELD)).append('\n');
        }
    }

    /** {@code value} is HTML already. */
    private static void row(StringBuilder out, String label, String value) {
        out.append("<tr><th align=\"left\">")
                .append(label)
                .append("</th><td>")
                .append(value)
                .append("</td></tr>\n");
    }

    /** The dashboard's page of the alert, or null without a dashboard address. */
    static String alertPage(URI dashboard, String alertKey) {
        if (dashboard == null || alertKey == null) {
            return null;
        }
        return dashboard.toASCIIString() + "alert.html?key=" + URLEncoder.encode(alertKey, StandardCharsets.UTF_8);
    }

    /**
     * One line of at most {@code max} characters: control, format and line/paragraph-separator
     * characters become spaces, runs of spaces one space.
     */
    static String oneLine(String value, int max) {
        if (value == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(Math.min(value.length(), max + 1));
        boolean space = false;
        for (int i = 0; i < value.length() && out.length() < max; ) {
            int c = value.codePointAt(i);
            i += Character.charCount(c);
            int type = Character.getType(c);
            boolean blank = Character.isWhitespace(c)
                    || Character.isISOControl(c)
                    || type == Character.FORMAT
                    || type == Character.LINE_SEPARATOR
                    || type == Character.PARAGRAPH_SEPARATOR
                    || type == Character.SURROGATE
                    || type == Character.UNASSIGNED;
            if (blank) {
                if (!space && out.length() > 0) {
                    out.append(' ');
                }
                space = true;
            } else {
                out.appendCodePoint(c);
                space = false;
            }
        }
        String line = out.toString().strip();
        return line.length() >= max ? line + "…" : line;
    }

    static String escape(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    /** Only a well-formed http(s) URL without spaces or quotes becomes a link. */
    static String link(String url) {
        if (url == null || url.length() > 2048) {
            return null;
        }
        for (int i = 0; i < url.length(); i++) {
            char c = url.charAt(i);
            if (c <= 0x20 || c >= 0x7f || c == '"' || c == '\'' || c == '<' || c == '>' || c == '\\') {
                return null;
            }
        }
        try {
            URI uri = new URI(url);
            return ("https".equalsIgnoreCase(uri.getScheme()) || "http".equalsIgnoreCase(uri.getScheme()))
                            && uri.getHost() != null
                    ? url
                    : null;
        } catch (URISyntaxException e) {
            return null;
        }
    }
}
