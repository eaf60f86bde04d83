package org.revenant.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.utils.AppInfoParser;
import org.revenant.cli.bench.BenchCommand;
import org.revenant.cli.export.ExportCommand;
import org.revenant.cli.report.ReportCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Option;

@Command(
        name = "revenant",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = {
            "Catches retracted datasets (MS-Celeb-1M, DukeMTMC, MegaFace, 80M Tiny Images, ...) when they reappear.",
            ""
        },
        subcommands = {
            StandaloneCommand.class,
            BrokerCommand.class,
            StreamsCommand.class,
            RegistryCommand.class,
            SnapshotCommand.class,
            CrawlCommand.class,
            AlertsCommand.class,
            DecideCommand.class,
            AnalystTokenCommand.class,
            EvidenceCommand.class,
            ExportCommand.class,
            ReportCommand.class,
            BenchCommand.class,
            CommandLine.HelpCommand.class
        },
        footer = {"", "Exit codes: 0 ok, 1 runtime failure, 2 usage error.", "Docs: README.md"})
public final class Main {

    @Option(names = "--verbose", scope = CommandLine.ScopeType.INHERIT, description = "Show stack traces of errors.")
    static boolean verbose;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    public static int run(String... args) {
        CommandLine cli = commandLine();
        return cli.execute(args);
    }

    static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new Main());
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (verbose) {
                e.printStackTrace(commandLine.getErr());
            }
            commandLine.getErr().println("revenant: " + oneLine(e));
            commandLine.getErr().flush();
            return 1;
        });
        return cli;
    }

    static String oneLine(Throwable e) {
        if (e instanceof UserError) {
            return e.getMessage();
        }
        Throwable root = e;
        while (root.getCause() != null
                && root.getCause() != root
                && (root instanceof KafkaException || root instanceof ExecutionException)) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        return message.replaceAll("\\s+", " ").strip() + (verbose ? "" : " (--verbose for details)");
    }

    /** The version baked in at build time. */
    static final class Version implements IVersionProvider {
        @Override
        public String[] getVersion() throws IOException {
            return new String[] {
                "revenant " + version(),
                "Kafka clients " + AppInfoParser.getVersion(),
                "Java " + System.getProperty("java.version")
            };
        }
    }

    static String version() {
        Properties props = new Properties();
        try (InputStream in = Main.class.getResourceAsStream("/org/revenant/cli/version.properties")) {
            if (in != null) {
                props.load(in);
            }
        } catch (IOException e) {
            return "unknown";
        }
        return props.getProperty("version", "unknown");
    }
}
