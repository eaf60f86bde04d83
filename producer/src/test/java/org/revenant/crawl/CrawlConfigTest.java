package org.revenant.crawl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.revenant.config.ConfigException;
import org.revenant.platforms.Platforms;
import org.revenant.testkit.CrawlYaml;

class CrawlConfigTest {

    @TempDir
    Path dir;

    Path write(String yaml) throws Exception {
        return Files.writeString(dir.resolve("revenant.yaml"), yaml);
    }

    @Test
    void theDocumentedExampleLoads() {
        CrawlConfig c = CrawlConfig.load(Path.of("..", "docs", "revenant.example.yaml"), Map.of(), Platforms.ALL);
        assertEquals(
                List.of("vardhman1996/msceleb.github.io"), c.source("github").watch());
        assertEquals(Duration.ofHours(6), c.source("github").interval());
        assertEquals(URI.create("https://api.github.com"), c.source("github").url());
        assertEquals(Platforms.names().size(), c.enabled().size(), "every platform is enabled in the example");
        assertEquals(2, c.workers());
    }

    @Test
    void fileSettingsThenEnvironmentOverrides() throws Exception {
        Path file = write("""
                sources:
                  github:
                    interval: 30s
                    apiUrl: https://ghe.example.org/api/v3/
                    repos: [Some-Owner/Some.Repo]
                  hf:
                    enabled: false
                  zenodo:
                    records: ["1234"]
                  torrents:
                    - magnet:?xt=urn:btih:9e67eb7cc23c9417f39778a8e06cca5e26196a97
                """);
        CrawlConfig c = CrawlConfig.load(
                file,
                Map.of("REVENANT_ZENODO_URL", "http://127.0.0.1:9000", "GITHUB_TOKEN", "ghp_abc123"),
                Platforms.ALL);
        assertEquals(Duration.ofSeconds(30), c.source("github").interval());
        assertEquals(4500, c.source("github").budgetPerHour(), "the platform's default budget");
        assertEquals(1800, c.source("zenodo").budgetPerHour());
        assertEquals(
                URI.create("https://ghe.example.org/api/v3"), c.source("github").url());
        assertEquals(URI.create("http://127.0.0.1:9000"), c.source("zenodo").url());
        assertFalse(c.source("hf").enabled());
        assertEquals(List.of("1234"), c.source("zenodo").watch());
        assertEquals(1, c.source("torrents").watch().size());
        assertEquals("ghp_abc123", c.source("github").token().reveal());
        assertFalse(c.toString().contains("ghp_abc123"), "tokens are never printed: " + c);
        assertNull(c.source("hf").token());
    }

    @Test
    void aBadDurationNamesTheLineAndTheKey() throws Exception {
        Path file = write("sources:\n  github:\n    enabled: true\n    interval: soon\n");
        ConfigException e = assertThrows(ConfigException.class, () -> CrawlConfig.load(file, Map.of(), Platforms.ALL));
        assertTrue(
                e.getMessage()
                        .endsWith(
                                "line 4: sources.github.interval: not a duration: 'soon' (write e.g. 30s, 10m, 6h, 7d)"),
                e.getMessage());
    }

    @Test
    void aBudgetIsSetPerSourceWithinItsBoundsAndZeroTurnsItOff() throws Exception {
        CrawlConfig c = CrawlConfig.load(
                write("sources:\n  github:\n    budget: 900\n  hf:\n    budget: 0\n"), Map.of(), Platforms.ALL);
        assertEquals(900, c.source("github").budgetPerHour());
        assertEquals(0, c.source("hf").budgetPerHour());
        ConfigException e = assertThrows(
                ConfigException.class,
                () -> CrawlConfig.load(write("sources:\n  github:\n    budget: 1000000\n"), Map.of(), Platforms.ALL));
        assertTrue(e.getMessage().contains("line 3: sources.github.budget"), e.getMessage());
    }

    @Test
    void anUnknownKeyIsRefusedWithWhatIsKnown() throws Exception {
        Path file = write("sources:\n  hf:\n    intervall: 1h\n");
        ConfigException e = assertThrows(ConfigException.class, () -> CrawlConfig.load(file, Map.of(), Platforms.ALL));
        assertTrue(
                e.getMessage()
                        .contains(
                                "line 3: unknown key 'sources.hf.intervall' (known: apiUrl, budget, datasets, discover, enabled, interval, sweep, sweepPerRun, sweepRate)"),
                e.getMessage());
    }

    @Test
    void aMalformedWatchEntryAndBrokenYamlPointAtTheirLines() throws Exception {
        Path repos = write("sources:\n  github:\n    repos:\n      - fine/repo\n      - not a repo\n");
        assertTrue(assertThrows(ConfigException.class, () -> CrawlConfig.load(repos, Map.of(), Platforms.ALL))
                .getMessage()
                .endsWith("line 5: sources.github.repos: 'not a repo' is not owner/repo"));
        Path broken = write("sources:\n  github: [unclosed\n");
        assertTrue(assertThrows(ConfigException.class, () -> CrawlConfig.load(broken, Map.of(), Platforms.ALL))
                .getMessage()
                .contains(": line "));
        assertTrue(assertThrows(
                        ConfigException.class,
                        () -> CrawlConfig.load(dir.resolve("missing.yaml"), Map.of(), Platforms.ALL))
                .getMessage()
                .endsWith("missing.yaml: no such file"));
        ConfigException env = assertThrows(
                ConfigException.class,
                () -> CrawlConfig.defaults(Map.of("REVENANT_HF_API_URL", "ftp://x"), Platforms.ALL));
        assertTrue(env.getMessage().startsWith("environment variable REVENANT_HF_API_URL"), env.getMessage());
    }

    @Test
    void jobTimeoutDefaultsToFiveMinutesAndIsBounded() throws Exception {
        assertEquals(
                Duration.ofMinutes(5),
                CrawlConfig.defaults(Map.of(), Platforms.ALL).jobTimeout());
        assertEquals(
                Duration.ofMinutes(5),
                CrawlConfig.load(Path.of("..", "docs", "revenant.example.yaml"), Map.of(), Platforms.ALL)
                        .jobTimeout());
        assertEquals(
                Duration.ofSeconds(90),
                CrawlConfig.load(write("crawl:\n  jobTimeout: 90s\n"), Map.of(), Platforms.ALL)
                        .jobTimeout());
        ConfigException tooLong = assertThrows(
                ConfigException.class,
                () -> CrawlConfig.load(write("crawl:\n  jobTimeout: 2d\n"), Map.of(), Platforms.ALL));
        assertTrue(
                tooLong.getMessage().endsWith("revenant.yaml: line 2: crawl.jobTimeout must be at most 1d"),
                tooLong.getMessage());
        ConfigException overflow = assertThrows(
                ConfigException.class,
                () -> CrawlConfig.load(write("crawl:\n  jobTimeout: 999999999999999999d\n"), Map.of(), Platforms.ALL));
        assertTrue(
                overflow.getMessage().endsWith("line 2: crawl.jobTimeout: duration out of range: 999999999999999999d"),
                overflow.getMessage());
        assertThrows(
                ConfigException.class,
                () -> CrawlConfig.load(write("crawl:\n  jobTimeout: 0s\n"), Map.of(), Platforms.ALL));
    }

    @Test
    void aTestConfigurationEnablesOnlyTheSourcesItNamesAndRefusesATypo() throws Exception {
        String yaml = CrawlYaml.only(
                List.of("github", "hf", "torrents"), Map.of("github", "apiUrl: http://127.0.0.1:9\nrepos: [a/b]"));
        assertEquals("""
                sources:
                  github:
                    apiUrl: http://127.0.0.1:9
                    repos: [a/b]
                  hf: {enabled: false}
                  torrents: {enabled: false}
                """, yaml);
        CrawlConfig c = CrawlConfig.load(
                write(CrawlYaml.only(Platforms.names(), Map.of("github", "repos: [a/b]"))), Map.of(), Platforms.ALL);
        assertEquals(
                List.of("github"), c.enabled().stream().map(SourceConfig::name).toList());
        assertEquals(List.of("a/b"), c.source("github").watch());
        assertThrows(
                IllegalArgumentException.class,
                () -> CrawlYaml.only(Platforms.names(), Map.of("gihtub", "repos: [a/b]")));
    }
}
