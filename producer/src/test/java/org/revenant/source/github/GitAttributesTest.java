package org.revenant.source.github;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class GitAttributesTest {

    static final String ATTACK = "*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*c filter=lfs\n";

    @Test
    void theBacktrackingAttackIsAnsweredAtOnce() {
        GitAttributes attributes = GitAttributes.parse(ATTACK);
        String name = "a".repeat(250);
        assertTimeoutPreemptively(Duration.ofSeconds(2), () -> {
            assertFalse(attributes.tracked(name));
            assertFalse(attributes.tracked("dir/" + name));
            assertTrue(attributes.tracked("dir/" + name + "c"), "the pattern still works");
        });
    }

    @Test
    void theAttackOnAMillionFilesStaysWithinTheStepBudget() {
        GitAttributes attributes = GitAttributes.parse(ATTACK.repeat(GitAttributes.MAX_PATTERNS));
        String path = "x/" + "a".repeat(250);
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
            for (int i = 0; i < 1_000_000; i++) {
                attributes.tracked(path);
            }
        });
        assertTrue(attributes.exhausted(), "a million hostile checks used up the budget");
        assertFalse(attributes.tracked("x/" + "a".repeat(10) + "c"), "after the budget, nothing is LFS");
    }

    @Test
    void patternCountAndLengthAreBounded() {
        StringBuilder many = new StringBuilder();
        for (int i = 0; i < 10_000; i++) {
            many.append("*.ext").append(i).append(" filter=lfs\n");
        }
        GitAttributes a = GitAttributes.parse(many.toString());
        assertEquals(GitAttributes.MAX_PATTERNS, a.size());
        assertTrue(a.tracked("f.ext0"));
        assertFalse(a.tracked("f.ext9999"), "patterns past the cap are not read");

        String longPattern = "*" + "b".repeat(GitAttributes.MAX_PATTERN_CHARS) + " filter=lfs\n";
        assertTrue(GitAttributes.parse(longPattern + "*.bin filter=lfs\n").tracked("x.bin"));
        assertEquals(
                1, GitAttributes.parse(longPattern + "*.bin filter=lfs\n").size(), "an over-long pattern is ignored");
    }

    @Test
    void onlyFilterLfsLinesCount() {
        GitAttributes a = GitAttributes.parse("""
                # comment *.tsv filter=lfs
                *.txt text eol=lf
                *.tsv filter=lfs diff=lfs merge=lfs -text
                """);
        assertEquals(1, a.size());
        assertTrue(a.tracked("data/x.tsv"));
        assertFalse(a.tracked("notes.txt"));
    }

    /** The patterns people write, where the regex translation this replaced and gitattributes agree. */
    static final List<String> NORMAL = List.of(
            "*.bin",
            "*.tar.gz",
            "data/**",
            "**/*.tsv",
            "a/b/*.zip",
            "data/*/x.bin",
            "?.bin",
            "img_??.png",
            "*.parquet",
            "models/*.pt",
            "**/images/*",
            "*",
            "x*y*z",
            "d/**/e.bin");

    @Test
    void agreesWithTheFormerRegexTranslationOnNormalPatterns() {
        long seed = System.nanoTime();
        System.out.println("GitAttributesTest.agreesWithTheFormerRegexTranslationOnNormalPatterns seed=" + seed);
        Random random = new Random(seed);
        String[] parts = {
            "a",
            "b",
            "d",
            "e",
            "data",
            "images",
            "x",
            "y",
            "z",
            "models",
            "x.bin",
            "e.bin",
            "f.tsv",
            "g.tar.gz",
            "h.zip",
            "i.pt",
            "1.bin",
            "img_01.png",
            "q.parquet",
            "xyz",
            "xaybz"
        };
        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
            int compared = 0;
            for (int n = 0; n < 20_000; n++) {
                int depth = 2 + random.nextInt(4); // at the root "**/" and "/**/" differ, see below
                StringBuilder path = new StringBuilder();
                for (int d = 0; d < depth; d++) {
                    path.append(d == 0 ? "" : "/").append(parts[random.nextInt(parts.length)]);
                }
                String pattern = NORMAL.get(random.nextInt(NORMAL.size()));
                if (pattern.equals("d/**/e.bin") && path.toString().startsWith("d/e.bin")
                        || pattern.equals("**/images/*") && path.toString().startsWith("images/")) {
                    continue; // "**/" matching zero directories: a deliberate difference, tested below
                }
                boolean expected = formerRegex(pattern, path.toString());
                assertEquals(
                        expected,
                        Glob.compile(pattern).matches(path.toString()),
                        "seed " + seed + ": " + pattern + " on " + path);
                compared++;
            }
            assertTrue(compared > 10_000, "compared " + compared);
        });
    }

    @Test
    void gitattributesSemanticsWhereTheRegexWasWrong() {
        assertTrue(Glob.compile("**/*.tsv").matches("x.tsv"), "**/ matches zero directories");
        assertTrue(Glob.compile("d/**/e.bin").matches("d/e.bin"));
        assertTrue(Glob.compile("d/**/e.bin").matches("d/1/2/e.bin"));
        assertFalse(Glob.compile("/top.bin").matches("sub/top.bin"), "a leading slash anchors at the root");
        assertTrue(Glob.compile("/top.bin").matches("top.bin"));
        assertFalse(Glob.compile("foo**bar").matches("foo/bar"), "** inside a name is a plain *");
        assertTrue(Glob.compile("foo**bar").matches("fooXbar"));
        assertTrue(Glob.compile("*.[bB]in").matches("x/y.Bin"));
        assertFalse(Glob.compile("*.[!b]in").matches("y.bin"));
        assertTrue(Glob.compile("[0-9]*.bin").matches("7z.bin"));
        assertTrue(Glob.compile("a\\*b").matches("a*b"));
        assertFalse(Glob.compile("a\\*b").matches("axb"));
        assertFalse(Glob.compile("data/").matches("data/x"), "a directory pattern matches no file");
        assertTrue(Glob.compile("data/**").matches("data/x/y.bin"));
        assertFalse(Glob.compile("data/**").matches("other/data/x"));
        assertTrue(Glob.compile("*.bin").matches("deep/er/x.bin"), "no slash: the name at any depth");
        assertFalse(Glob.compile("a/*.zip").matches("a/b/c.zip"), "* never crosses a slash");
        assertTrue(Glob.compile("[").matches("["), "an unterminated class is a literal");
    }

    @Test
    void generatedPatternsAndPathsAreFastAndTotal() {
        long seed = System.nanoTime();
        System.out.println("GitAttributesTest.generatedPatternsAndPathsAreFastAndTotal seed=" + seed);
        Random random = new Random(seed);
        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
            for (int n = 0; n < 2_000; n++) {
                String pattern =
                        randomString(random, "ab*?/c[]!\\", 1 + random.nextInt(GitAttributes.MAX_PATTERN_CHARS));
                Glob g = Glob.compile(pattern);
                for (int k = 0; k < 5; k++) {
                    String path = randomString(random, "ab/c.", random.nextInt(300));
                    g.matches(path); // total: no exception, bounded by tokens × length
                }
            }
            // a pattern made only of stars and literals is also checked against the regex on small inputs
            for (int n = 0; n < 2_000; n++) {
                String pattern =
                        randomString(random, "ab*c", 1 + random.nextInt(8)).replace("**", "*");
                String path = randomString(random, "abc", random.nextInt(12));
                assertEquals(
                        formerRegex(pattern, path),
                        Glob.compile(pattern).matches(path),
                        "seed " + seed + ": " + pattern + " on " + path);
            }
        });
    }

    private static String randomString(Random random, String chars, int length) {
        StringBuilder b = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            b.append(chars.charAt(random.nextInt(chars.length())));
        }
        return b.toString();
    }

    /** The translation GitAttributes used before (backtracking; only safe on these small inputs). */
    static boolean formerRegex(String glob, String path) {
        String g = glob.startsWith("/") ? glob.substring(1) : glob;
        StringBuilder re = new StringBuilder();
        for (int i = 0; i < g.length(); i++) {
            char c = g.charAt(i);
            if (c == '*' && i + 1 < g.length() && g.charAt(i + 1) == '*') {
                re.append(".*");
                i++;
            } else if (c == '*') {
                re.append("[^/]*");
            } else if (c == '?') {
                re.append("[^/]");
            } else {
                re.append(Pattern.quote(String.valueOf(c)));
            }
        }
        Pattern p = Pattern.compile(re.toString());
        String base = path.substring(path.lastIndexOf('/') + 1);
        return p.matcher(path).matches() || p.matcher(base).matches();
    }
}
