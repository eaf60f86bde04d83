package org.revenant.source.manifest;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.revenant.fuzz.Fuzz;

/**
 * Hostile manifests: deep nesting, huge numbers and strings, wrong types, NUL and control
 * characters, non-Latin text, odd encodings, and mutations of a valid manifest. Each is read or
 * rejected with a one-line {@link ManifestException}; an {@link IOException} is only for a file
 * that cannot be read, never for what it contains.
 */
@Timeout(30)
class ManifestJsonFuzzTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-22T00:00:00Z"), ZoneOffset.UTC);
    private static final String VALID = """
            {"mirror": {"platform": "github", "locator": "Owner/Repo", "url": "https://github.com/Owner/Repo",
              "title": "t", "description": "d", "status": "PRESENT"},
             "observedAt": "2026-11-22T00:00:00Z",
             "text": "# readme",
             "files": [
              {"path": "data/a.tsv", "size": 91124295076, "lfsSha256": "5c1b6e4f0f7c3a0e9d7b2a1c4e6f8a0b2c4d6e8f0a1b3c5d7e9f1a3b5c7d9e1f"},
              {"path": "README.md", "size": 1160, "sha1": "f2ba8f84ab5c1bce84a7b441cb1959cfc7093b7f", "md5": "0123456789abcdef0123456789abcdef"},
              {"path": "t/ms1m.torrent", "size": 48211, "btih": "9e67eb7cc23c9417f39778a8e06cca5e26196a97"},
              {"path": "README.md#download", "kind": "LINK", "ref": "https://example.org/x"}
             ]}
            """;

    @TempDir
    Path temp;

    @Test
    void mutatedManifestsAreReadOrRejectedWithOneLine() {
        byte[] base = VALID.getBytes(StandardCharsets.UTF_8);
        Fuzz.run("manifest mutations", 3000, Duration.ofMillis(1500), Duration.ofSeconds(20), (random, i) -> {
            byte[] json = base.clone();
            int rounds = 1 + random.nextInt(4);
            for (int r = 0; r < rounds; r++) {
                json = mutate(json, random);
            }
            read(json, i);
        });
    }

    @Test
    void controlCharactersInNamesAndValuesStayOffTheErrorLine() throws Exception {
        String[] manifests = {
            "{\"mirror\": {\"platform\": \"git\\nhub\", \"locator\": \"x\"}, \"files\": []}",
            "{\"mirror\": {\"platf\\r\\norm\": \"github\"}, \"files\": []}",
            "{\"mirror\": {\"platform\": \"github\", \"locator\": \"o/r\", \"status\": \"UP\\nDOWN\"}, \"files\": []}",
            "{\"mirror\": {\"platform\": \"github\", \"locator\": \"o/r\"}, \"files\": [{\"path\": \"/a\\nb\"}]}",
            "{\"mirror\": {\"platform\": \"github\", \"locator\": \"o/r\"}, \"files\": [{\"path\": \"a\", \"sha1\": \"x\\u2028y\"}]}",
            "{\"mirror\": {\"platform\": \"github\", \"locator\": \"o/r\"}, \"observedAt\": \"\\n2026\", \"files\": []}",
            "{\"mirror\": {\"platform\": \"github\", \"locator\": \"o/r\"}, \"files\": [{\"path\": \"a\"}, {\"path\": \"a\"}]}",
        };
        for (String json : manifests) {
            ManifestException e =
                    assertThrows(ManifestException.class, () -> read(json.getBytes(StandardCharsets.UTF_8)));
            Fuzz.assertClearMessage(e);
        }
    }

    @Test
    void structuresBuiltToExhaustTheReaderAreRefusedQuickly() throws Exception {
        String[] hostile = {
            "[".repeat(100_000),
            "{\"mirror\": " + "{\"a\": ".repeat(50_000),
            "{\"files\": [" + "1".repeat(100_000) + "]}",
            "{\"files\": [{\"path\": \"a\", \"size\": 1e999999999}]}",
            "{\"files\": [{\"path\": \"a\", \"size\": -" + "9".repeat(60) + "}]}",
            "{\"" + "k".repeat(2_000_000) + "\": 1}",
            "{\"text\": \"" + "é".repeat(17_000_000) + "\"}",
            "{\"files\": [" + "{},".repeat(300_000) + "{}]}",
        };
        for (String json : hostile) {
            ManifestException e =
                    assertThrows(ManifestException.class, () -> read(json.getBytes(StandardCharsets.UTF_8)));
            Fuzz.assertClearMessage(e);
        }
    }

    @Test
    void otherEncodingsAndBrokenBytesAreContentProblems() throws Exception {
        byte[][] inputs = {
            {0, 0, 0, '{', 0, 0, 0, '"'}, // looks like UTF-32BE, then ends
            {0, 0, 0, '{', (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0, 0, 0, '}'},
            {'{', 0, '"', 0}, // looks like UTF-16LE
            {(byte) 0xFF, (byte) 0xFE, 0, 0, '{', 0, 0, 0},
            {'{', '"', (byte) 0xC3, '"', ':', '1', '}'}, // a lone UTF-8 lead byte
            {'{', '"', (byte) 0xED, (byte) 0xA0, (byte) 0x80, '"', '}'},
            {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF, (byte) 0xEF, (byte) 0xBB, (byte) 0xBF, '{', '}'},
        };
        for (byte[] input : inputs) {
            ManifestException e = assertThrows(ManifestException.class, () -> read(input));
            Fuzz.assertClearMessage(e);
        }
    }

    private Manifest read(byte[] json) throws Exception {
        return assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
            Path file = Files.write(temp.resolve("m.json"), json);
            return ManifestJson.read(file, CLOCK);
        });
    }

    private void read(byte[] json, int index) throws IOException {
        Path file = Files.write(temp.resolve("m" + index + ".json"), json);
        try {
            Manifest m = ManifestJson.read(file, CLOCK);
            assertTrue(
                    m.mirror().getKey().contains(":"),
                    "mirror key " + m.mirror().getKey());
        } catch (ManifestException e) {
            Fuzz.assertClearMessage(e);
        } catch (IOException | RuntimeException e) {
            throw new AssertionError(
                    "manifest " + Fuzz.shorten(new String(json, StandardCharsets.UTF_8))
                            + " was not answered with a ManifestException",
                    e);
        } finally {
            Files.deleteIfExists(file);
        }
    }

    private static byte[] mutate(byte[] in, SplittableRandom random) {
        String[] inserts = {
            "{",
            "}",
            "[",
            "]",
            ",",
            ":",
            "\"",
            "\\",
            "\\u0000",
            "\\ud800",
            "null",
            "true",
            "1.0",
            "-0",
            "1e400",
            "123456789012345678901234567890",
            "\"size\": \"1\"",
            "\"path\": 5",
            "\"files\": {}",
            "\"mirror\": []",
            "\u0000",
            "\u0007",
            "\u2028",
            "\u202e",
            "名前",
            "😀",
            "\"kind\": \"LINK\"",
            "\"btih\": \"zz\"",
            "\"ref\": null",
            "\"path\": \"../x\"",
            "\"path\": \"C:x\"",
            "\"x\": 1",
            "[".repeat(20),
            "{\"a\":".repeat(20),
            "\"" + "x".repeat(70_000) + "\""
        };
        if (in.length == 0) {
            return "{".getBytes(StandardCharsets.UTF_8);
        }
        int at = random.nextInt(in.length + 1);
        byte[] insert;
        int remove = 0;
        switch (random.nextInt(5)) {
            case 0 -> insert = inserts[random.nextInt(inserts.length)].getBytes(StandardCharsets.UTF_8);
            case 1 -> {
                insert = new byte[1 + random.nextInt(6)];
                random.nextBytes(insert);
                remove = Math.min(insert.length, in.length - at);
            }
            case 2 -> {
                insert = new byte[0];
                remove = in.length - at;
            }
            case 3 -> {
                int from = random.nextInt(in.length + 1);
                insert = Arrays.copyOfRange(in, from, Math.min(in.length, from + random.nextInt(300)));
            }
            default -> {
                insert = new byte[0];
                remove = Math.min(in.length - at, random.nextInt(20));
            }
        }
        byte[] out = new byte[in.length - remove + insert.length];
        System.arraycopy(in, 0, out, 0, at);
        System.arraycopy(insert, 0, out, at, insert.length);
        System.arraycopy(in, at + remove, out, at + insert.length, in.length - at - remove);
        return out;
    }
}
