package org.revenant.registry;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.revenant.avro.ReferenceFile;
import org.revenant.avro.RetractedDataset;
import org.revenant.avro.Signature;
import org.revenant.fuzz.Fuzz;

/**
 * Hostile registry files: YAML bombs, deep nesting, huge scalars, tags, wrong types, nulls, and
 * signatures generated at random. A file is either refused with {@link RegistryException} problems
 * of one line each, or every signature it yields is one the streams app can use.
 */
@Timeout(60)
class RegistryYamlFuzzTest {

    private static final String FILE = "registry/sample.yaml";

    @Test
    void mutatedRegistryFilesAreReadOrRefusedWithOneLineProblems() throws Exception {
        List<String> lines =
                Files.readAllLines(RegistryFixtures.REPO_REGISTRY.resolve("ms-celeb-1m.yaml"), StandardCharsets.UTF_8);
        Fuzz.run("registry mutations", 3000, Duration.ofMillis(2000), Duration.ofSeconds(30), (random, i) -> {
            List<String> file = new ArrayList<>(lines);
            int rounds = 1 + random.nextInt(4);
            for (int r = 0; r < rounds; r++) {
                mutate(file, random);
            }
            parse("registry/ms-celeb-1m.yaml", String.join("\n", file));
        });
    }

    @Test
    void generatedSignaturesAreRefusedOrUsable() {
        Fuzz.run("generated signatures", 5000, Duration.ofMillis(1500), Duration.ofSeconds(30), (random, i) -> {
            String[] signatures = new String[1 + random.nextInt(3)];
            for (int s = 0; s < signatures.length; s++) {
                signatures[s] = signature(random);
            }
            parse(FILE, RegistryFixtures.withSignatures(signatures));
        });
    }

    /** Parses under the property; returns normally whether the file is accepted or refused. */
    private static void parse(String name, String yaml) {
        try {
            RetractedDataset d = RegistryFile.parse(name, yaml);
            d.getSignatures().forEach(s -> assertUsable(s, yaml));
        } catch (RegistryException e) {
            assertFalse(e.problems().isEmpty());
            for (RegistryProblem p : e.problems()) {
                Fuzz.assertClearMessage(new RuntimeException(p.toString()));
            }
        } catch (RuntimeException e) {
            throw new AssertionError("registry file crashed the reader:\n" + Fuzz.shorten(yaml), e);
        }
    }

    /** What the streams app relies on for each kind (docs/registry-format.md). */
    static void assertUsable(Signature s, String yaml) {
        String what = s + " accepted from:\n" + Fuzz.shorten(yaml);
        switch (s.getKind()) {
            case BTIH -> assertTrue(s.getValue().matches("[0-9a-f]{40}|[0-9a-f]{64}"), what);
            case SHA256 -> assertTrue(s.getValue().matches("[0-9a-f]{64}"), what);
            case SHA1, GIT_BLOB -> assertTrue(s.getValue().matches("[0-9a-f]{40}"), what);
            case MD5 -> assertTrue(s.getValue().matches("[0-9a-f]{32}"), what);
            case FILE_SIZE -> assertTrue(s.getSize() != null && s.getSize() >= SignatureRules.MIN_FILE_SIZE, what);
            case FILE_NAME_SIZE ->
                assertTrue(
                        nonBlank(s.getValue()) && s.getSize() != null && s.getSize() >= SignatureRules.MIN_NAME_SIZE,
                        what);
            case FILE_NAME ->
                assertTrue(
                        nonBlank(s.getValue())
                                && !s.getValue().contains("/")
                                && (s.getMinSize() == null || s.getMinSize() >= 0)
                                && (s.getMaxSize() == null || s.getMaxSize() >= 0)
                                && (s.getMinSize() == null
                                        || s.getMaxSize() == null
                                        || s.getMinSize() <= s.getMaxSize()),
                        what);
            case PATH_PATTERN -> {
                assertTrue(nonBlank(s.getValue()) && s.getMinCount() != null && s.getMinCount() >= 1, what);
                Pattern p = Pattern.compile(s.getValue());
                assertFalse(p.matcher("").find(), what);
                assertTimeoutPreemptively(
                        Duration.ofSeconds(1),
                        () -> {
                            for (char c : "a0_-./ x".toCharArray()) {
                                p.matcher(String.valueOf(c).repeat(64) + "!").find();
                            }
                        },
                        what);
            }
            case DOWNLOAD_LINK ->
                assertTrue(
                        nonBlank(s.getValue())
                                && s.getValue().length() >= SignatureRules.MIN_LINK_LENGTH
                                && s.getValue().chars().noneMatch(Character::isWhitespace),
                        what);
            case ALIAS -> assertTrue(nonBlank(s.getValue()), what);
            case REFERENCE_MANIFEST -> {
                assertTrue(s.getFiles().size() >= 2, what);
                for (ReferenceFile f : s.getFiles()) {
                    assertTrue(nonBlank(f.getName()) && f.getSize() >= 0, what);
                }
            }
            default -> throw new AssertionError("kind without a usability rule: " + s.getKind());
        }
        assertTrue(s.getWeight() == null || (s.getWeight() > 0 && s.getWeight() <= 1), what);
    }

    private static boolean nonBlank(String s) {
        return s != null && !s.isBlank();
    }

    private static final String[] KINDS = {
        "BTIH",
        "SHA256",
        "SHA1",
        "MD5",
        "GIT_BLOB",
        "FILE_SIZE",
        "FILE_NAME_SIZE",
        "FILE_NAME",
        "PATH_PATTERN",
        "DOWNLOAD_LINK",
        "ALIAS",
        "REFERENCE_MANIFEST",
        "btih",
        "NOPE",
        "~",
        "''"
    };
    private static final String[] VALUES = {
        "~",
        "null",
        "''",
        "' '",
        "\"\"",
        "9e67eb7cc23c9417f39778a8e06cca5e26196a97",
        "9E67EB7CC23C9417F39778A8E06CCA5E26196A97",
        "9e67eb7cc23c9417f39778a8e06cca5e26196a9g",
        "0x9e67",
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
        "0123456789abcdef0123456789abcdef",
        "1234567890123456789012345678901234567890",
        "[a, b]",
        "{a: b}",
        "'(?:^|/)x\\d+\\.jpg$'",
        "'(a+)+$'",
        "'([a-z]+)*\\.jpg$'",
        "'(x|x)*y'",
        "'(.*a){12}'",
        "'[unclosed'",
        "'(?<n>a)\\k<m>'",
        "'.*'",
        "'a*'",
        "'x{99999}'",
        "'\\Qfoo\\E'",
        "'(?i)train\\.rec'",
        "drive.google.com/file/d/0B_abc123",
        "'has space'",
        "short",
        "train.rec",
        "a/b.jpg",
        "\"\\0nul\"",
        "\"line\\nbreak\"",
        "名前.jpg",
        "!!binary aGVsbG8=",
        "!!int abc",
        "!!float x",
        "&a anchor",
        "*a",
        "'" + "x".repeat(5000) + "'"
    };
    private static final String[] NUMBERS = {
        "~",
        "-1",
        "0",
        "1",
        "104857600",
        "104857599",
        "1048576",
        "1.5",
        "1e9",
        "0x10",
        "9223372036854775807",
        "9223372036854775808",
        "-9223372036854775808",
        ".nan",
        ".inf",
        "abc",
        "[1]",
        "1_000_000_000",
        "+5",
        "''"
    };
    private static final String[] FIELDS = {
        "value", "size", "minSize", "maxSize", "minCount", "files", "weight", "verified", "note", "bogus"
    };

    private static String signature(SplittableRandom random) {
        StringBuilder out = new StringBuilder("{kind: ").append(pick(random, KINDS));
        int fields = random.nextInt(5);
        for (int f = 0; f < fields; f++) {
            String field = pick(random, FIELDS);
            out.append(", ").append(field).append(": ");
            switch (field) {
                case "value", "note" -> out.append(pick(random, VALUES));
                case "files" -> out.append(files(random));
                case "verified" -> out.append(pick(random, "true", "false", "yes", "~", "1"));
                case "weight" -> out.append(pick(random, "0", "0.5", "1", "1.01", "-0.1", ".nan", "~", "x"));
                default -> out.append(pick(random, NUMBERS));
            }
        }
        return out.append('}').toString();
    }

    private static String files(SplittableRandom random) {
        int n = random.nextInt(4);
        List<String> items = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            items.add(
                    random.nextInt(6) == 0
                            ? pick(random, "~", "x", "[]")
                            : "{name: " + pick(random, "a.jpg", "b.jpg", "~", "''", "[x]") + ", size: "
                                    + pick(random, NUMBERS) + "}");
        }
        return random.nextInt(8) == 0 ? "~" : "[" + String.join(", ", items) + "]";
    }

    private static void mutate(List<String> file, SplittableRandom random) {
        String[] hostile = {
            "name: *x",
            "name: &x Sample",
            "aliases: &a [x, y]",
            "notes: *a",
            "<<: {id: x}",
            "notes: !!java.lang.Runtime {}",
            "notes: !!binary '@@'",
            "id: !!int abc",
            "? [a, b]\n: c",
            "- x",
            "notes: " + "[".repeat(60) + "]".repeat(60),
            "notes: " + "x".repeat(20_000),
            "notes: \"\\0\\u0007\\u2028\"",
            "notes: ~",
            "id:",
            "status: ~",
            "reasons: ~",
            "sources: [~]",
            "signatures: {}",
            "signatures: [~]",
            "\t- {kind: BTIH}",
            "---",
            "...",
            "%YAML 1.1",
            "notes: 名前 😀",
            "id: ms-celeb-1m",
            "id: ms-celeb-1m"
        };
        int at = random.nextInt(file.size() + 1);
        switch (random.nextInt(5)) {
            case 0 -> file.add(at, pick(random, hostile));
            case 1 -> {
                if (at < file.size()) {
                    file.remove(at);
                }
            }
            case 2 -> {
                if (!file.isEmpty()) {
                    file.add(at, file.get(random.nextInt(file.size())));
                }
            }
            case 3 -> {
                if (at < file.size() && !file.get(at).isEmpty()) {
                    String line = file.get(at);
                    int c = random.nextInt(line.length());
                    char[] noise = {
                        ':', '{', '}', '[', ']', ',', '\'', '"', '&', '*', '!', '#', '|', '>', '-', ' ', '\t', '\\'
                    };
                    file.set(at, line.substring(0, c) + noise[random.nextInt(noise.length)] + line.substring(c + 1));
                }
            }
            default -> {
                if (at < file.size()) {
                    file.set(
                            at,
                            file.get(at)
                                    .substring(0, random.nextInt(file.get(at).length() + 1)));
                }
            }
        }
    }

    @SafeVarargs
    private static <T> T pick(SplittableRandom random, T... options) {
        return options[random.nextInt(options.length)];
    }

    static List<String> problems(String yaml) {
        RegistryException e = assertThrows(RegistryException.class, () -> RegistryFile.parse(FILE, yaml));
        return e.problems().stream().map(RegistryProblem::toString).toList();
    }

    static void assertRefused(String yaml, String expected) {
        List<String> problems = problems(yaml);
        assertTrue(problems.stream().anyMatch(p -> p.contains(expected)), "expected '" + expected + "' in " + problems);
    }

    @Test
    void problemsQuoteTheFileOnOneShortLine() {
        String[] files = {
            RegistryFixtures.withSignatures("{kind: BTIH, value: '" + "x".repeat(5000) + "'}"),
            RegistryFixtures.withSignatures("{kind: SHA1, value: \"ab\\ncd\"}"),
            RegistryFixtures.withSignatures("{kind: DOWNLOAD_LINK, value: \"a\\u2028b\"}"),
            RegistryFixtures.VALID.replace("status: retracted", "status: \"retracted\\r\\nid: x\""),
            RegistryFixtures.VALID + "\"bad\\nkey\": 1\n",
            RegistryFixtures.VALID + "\"" + "k".repeat(3000) + "\": 1\n",
        };
        for (String yaml : files) {
            for (String problem : problems(yaml)) {
                Fuzz.assertClearMessage(new RuntimeException(problem));
                assertTrue(problem.length() < 400, problem);
            }
        }
    }

    @Test
    void aliasesAreRefusedRatherThanReadAsTheAnchorName() {
        assertRefused(RegistryFixtures.VALID.replace("name: Sample", "name: &n Sample\nretractedBy: *n"), "alias");
        StringBuilder laughs = new StringBuilder(RegistryFixtures.VALID).append("notes: &l0 [lol, lol, lol]\n");
        for (int i = 1; i < 10; i++) {
            laughs.append("l")
                    .append(i)
                    .append(": &l")
                    .append(i)
                    .append(" [")
                    .append(("*l" + (i - 1) + ", ").repeat(9))
                    .append("*l")
                    .append(i - 1)
                    .append("]\n");
        }
        assertTimeoutPreemptively(Duration.ofSeconds(2), () -> assertRefused(laughs.toString(), "alias"));
    }

    @Test
    void hugeInputIsRefusedBeforeTheYamlParserSpendsSecondsOnIt() {
        String longLine = RegistryFixtures.VALID + "notes: " + "x".repeat(200_000) + "\n";
        assertTimeoutPreemptively(Duration.ofSeconds(2), () -> assertRefused(longLine, "longer than 65536 characters"));
        String manyLines = RegistryFixtures.VALID + "notes: |\n" + ("  " + "x".repeat(70) + "\n").repeat(20_000);
        assertTimeoutPreemptively(
                Duration.ofSeconds(2), () -> assertRefused(manyLines, "more than 1048576 characters"));
        String deep = RegistryFixtures.VALID + "notes: " + "[".repeat(500) + "]".repeat(500) + "\n";
        assertTimeoutPreemptively(Duration.ofSeconds(2), () -> assertRefused(deep, "nesting depth"));
    }

    @Test
    void aHugeRegistryFileIsNotReadIntoMemory(@TempDir Path temp) throws Exception {
        Path dir = RegistryFixtures.registryDir(temp);
        Path file = dir.resolve("sample.yaml");
        try (var out = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            out.write(ByteBuffer.wrap(new byte[] {'#'}), 3L << 30); // sparse: 3 GiB, nothing on disk
        }
        long before = Fuzz.allocatedBytes();
        RegistryException e = assertThrows(RegistryException.class, () -> RegistryLoader.load(dir));
        assertTrue(e.getMessage().contains("more than"), e.getMessage());
        assertTrue(Fuzz.allocatedBytes() - before < 64L << 20, "read the whole file");
    }

    @Test
    void theBundledRegistryIsUsable() {
        for (RetractedDataset d : RegistryLoader.load(RegistryFixtures.REPO_REGISTRY)) {
            d.getSignatures().forEach(s -> assertUsable(s, d.getId()));
        }
    }
}
