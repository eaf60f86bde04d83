package org.revenant.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import org.revenant.config.ConfigException;
import org.revenant.crawl.CrawlConfig;
import org.revenant.crawl.CrawlOnce;
import org.revenant.crawl.CrawlService;
import org.revenant.crawl.SourceConfig;
import org.revenant.platforms.Platforms;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
        name = "crawl",
        mixinStandardHelpOptions = true,
        description = {
            "Crawl GitHub, Hugging Face, Academic Torrents, the Internet Archive and",
            "Zenodo for mirrors of retracted datasets and publish their snapshots.",
            "Runs until Ctrl-C, sharing the work with every other 'revenant crawl'",
            "through the crawl-jobs topic; --once crawls each source once and exits."
        })
final class CrawlCommand implements Callable<Integer> {

    @Mixin
    KafkaOptions kafka;

    @Spec
    CommandSpec spec;

    @Option(
            names = "--config",
            paramLabel = "FILE",
            description =
                    "Crawler configuration (YAML, see docs/revenant.example.yaml); default: every source on its public API.")
    Path config;

    @Option(
            names = "--once",
            description = "Crawl each enabled source once, print a summary and exit (1 if any crawl failed).")
    boolean once;

    @Option(
            names = "--source",
            paramLabel = "NAME",
            split = ",",
            completionCandidates = SourceNames.class,
            description = "Only these sources: ${COMPLETION-CANDIDATES} (repeatable).")
    List<String> only;

    /** The sources' names, from the platforms list, for help and completion. */
    static final class SourceNames implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return Platforms.names().iterator();
        }
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        CrawlConfig cfg = load(config);
        Set<String> names = selected(cfg, only);
        CrawlService service = new CrawlService(cfg, kafka.clientProperties(), kafka.topics(), names, Main.version());
        for (String limitation : service.limitations()) {
            out.println("note: " + limitation);
        }
        if (once) {
            try (service) {
                CrawlOnce.Summary summary = service.runOnce(out);
                out.println(CrawlOnce.describe(summary, service.httpCounters()));
                for (String failure : summary.failures()) {
                    out.println("  failed: " + Terminal.safe(failure));
                }
                out.flush();
                return summary.ok() ? 0 : 1;
            }
        }
        service.start();
        out.printf("crawling %s (Ctrl-C stops)%n", String.join(", ", service.sourceNames()));
        out.flush();
        Shutdown.closeOnSignal(service);
        return 0;
    }

    static CrawlConfig load(Path file) {
        try {
            return file == null
                    ? CrawlConfig.defaults(System.getenv(), Platforms.ALL)
                    : CrawlConfig.load(file, System.getenv(), Platforms.ALL);
        } catch (ConfigException e) {
            throw new UserError("bad crawler configuration: " + e.getMessage());
        }
    }

    static Set<String> selected(CrawlConfig cfg, List<String> only) {
        Set<String> names = new LinkedHashSet<>();
        if (only != null) {
            for (String n : only) {
                SourceConfig s = cfg.source(n.strip());
                if (s == null) {
                    throw new UserError("unknown source '" + n + "' (known: " + String.join(", ", cfg.names()) + ")");
                }
                if (!s.enabled()) {
                    throw new UserError("source '" + n + "' is disabled in the configuration");
                }
                names.add(s.name());
            }
        }
        if (cfg.enabled().isEmpty()) {
            throw new UserError("every source is disabled in the configuration: nothing to crawl");
        }
        return names;
    }
}
