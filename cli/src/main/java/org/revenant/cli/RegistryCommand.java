package org.revenant.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.revenant.avro.RetractedDataset;
import org.revenant.publish.RegistryPublisher;
import org.revenant.registry.RegistryException;
import org.revenant.registry.RegistryLoader;
import org.revenant.registry.RegistryYaml;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
        name = "registry",
        mixinStandardHelpOptions = true,
        description = "The registry of retracted datasets (one reviewed YAML file per dataset).",
        subcommands = {
            RegistryCommand.Load.class,
            RegistryCommand.ListDatasets.class,
            RegistryCommand.Export.class,
            RegistryCommand.Remove.class
        })
final class RegistryCommand {

    @Command(
            name = "load",
            mixinStandardHelpOptions = true,
            description = {
                "Validate registry files and publish them to the registry topic. Without an argument, the registry bundled with Revenant.",
                "Creates Revenant's topics first where they are missing."
            })
    static final class Load implements Callable<Integer> {
        @Mixin
        KafkaOptions kafka;

        @Mixin
        TopicOptions topicOptions;

        @Spec
        CommandSpec spec;

        @Parameters(
                arity = "0..1",
                paramLabel = "FILE|DIR",
                description = "A registry YAML file or a directory of them.")
        Path source;

        @Override
        public Integer call() {
            List<RetractedDataset> datasets = validated(source);
            kafka.reachableClientProperties(); // fail in seconds, before creating topics, when Kafka does not answer
            topicOptions.ensure(kafka, spec.commandLine().getOut());
            RegistryPublisher.publish(kafka.reachableClientProperties(), kafka.topics(), datasets);
            spec.commandLine()
                    .getOut()
                    .printf(
                            "loaded %d dataset(s) from %s into %s%n",
                            datasets.size(),
                            source == null ? "the bundled registry" : source,
                            kafka.topics().registry.name());
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the datasets in the registry topic.")
    static final class ListDatasets implements Callable<Integer> {
        @Mixin
        KafkaOptions kafka;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            var datasets = TopicContents.latest(
                            kafka.reachableClientProperties(), kafka.topics().registry, unreadable(spec))
                    .values()
                    .stream()
                    .sorted(Comparator.comparing(RetractedDataset::getId))
                    .toList();
            out.printf("%-24s %-32s %-12s %-20s %s%n", "ID", "NAME", "RETRACTED", "PARENT", "SIGNATURES");
            for (RetractedDataset d : datasets) {
                out.printf(
                        "%-24s %-32s %-12s %-20s %d%n",
                        Terminal.safe(d.getId()),
                        Terminal.safe(d.getName()),
                        d.getRetractedOn() == null ? "-" : Terminal.safe(d.getRetractedOn()),
                        d.getParent() == null ? "-" : Terminal.safe(d.getParent()),
                        d.getSignatures().size());
            }
            out.printf("%d dataset(s)%n", datasets.size());
            return 0;
        }
    }

    @Command(
            name = "export",
            mixinStandardHelpOptions = true,
            description =
                    "Write the registry topic back out as YAML: one file per dataset into DIR, or all to standard output.")
    static final class Export implements Callable<Integer> {
        @Mixin
        KafkaOptions kafka;

        @Spec
        CommandSpec spec;

        @Option(
                names = {"-o", "--output"},
                paramLabel = "DIR",
                description = "Directory to write <id>.yaml files into.")
        Path output;

        @Override
        public Integer call() throws Exception {
            var datasets = TopicContents.latest(
                            kafka.reachableClientProperties(), kafka.topics().registry, unreadable(spec))
                    .values()
                    .stream()
                    .sorted(Comparator.comparing(RetractedDataset::getId))
                    .toList();
            if (output == null) {
                PrintWriter out = spec.commandLine().getOut();
                for (RetractedDataset d : datasets) {
                    out.println("---");
                    out.print(RegistryYaml.write(d));
                }
                out.flush();
            } else {
                Files.createDirectories(output);
                int written = 0;
                int refused = 0;
                for (RetractedDataset d : datasets) {
                    Path file = exportFile(output, d.getId());
                    if (file == null) {
                        spec.commandLine()
                                .getErr()
                                .printf(
                                        "revenant: registry export: skipped a dataset whose id '%s' is not a registry id "
                                                + "(lowercase letters, digits and '-'); it would not be a file name inside %s%n",
                                        Terminal.safe(d.getId()), output);
                        refused++;
                        continue;
                    }
                    Files.writeString(file, RegistryYaml.write(d));
                    written++;
                }
                spec.commandLine().getOut().printf("wrote %d file(s) to %s%n", written, output);
                spec.commandLine().getErr().flush();
                return refused == 0 ? 0 : 1;
            }
            return 0;
        }
    }

    @Command(
            name = "remove",
            mixinStandardHelpOptions = true,
            description = {
                "Remove datasets from the registry topic (a tombstone per id): matching for them stops and their open",
                "alerts are resolved. Also clears a record the streams app skipped as invalid (see /health)."
            })
    static final class Remove implements Callable<Integer> {
        @Mixin
        KafkaOptions kafka;

        @Spec
        CommandSpec spec;

        @Parameters(arity = "1..*", paramLabel = "ID", description = "Dataset ids (record keys) to remove.")
        List<String> ids;

        @Override
        public Integer call() {
            for (String id : ids) {
                RegistryPublisher.remove(kafka.reachableClientProperties(), kafka.topics(), id);
                spec.commandLine()
                        .getOut()
                        .printf(
                                "removed '%s' from %s%n",
                                Terminal.safe(id), kafka.topics().registry.name());
            }
            return 0;
        }
    }

    /** One line on standard error per record of the registry topic that no schema reads. */
    private static Consumer<String> unreadable(CommandSpec spec) {
        return where -> {
            spec.commandLine()
                    .getErr()
                    .printf("revenant: skipped an unreadable registry record at %s%n", Terminal.safe(where));
            spec.commandLine().getErr().flush();
        };
    }

    /** Registry ids as the registry files allow them; anything else cannot name a file. */
    private static final Pattern EXPORT_ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,127}");

    /**
     * The file {@code <id>.yaml} in {@code dir}, or null when the id is not a registry id or the
     * file would land anywhere but directly in {@code dir}. Ids come from the registry topic,
     * which anyone with write access to it can fill.
     */
    static Path exportFile(Path dir, String id) {
        if (id == null || !EXPORT_ID.matcher(id).matches()) {
            return null;
        }
        Path base = dir.toAbsolutePath().normalize();
        Path file = base.resolve(id + ".yaml").normalize();
        return base.equals(file.getParent()) ? file : null;
    }

    /** Loads and validates; every problem in every file becomes one line of the error. */
    static List<RetractedDataset> validated(Path source) {
        try {
            return source == null ? RegistryLoader.loadBundled() : RegistryLoader.load(source);
        } catch (RegistryException e) {
            StringBuilder message = new StringBuilder("invalid registry:");
            e.problems().forEach(p -> message.append("\n  ").append(p));
            throw new UserError(message.toString());
        }
    }
}
