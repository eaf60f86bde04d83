package org.revenant.cli.export;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.revenant.avro.RetractedDataset;
import org.revenant.cli.UserError;
import org.revenant.registry.RegistryException;
import org.revenant.registry.RegistryLoader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code revenant export stix|misp|hashes}: the registry (and, with {@code --url}, the alerts of a
 * running Revenant as sightings) in the formats of threat-intelligence tools
 * (docs/decisions/020-feeds-and-exports.md). Nothing here talks to Kafka: the registry is the
 * bundled one or {@code --registry}, the same files {@code registry load} publishes.
 */
@Command(
        name = "export",
        mixinStandardHelpOptions = true,
        description = "Export the registry (and alerts as sightings) for threat-intelligence tools.",
        subcommands = {ExportCommand.Stix.class, ExportCommand.Misp.class, ExportCommand.Hashes.class})
public final class ExportCommand {

    /** Options every export takes. */
    static class Inputs {
        @Spec
        CommandSpec spec;

        @Option(
                names = "--registry",
                paramLabel = "FILE|DIR",
                description = "Registry files to export (default: the registry bundled with Revenant).")
        Path registry;

        List<RetractedDataset> datasets() {
            try {
                return registry == null ? RegistryLoader.loadBundled() : RegistryLoader.load(registry);
            } catch (RegistryException e) {
                StringBuilder message = new StringBuilder("invalid registry:");
                e.problems().forEach(p -> message.append("\n  ").append(p));
                throw new UserError(message.toString());
            }
        }

        void say(String format, Object... args) {
            spec.commandLine().getOut().printf(format + "%n", args);
            spec.commandLine().getOut().flush();
        }
    }

    /** Inputs plus the alerts of a running Revenant, when {@code --url} names one. */
    static class WithAlerts extends Inputs {
        @Option(
                names = "--url",
                paramLabel = "URL",
                description =
                        "A running Revenant's HTTP API: its alerts (at most 5,000, newest first) become sightings. Without it, the registry alone.")
        URI url;

        List<JsonNode> alerts() {
            return url == null ? List.of() : AlertSource.fetch(url);
        }
    }

    @Command(
            name = "stix",
            mixinStandardHelpOptions = true,
            description =
                    "Write a STIX 2.1 bundle: hashes and infohashes as indicators grouped by dataset, alerts as sightings.")
    static final class Stix extends WithAlerts implements Callable<Integer> {
        @Option(
                names = {"-o", "--output"},
                paramLabel = "FILE",
                description = "Write to FILE instead of standard output.")
        Path output;

        @Override
        public Integer call() throws Exception {
            String json = StixBundle.JSON
                    .writerWithDefaultPrettyPrinter()
                    .writeValueAsString(StixBundle.build(datasets(), alerts()));
            if (output == null) {
                spec.commandLine().getOut().println(json);
                spec.commandLine().getOut().flush();
            } else {
                Files.writeString(output, json + "\n", StandardCharsets.UTF_8);
                say("wrote a STIX 2.1 bundle to %s", output);
            }
            return 0;
        }
    }

    @Command(
            name = "misp",
            mixinStandardHelpOptions = true,
            description =
                    "Write a MISP feed (manifest.json, hashes.csv, one <uuid>.json event per dataset) into a directory.")
    static final class Misp extends WithAlerts implements Callable<Integer> {
        @Option(
                names = {"-o", "--output"},
                paramLabel = "DIR",
                required = true,
                description = "Directory to write the feed into (created if missing).")
        Path output;

        @Override
        public Integer call() throws Exception {
            Map<String, String> files = MispFeed.build(datasets(), alerts());
            write(output, files);
            say("wrote a MISP feed of %d event(s) to %s", files.size() - 2, output);
            return 0;
        }
    }

    @Command(
            name = "hashes",
            mixinStandardHelpOptions = true,
            description = "Write one hash list per dataset: csv (every hash) or hma (MD5s as HMA video_md5 signals).")
    static final class Hashes extends Inputs implements Callable<Integer> {
        @Option(
                names = "--format",
                paramLabel = "FORMAT",
                defaultValue = "csv",
                description = "csv or hma (default ${DEFAULT-VALUE}).")
        HashList.Format format;

        @Option(
                names = {"-o", "--output"},
                paramLabel = "DIR",
                required = true,
                description = "Directory to write the lists into (created if missing).")
        Path output;

        @Option(
                names = "--include-unverified",
                description = "hma: also list MD5s the registry marks unverified (an HMA bank acts on every match).")
        boolean includeUnverified;

        @Override
        public Integer call() throws Exception {
            Map<String, String> files = HashList.build(datasets(), format, includeUnverified);
            write(output, files);
            say("wrote %d %s hash list(s) to %s", files.size(), format, output);
            return 0;
        }
    }

    /** Writes each file directly into {@code dir}; names come from registry ids, checked to stay there. */
    static void write(Path dir, Map<String, String> files) throws IOException {
        Files.createDirectories(dir);
        Path base = dir.toAbsolutePath().normalize();
        for (Map.Entry<String, String> file : files.entrySet()) {
            Path target = base.resolve(file.getKey()).normalize();
            if (!base.equals(target.getParent())) {
                throw new UserError("refusing to write outside " + dir + ": " + file.getKey());
            }
            Files.writeString(target, file.getValue(), StandardCharsets.UTF_8);
        }
    }
}
