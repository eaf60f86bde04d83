package org.revenant.registry;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Decides whether a regex can be a {@code PATH_PATTERN} signature. The streams app runs every
 * pattern against every path of every mirror, and a hostile mirror chooses its paths (up to 4,096
 * characters), so besides compiling and not matching the empty path a pattern must stay cheap on
 * any path, and must not overflow a thread's stack.
 *
 * <p>The pattern is run against probe paths made of its own characters, ended by characters few
 * patterns accept so that every match attempt fails and backtracks fully, with its character
 * reads counted. An ordinary pattern searched in a path costs about the square of its length
 * (each start position scans the rest); a pattern whose repetitions overlap, such as
 * {@code (\d+\d+)+x}, costs orders of magnitude more and is refused. Java's matcher recurses once
 * per repetition of an alternation such as {@code (x|y)*}, so the longest probes run on a thread
 * with an ordinary stack.
 */
public final class PathPatterns {

    /** Longer patterns are not something a reviewer can check by eye. */
    public static final int MAX_CHARS = 1024;
    /** The longest path a mirror can hold (manifest format, torrent reader). */
    public static final int MAX_PATH_CHARS = 4096;

    static final int PROBE_CHARS = 512;
    /** Sixteen times the square of the probe: ordinary patterns need under two. */
    static final long READS_PER_PROBE = 16L * PROBE_CHARS * PROBE_CHARS;

    private static final long STACK_BYTES = 1L << 20;
    private static final String ENDING = "\n\u0000";
    private static final String COMMON = "a0/";
    private static final int MAX_PROBE_CHARS = 12;

    /** Verdicts of recent checks: a registry is loaded again and again with the same patterns. */
    private static final Map<String, Optional<String>> VERDICTS =
            Collections.synchronizedMap(new LinkedHashMap<>(64, 0.75f, true) {
                private static final long serialVersionUID = 1L;

                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Optional<String>> eldest) {
                    return size() > 256;
                }
            });

    private PathPatterns() {}

    /** Why {@code regex} cannot be a PATH_PATTERN, or null when it can. */
    public static String problem(String regex) {
        if (regex == null) {
            return "regex is empty";
        }
        Optional<String> known = VERDICTS.get(regex);
        if (known == null) {
            known = Optional.ofNullable(check(regex));
            VERDICTS.put(regex, known);
        }
        return known.orElse(null);
    }

    private static String check(String regex) {
        if (regex.isBlank()) {
            return "regex is empty";
        }
        if (regex.length() > MAX_CHARS) {
            return "regex is longer than " + MAX_CHARS + " characters";
        }
        Pattern pattern;
        try {
            pattern = Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
            return "regex does not compile: " + e.getDescription() + " near index " + e.getIndex();
        } catch (StackOverflowError e) {
            return "regex is nested too deeply to compile";
        }
        if (pattern.matcher("").find()) {
            return "regex matches an empty path, so it would match every file";
        }
        Set<Character> chars = new LinkedHashSet<>();
        for (int i = 0; i < regex.length() && chars.size() < MAX_PROBE_CHARS; i++) {
            char c = regex.charAt(i);
            if (Character.isLetterOrDigit(c) || "_-./ ".indexOf(c) >= 0) {
                chars.add(c);
            }
        }
        for (char c : COMMON.toCharArray()) {
            chars.add(c);
        }
        String cost = cost(pattern, chars);
        return cost != null ? cost : recursion(pattern, chars);
    }

    private static String cost(Pattern pattern, Set<Character> chars) {
        for (char c : chars) {
            String path = String.valueOf(c).repeat(PROBE_CHARS) + ENDING;
            if (reads(pattern, path, READS_PER_PROBE) < 0) {
                return "regex backtracks catastrophically: more than " + READS_PER_PROBE + " steps on the "
                        + path.length() + "-character path " + RegistryProblem.quote(path)
                        + " (overlapping repetition such as (\\d+\\d+)+)";
            }
        }
        return null;
    }

    /** Runs the longest probes on a thread with an ordinary stack, as the streams app's threads have. */
    private static String recursion(Pattern pattern, Set<Character> chars) {
        String[] problem = {null};
        Thread probe = new Thread(
                null,
                () -> {
                    for (char c : chars) {
                        String path = String.valueOf(c).repeat(MAX_PATH_CHARS - ENDING.length()) + ENDING;
                        try {
                            // The first match attempt reaches full depth within a few reads per character.
                            reads(pattern, path, 64L * MAX_PATH_CHARS);
                        } catch (StackOverflowError e) {
                            problem[0] = "regex recurses too deeply on a " + path.length() + "-character path such as "
                                    + RegistryProblem.quote(path) + " (alternation inside a repetition such as (x|y)*;"
                                    + " a character class such as [xy]* does not)";
                            return;
                        }
                    }
                },
                "path-pattern-check",
                STACK_BYTES);
        probe.start();
        try {
            probe.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "regex check interrupted";
        }
        return problem[0];
    }

    /** Character reads of one {@code find} on {@code path}, or -1 past {@code budget}. */
    private static long reads(Pattern pattern, String path, long budget) {
        Reads reads = new Reads(path, budget);
        try {
            pattern.matcher(reads).find();
        } catch (TooManyReads e) {
            return -1;
        }
        return reads.count;
    }

    /** A path that counts how often the matcher reads it and stops the match past a budget. */
    private static final class Reads implements CharSequence {
        private final String text;
        private final long budget;
        private long count;

        Reads(String text, long budget) {
            this.text = text;
            this.budget = budget;
        }

        @Override
        public char charAt(int index) {
            if (++count > budget) {
                throw new TooManyReads();
            }
            return text.charAt(index);
        }

        @Override
        public int length() {
            return text.length();
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            return text.subSequence(start, end);
        }

        @Override
        public String toString() {
            return text;
        }
    }

    private static final class TooManyReads extends RuntimeException {
        private static final long serialVersionUID = 1L;

        TooManyReads() {
            super(null, null, false, false);
        }
    }
}
