package org.revenant.cli.report;

import static org.revenant.http.TextEscapes.html;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Locale;

/** New, resolved and reappeared mirrors per week as a standalone SVG: grouped bars, no script, every text escaped. */
final class CensusChart {

    private static final String[][] SERIES = {
        {"opened", "new mirrors", "#7a1f2b"},
        {"resolved", "resolved", "#2f6f4f"},
        {"reappeared", "reappeared", "#d08a1e"}
    };

    private CensusChart() {}

    /** {@code weeks}: objects with weekStart, opened, resolved, reappeared, oldest first. */
    static String svg(List<JsonNode> weeks, String title) {
        int width = 900, height = 260, left = 44, bottom = 44, top = 28;
        int plot = height - top - bottom;
        long max = 1;
        for (JsonNode w : weeks) {
            for (String[] s : SERIES) {
                max = Math.max(max, w.path(s[0]).asLong());
            }
        }
        double slot = (width - left - 10) / (double) Math.max(1, weeks.size());
        double bar = Math.max(2, Math.min(24, (slot - 6) / SERIES.length));
        StringBuilder out = new StringBuilder();
        out.append("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 ")
                .append(width)
                .append(' ')
                .append(height)
                .append("\" width=\"")
                .append(width)
                .append("\" height=\"")
                .append(height)
                .append("\" role=\"img\" font-family=\"sans-serif\" font-size=\"11\">\n");
        out.append("<title>").append(html(title)).append("</title>\n");
        out.append("<line x1=\"")
                .append(left)
                .append("\" y1=\"")
                .append(top + plot)
                .append("\" x2=\"")
                .append(width - 10)
                .append("\" y2=\"")
                .append(top + plot)
                .append("\" stroke=\"#888\"/>\n");
        text(out, left - 6, top + 4, "end", Long.toString(max));
        text(out, left - 6, top + plot, "end", "0");
        int every = Math.max(1, (int) Math.ceil(weeks.size() / 26.0));
        for (int i = 0; i < weeks.size(); i++) {
            JsonNode w = weeks.get(i);
            double x0 = left + i * slot + 3;
            for (int j = 0; j < SERIES.length; j++) {
                long value = w.path(SERIES[j][0]).asLong();
                double h = value * (double) plot / max;
                out.append(String.format(
                        Locale.ROOT,
                        "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"><title>%s</title></rect>%n",
                        x0 + j * bar,
                        top + plot - h,
                        bar - 1,
                        h,
                        SERIES[j][2],
                        html(w.path("weekStart").asText() + ": " + value + " " + SERIES[j][1])));
            }
            if (i % every == 0) {
                text(out, x0, height - bottom + 16, "start", w.path("weekStart").asText());
            }
        }
        for (int j = 0; j < SERIES.length; j++) {
            out.append(String.format(
                    Locale.ROOT,
                    "<rect x=\"%d\" y=\"6\" width=\"10\" height=\"10\" fill=\"%s\"/>%n",
                    left + j * 130,
                    SERIES[j][2]));
            text(out, left + j * 130 + 14, 15, "start", SERIES[j][1]);
        }
        if (weeks.isEmpty()) {
            text(out, left + 10, top + plot / 2.0, "start", "no activity in the period");
        }
        return out.append("</svg>\n").toString();
    }

    private static void text(StringBuilder out, double x, double y, String anchor, String text) {
        out.append(String.format(
                Locale.ROOT,
                "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" fill=\"#444\">%s</text>%n",
                x,
                y,
                anchor,
                html(text)));
    }
}
