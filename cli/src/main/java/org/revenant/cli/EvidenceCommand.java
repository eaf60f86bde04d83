package org.revenant.cli;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.revenant.detect.state.AlertKey;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code revenant evidence ALERT_KEY}: the evidence bundle of one alert from a running instance's
 * HTTP API (docs/decisions/018), as Markdown, JSON or an HTML page.
 */
@Command(
        name = "evidence",
        mixinStandardHelpOptions = true,
        description =
                "Print the evidence bundle of an alert (what a platform needs to act on it), from a running Revenant's HTTP API.")
final class EvidenceCommand implements Callable<Integer> {

    enum Format {
        md,
        json,
        html
    }

    @Spec
    CommandSpec spec;

    @Parameters(
            paramLabel = "ALERT_KEY",
            description = "<datasetId>|<mirrorKey>, as alerts tail prints it (quote it: it contains '|').")
    String alertKey;

    @Option(
            names = "--format",
            paramLabel = "FORMAT",
            defaultValue = "md",
            description = "md, json or html (default ${DEFAULT-VALUE}).")
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

    /** Longest bundle read: a bundle is bounded by the alert's bounded evidence and history. */
    static final int MAX_BYTES = 16 * 1024 * 1024;

    @Override
    public Integer call() throws Exception {
        if (AlertKey.parse(alertKey).isEmpty()) {
            throw new UserError(
                    "not an alert key: '" + Terminal.safe(alertKey) + "' (expected <datasetId>|<mirrorKey>)");
        }
        ApiClient.Reply response = new ApiClient(url)
                .get("/api/evidence/" + path(alertKey) + "?format=" + format, "*/*", MAX_BYTES, Duration.ofSeconds(30));
        if (response.status() != 200) {
            throw new UserError(
                    "Revenant at " + url + " answered " + response.status() + ": " + Terminal.safe(response.text()));
        }
        if (output != null) {
            Files.writeString(output, response.text(), StandardCharsets.UTF_8);
            spec.commandLine()
                    .getOut()
                    .printf("wrote the evidence bundle of %s to %s%n", Terminal.safe(alertKey), output);
        } else {
            // The body is the bundle's own escaped rendering; control characters are already spaces.
            spec.commandLine().getOut().print(response.text());
        }
        spec.commandLine().getOut().flush();
        return 0;
    }

    /** The key as a URL path: slashes stay (the API's key is a path), everything else is encoded. */
    static String path(String key) {
        return Arrays.stream(key.split("/", -1))
                .map(part -> URLEncoder.encode(part, StandardCharsets.UTF_8).replace("+", "%20"))
                .collect(Collectors.joining("/"));
    }
}
