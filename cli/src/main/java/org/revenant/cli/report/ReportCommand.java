package org.revenant.cli.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.Base64;
import java.util.concurrent.Callable;
import org.revenant.cli.ApiClient;
import org.revenant.cli.Terminal;
import org.revenant.cli.UserError;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code revenant report}: the census of every dataset and platform from a running instance's
 * {@code /api/census} (docs/decisions/019), as a publishable Markdown, HTML or CSV report.
 */
@Command(
        name = "report",
        mixinStandardHelpOptions = true,
        description = {
            "Write a census report (mirrors open and resolved, new per week, lifetimes, reappearances, takedowns)"
                    + " from a running Revenant's HTTP API.",
            "md writes the chart as an SVG file beside -o FILE (inline as a data: URI on standard output);"
                    + " html has it inline; csv is the tables only."
        })
public final class ReportCommand implements Callable<Integer> {

    /** The most of /api/census read: far above any real census (a few kB per dataset and platform). */
    public static final int MAX_RESPONSE_BYTES = 16 * 1024 * 1024;

    enum Format {
        md,
        html,
        csv
    }

    @Spec
    CommandSpec spec;

    @Option(names = "--since", paramLabel = "DATE", description = "Weeks and medians from this day on (YYYY-MM-DD).")
    LocalDate since;

    @Option(
            names = "--format",
            paramLabel = "FORMAT",
            defaultValue = "md",
            description = "md, html or csv (default ${DEFAULT-VALUE}).")
    Format format;

    @Option(
            names = "--url",
            paramLabel = "URL",
            defaultValue = "${env:REVENANT_URL:-http://localhost:8080}",
            description = "Revenant's HTTP API (env REVENANT_URL; default ${DEFAULT-VALUE}).")
    URI url;

    @Option(
            names = {"-o", "--output"},
            paramLabel = "FILE",
            description = "Write to FILE instead of standard output.")
    Path output;

    @Override
    public Integer call() throws Exception {
        ApiClient api = new ApiClient(url);
        String base = url.toString().replaceAll("/+$", "");
        String path = "/api/census"
                + (since == null ? "" : "?since=" + URLEncoder.encode(since.toString(), StandardCharsets.UTF_8));
        CensusReport report = new CensusReport(fetch(api, path), base);
        String body;
        Path chart = null;
        switch (format) {
            case html -> body = report.toHtml();
            case csv -> body = report.toCsv();
            default -> {
                String svg = CensusChart.svg(report.weeks(), report.chartTitle());
                if (output != null) {
                    chart = chartBeside(output);
                    Files.writeString(chart, svg, StandardCharsets.UTF_8);
                    body = report.toMarkdown(
                            URLEncoder.encode(chart.getFileName().toString(), StandardCharsets.UTF_8)
                                    .replace("+", "%20"));
                } else {
                    body = report.toMarkdown("data:image/svg+xml;base64,"
                            + Base64.getEncoder().encodeToString(svg.getBytes(StandardCharsets.UTF_8)));
                }
            }
        }
        if (output != null) {
            Files.writeString(output, body, StandardCharsets.UTF_8);
            spec.commandLine()
                    .getOut()
                    .printf(
                            "wrote the census of %d dataset(s) and %d platform(s) to %s%s%n",
                            report.datasets().size(),
                            report.platforms().size(),
                            output,
                            chart == null ? "" : " (chart: " + chart + ")");
        } else {
            spec.commandLine().getOut().print(body);
        }
        spec.commandLine().getOut().flush();
        return 0;
    }

    /** {@code report.md} → {@code report.svg} in the same folder. */
    static Path chartBeside(Path output) {
        String name = output.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String stem = dot > 0 ? name.substring(0, dot) : name;
        return output.resolveSibling(stem + ".svg");
    }

    private static JsonNode fetch(ApiClient api, String path) {
        ApiClient.Reply reply = api.get(path, "application/json", MAX_RESPONSE_BYTES, Duration.ofSeconds(30));
        String target = api.base() + path;
        String text = reply.text();
        if (reply.status() != 200) {
            throw new UserError("Revenant at " + target + " answered " + reply.status() + ": "
                    + Terminal.safe(text.length() > 300 ? text.substring(0, 300) : text));
        }
        JsonNode census;
        try {
            census = new ObjectMapper().readTree(text);
        } catch (IOException e) {
            throw new UserError("cannot read the census from " + target + ": " + e.getMessage());
        }
        if (census == null || !census.path("datasets").isArray()) {
            throw new UserError("Revenant at " + target + " did not answer with a census");
        }
        return census;
    }
}
