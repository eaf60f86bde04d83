package org.revenant.crawl;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.revenant.config.ConfigException;
import org.revenant.fuzz.Fuzz;
import org.revenant.platforms.Platforms;

/**
 * Hostile crawler configurations: mutations of the documented example with wrong types, nulls,
 * tags, aliases, out-of-range numbers and durations. Each loads or fails with one
 * {@link ConfigException} line naming the file.
 */
@Timeout(30)
class CrawlConfigFuzzTest {

    @TempDir
    Path temp;

    @Test
    void mutatedConfigurationsLoadOrFailWithOneLine() throws Exception {
        List<String> lines = Files.readAllLines(Path.of("..", "docs", "revenant.example.yaml"), StandardCharsets.UTF_8);
        Fuzz.run("crawl config mutations", 3000, Duration.ofMillis(1500), Duration.ofSeconds(20), (random, i) -> {
            List<String> file = new ArrayList<>(lines);
            int rounds = 1 + random.nextInt(4);
            for (int r = 0; r < rounds; r++) {
                mutate(file, random);
            }
            load(String.join("\n", file), i);
        });
    }

    @Test
    void durationsTooLongForJavaAreAConfigurationError() throws Exception {
        for (String interval : List.of(
                "9999999999999999d",
                "9223372036854775807h",
                "99999999999999999999s",
                "P9999999999999999D",
                "PT9223372036854775807H")) {
            Path file =
                    Files.writeString(temp.resolve("c.yaml"), "sources:\n  github:\n    interval: " + interval + "\n");
            ConfigException e =
                    assertThrows(ConfigException.class, () -> CrawlConfig.load(file, Map.of(), Platforms.ALL));
            assertTrue(
                    e.getMessage().contains("line 3") && e.getMessage().contains("sources.github.interval"),
                    e.getMessage());
            Fuzz.assertClearMessage(e);
        }
    }

    @Test
    void valuesFromTheFileStayOnTheErrorLine() throws Exception {
        for (String yaml : List.of(
                "sources:\n  github:\n    interval: \"soon\\nlater\"\n",
                "sources:\n  github:\n    apiUrl: \"ftp://a\\u2028b\"\n",
                "sources:\n  github:\n    repos: [\"a\\r\\nb\"]\n",
                "crawl:\n  workers: '" + "9".repeat(5000) + "'\n",
                "\"bad\\nkey\": 1\n")) {
            Path file = Files.writeString(temp.resolve("c.yaml"), yaml);
            ConfigException e =
                    assertThrows(ConfigException.class, () -> CrawlConfig.load(file, Map.of(), Platforms.ALL));
            Fuzz.assertClearMessage(e);
            assertTrue(e.getMessage().length() < 600, e.getMessage());
        }
    }

    private void load(String yaml, int index) throws Exception {
        Path file = Files.writeString(temp.resolve("c" + index + ".yaml"), yaml);
        try {
            CrawlConfig config = CrawlConfig.load(file, Map.of(), Platforms.ALL);
            config.enabled().forEach(s -> assertTrue(s.interval().toMillis() > 0, s.toString()));
        } catch (ConfigException e) {
            Fuzz.assertClearMessage(e);
        } catch (RuntimeException e) {
            throw new AssertionError("configuration crashed the loader:\n" + Fuzz.shorten(yaml), e);
        } finally {
            Files.deleteIfExists(file);
        }
    }

    private static void mutate(List<String> file, SplittableRandom random) {
        String[] values = {
            "~",
            "''",
            "-1",
            "0",
            "65",
            "2147483648",
            "1.5",
            "true",
            "yes",
            "[]",
            "{}",
            "[a, b]",
            "9999999999999999d",
            "-5s",
            "0s",
            "P1D",
            "PT-1S",
            "soon",
            "ftp://x",
            "http://",
            "'http://[::1'",
            "!!binary x",
            "!!int abc",
            "*a",
            "&a 1",
            "\"\\u0000\"",
            "\"a\\nb\"",
            "名前",
            "x".repeat(70_000)
        };
        int at = random.nextInt(file.size() + 1);
        switch (random.nextInt(4)) {
            case 0 -> { // replace a value
                if (at < file.size() && file.get(at).contains(": ")) {
                    String line = file.get(at);
                    file.set(at, line.substring(0, line.indexOf(": ") + 2) + values[random.nextInt(values.length)]);
                }
            }
            case 1 -> { // replace a list entry
                if (at < file.size() && file.get(at).strip().startsWith("- ")) {
                    String line = file.get(at);
                    file.set(at, line.substring(0, line.indexOf("- ") + 2) + values[random.nextInt(values.length)]);
                }
            }
            case 2 -> { // a stray line
                String[] lines = {
                    "bogus: 1",
                    "crawl: ~",
                    "sources: ~",
                    "sources:\n  github: ~",
                    "  torrents: ~",
                    "  torrents: [x, ~, [y]]",
                    "  github: [a]",
                    "---",
                    "- x",
                    "crawl: {workers: *w}"
                };
                file.add(at, lines[random.nextInt(lines.length)]);
            }
            default -> { // delete a line
                if (at < file.size()) {
                    file.remove(at);
                }
            }
        }
    }
}
