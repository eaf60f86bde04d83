package org.revenant.cli.report;

import static org.revenant.http.TextEscapes.csv;
import static org.revenant.http.TextEscapes.html;
import static org.revenant.http.TextEscapes.markdown;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.revenant.http.TextEscapes;

/**
 * A publishable census report (decision 019) from the JSON of {@code /api/census}: tables per
 * dataset and per platform, the weeks with a chart, and a methods paragraph. Every value from the
 * API is escaped for the format it lands in.
 */
final class CensusReport {

    /** One column: its heading and how a census's JSON becomes its cell. */
    private record Column(String heading, Function<JsonNode, String> value) {}

    private static final List<Column> COLUMNS = List.of(
            new Column("Mirrors", c -> number(c, "mirrors")),
            new Column("Open", c -> number(c, "open")),
            new Column("Resolved", c -> number(c, "resolved")),
            new Column("Suppressed", c -> number(c, "suppressed")),
            new Column("New in period", c -> c.path("period").path("opened").asText("0")),
            new Column("Reappeared", c -> number(c, "reappeared")),
            new Column("Reappearances", c -> number(c, "reappearances")),
            new Column("Reappearance rate", c -> rate(c.path("reappearanceRate"))),
            new Column("Takedown requests", c -> number(c, "takedownRequests")),
            new Column("Removed after request", c -> number(c, "removedAfterRequest")),
            new Column("Median lifetime", c -> duration(c.path("medianLifetimeMillis"))),
            new Column("Median time to removal", c -> duration(c.path("medianTimeToRemovalMillis"))),
            new Column("Derivative mirrors", c -> number(c, "derivativeMirrors")));

    private final JsonNode census;
    private final String source;

    CensusReport(JsonNode census, String source) {
        this.census = census;
        this.source = source;
    }

    List<JsonNode> datasets() {
        return list(census.path("datasets"));
    }

    List<JsonNode> platforms() {
        return list(census.path("platforms"));
    }

    /** The weeks of every dataset added up, oldest first (a mirror of several datasets counts in each). */
    List<JsonNode> weeks() {
        Map<String, long[]> byWeek = new TreeMap<>();
        for (JsonNode d : datasets()) {
            for (JsonNode w : d.path("weeks")) {
                long[] sum = byWeek.computeIfAbsent(w.path("weekStart").asText(), k -> new long[4]);
                sum[0] += w.path("opened").asLong();
                sum[1] += w.path("resolved").asLong();
                sum[2] += w.path("reappeared").asLong();
                sum[3] += w.path("requested").asLong();
            }
        }
        List<JsonNode> out = new ArrayList<>();
        byWeek.forEach((week, s) -> out.add(JsonNodeFactory.instance
                .objectNode()
                .put("weekStart", week)
                .put("opened", s[0])
                .put("resolved", s[1])
                .put("reappeared", s[2])
                .put("requested", s[3])));
        return out;
    }

    String chartTitle() {
        return "New, resolved and reappeared mirrors per week, all datasets" + period();
    }

    /** Markdown; the chart is the image at {@code chartRef} (a file beside the report, or a data: URI). */
    String toMarkdown(String chartRef) {
        StringBuilder out = new StringBuilder();
        out.append("# Revenant census\n\n");
        out.append(intro(TextEscapes::markdown)).append("\n\n");
        if (census.path("partial").asBoolean()) {
            out.append("**")
                    .append(markdown("Partial: an instance did not answer; some datasets or platforms may be missing."))
                    .append("**\n\n");
        }
        out.append("## Datasets\n\n");
        mdTable(out, "Dataset", datasets());
        out.append("\n## Platforms\n\n");
        mdTable(out, "Platform", platforms());
        out.append("\n## Mirrors per week\n\n");
        out.append("![")
                .append(markdown(chartTitle()))
                .append("](")
                .append(chartRef)
                .append(")\n\n");
        out.append("| Week | New | Resolved | Reappeared | Takedown requests |\n|---|---:|---:|---:|---:|\n");
        for (JsonNode w : weeks()) {
            out.append("| ")
                    .append(markdown(w.path("weekStart").asText()))
                    .append(" | ")
                    .append(w.path("opened").asLong())
                    .append(" | ")
                    .append(w.path("resolved").asLong())
                    .append(" | ")
                    .append(w.path("reappeared").asLong())
                    .append(" | ")
                    .append(w.path("requested").asLong())
                    .append(" |\n");
        }
        out.append("\n## Methods\n\n").append(methods(TextEscapes::markdown)).append("\n");
        return out.toString();
    }

    /** A standalone HTML page with the chart inline; no script. */
    String toHtml() {
        StringBuilder out = new StringBuilder();
        out.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Revenant census</title>\n")
                .append("<style>body{font-family:sans-serif;max-width:1100px;margin:2em auto}")
                .append("table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:2px 6px}")
                .append("td{text-align:right}td:first-child{text-align:left}</style></head>\n<body>\n");
        out.append("<h1>Revenant census</h1>\n<p>")
                .append(intro(TextEscapes::html))
                .append("</p>\n");
        if (census.path("partial").asBoolean()) {
            out.append(
                    "<p><strong>Partial: an instance did not answer; some datasets or platforms may be missing.</strong></p>\n");
        }
        out.append("<h2>Datasets</h2>\n");
        htmlTable(out, "Dataset", datasets());
        out.append("<h2>Platforms</h2>\n");
        htmlTable(out, "Platform", platforms());
        out.append("<h2>Mirrors per week</h2>\n").append(CensusChart.svg(weeks(), chartTitle()));
        out.append("<h2>Methods</h2>\n<p>").append(methods(TextEscapes::html)).append("</p>\n</body></html>\n");
        return out.toString();
    }

    /** One row per dataset and platform; the weeks and the methods do not fit a table. */
    String toCsv() {
        StringBuilder out = new StringBuilder("scope,name");
        for (Column c : COLUMNS) {
            out.append(',').append(csv(c.heading()));
        }
        out.append("\r\n");
        for (JsonNode c : concat(datasets(), platforms())) {
            out.append(csv(c.path("scope").asText()))
                    .append(',')
                    .append(csv(c.path("name").asText()));
            for (Column column : COLUMNS) {
                out.append(',').append(csv(column.value().apply(c)));
            }
            out.append("\r\n");
        }
        return out.toString();
    }

    private String period() {
        return since().isEmpty() ? "" : " since " + since();
    }

    /** The opening line; {@code esc} escapes the values from the API for the format, the prose needs none. */
    String intro(UnaryOperator<String> esc) {
        return "Generated " + esc.apply(census.path("generatedAt").asText("")) + " from " + esc.apply(source) + "; "
                + (period().isEmpty()
                        ? "all weeks kept"
                        : "the weeks, new mirrors and medians since " + esc.apply(since())
                                + "; the other counts are totals")
                + ". Open, resolved and suppressed mirrors are counted as of the report.";
    }

    /** What was watched, how a mirror counts, and how every figure is measured; values escaped by {@code esc}. */
    String methods(UnaryOperator<String> esc) {
        JsonNode m = census.path("methods");
        List<String> platforms = new ArrayList<>();
        m.path("platforms").forEach(p -> platforms.add(esc.apply(p.asText())));
        return "Revenant watched the " + m.path("registryDatasets").asLong() + " datasets of its registry of retracted"
                + " datasets, on the platforms its crawlers cover (" + String.join(", ", platforms) + ") and on any"
                + " mirror published to it by other crawlers; a mirror it did not crawl is not counted, so the"
                + " figures are a lower bound of what is out there. A mirror counts once per dataset it matches: an"
                + " alert opens when the evidence reaches confidence "
                + esc.apply(m.path("alertThreshold").asText())
                + " (likely from " + esc.apply(m.path("likelyFrom").asText()) + ", confirmed from "
                + esc.apply(m.path("confirmedFrom").asText()) + "), and analysts may suppress it as a false"
                + " positive or allowlisted. A mirror's lifetime runs from the crawl that first matched it (or saw it"
                + " return) to the first crawl that found it gone, blocked or no longer matching, so it depends on how"
                + " often the mirror was crawled. Time to removal runs from the recorded date of a takedown request"
                + " to that crawl; a request still open after " + esc.apply(days(m.path("takedownOverdueAfter")))
                + " is reported as overdue. The reappearance rate is the share of mirrors ever resolved that came"
                + " back at least once. Medians are over the last "
                + String.format(Locale.ROOT, "%,d", m.path("samplesPerMedian").asLong())
                + " durations of each dataset or platform (for an even count, the mean of the two middle values);"
                + " weeks are ISO weeks in UTC, named by their Monday, the last "
                + m.path("weeksKept").asLong()
                + " kept. The mirrors of a derived dataset also count for its parent, as derivative mirrors.";
    }

    private String since() {
        return census.path("since").asText("");
    }

    /** An ISO-8601 duration as whole days when it is one ("14 days"), else as given. */
    private static String days(JsonNode iso) {
        try {
            Duration d = Duration.parse(iso.asText());
            return d.toHours() % 24 == 0 && d.toSeconds() % 3600 == 0 ? d.toDays() + " days" : iso.asText();
        } catch (DateTimeParseException e) {
            return iso.asText();
        }
    }

    private static void mdTable(StringBuilder out, String first, List<JsonNode> rows) {
        out.append("| ").append(first);
        COLUMNS.forEach(c -> out.append(" | ").append(c.heading()));
        out.append(" |\n|---");
        COLUMNS.forEach(c -> out.append("|---:"));
        out.append("|\n");
        for (JsonNode c : rows) {
            out.append("| ").append(markdown(c.path("name").asText()));
            COLUMNS.forEach(col -> out.append(" | ").append(markdown(col.value().apply(c))));
            out.append(" |\n");
        }
        if (rows.isEmpty()) {
            out.append("| ").append(markdown("nothing counted yet"));
            COLUMNS.forEach(col -> out.append(" | "));
            out.append(" |\n");
        }
    }

    private static void htmlTable(StringBuilder out, String first, List<JsonNode> rows) {
        out.append("<table>\n<tr><th>").append(html(first)).append("</th>");
        COLUMNS.forEach(c -> out.append("<th>").append(html(c.heading())).append("</th>"));
        out.append("</tr>\n");
        for (JsonNode c : rows) {
            out.append("<tr><td>").append(html(c.path("name").asText())).append("</td>");
            COLUMNS.forEach(
                    col -> out.append("<td>").append(html(col.value().apply(c))).append("</td>"));
            out.append("</tr>\n");
        }
        out.append("</table>\n");
    }

    private static List<JsonNode> list(JsonNode array) {
        List<JsonNode> out = new ArrayList<>();
        array.forEach(out::add);
        return out;
    }

    private static List<JsonNode> concat(List<JsonNode> a, List<JsonNode> b) {
        List<JsonNode> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    private static String number(JsonNode c, String field) {
        return Long.toString(c.path(field).asLong());
    }

    static String rate(JsonNode rate) {
        return rate.isNumber() ? String.format(Locale.ROOT, "%.1f %%", rate.asDouble() * 100) : "—";
    }

    /** Days and hours, as "5 d 0 h", or "—" when there is no value. */
    static String duration(JsonNode millis) {
        if (!millis.isNumber()) {
            return "—";
        }
        long hours = Math.round(Duration.ofMillis(millis.asLong()).toMinutes() / 60.0);
        return hours >= 24 ? hours / 24 + " d " + hours % 24 + " h" : hours + " h";
    }
}
