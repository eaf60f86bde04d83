package org.revenant.source.github;

import java.util.ArrayList;
import java.util.List;

/**
 * The paths a repository's {@code .gitattributes} hands to Git LFS ({@code filter=lfs}).
 *
 * <p>The file is written by whoever owns the repository, so everything about it is bounded: at
 * most {@link #MAX_PATTERNS} LFS patterns of at most {@link #MAX_PATTERN_CHARS} characters are read
 * (longer ones are ignored), each check is linear in the pattern and path (see {@link Glob}), and
 * all checks of one crawl together get {@link #MAX_STEPS} steps; past that, no further path is
 * treated as LFS (its entry is still listed, with its Git blob SHA-1).
 */
final class GitAttributes {

    static final int MAX_PATTERNS = 256;
    static final int MAX_PATTERN_CHARS = 256;
    static final long MAX_STEPS = 200_000_000L;

    private final List<Glob> lfs;
    private long stepsLeft;

    private GitAttributes(List<Glob> lfs, long steps) {
        this.lfs = lfs;
        this.stepsLeft = steps;
    }

    static GitAttributes parse(String text) {
        return parse(text, MAX_STEPS);
    }

    static GitAttributes parse(String text, long maxSteps) {
        List<Glob> patterns = new ArrayList<>();
        for (String raw : text.split("\n")) {
            if (patterns.size() >= MAX_PATTERNS) {
                break;
            }
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] parts = line.split("\\s+");
            boolean isLfs = false;
            for (int i = 1; i < parts.length; i++) {
                if (parts[i].equals("filter=lfs")) {
                    isLfs = true;
                }
            }
            if (isLfs && parts[0].length() <= MAX_PATTERN_CHARS) {
                patterns.add(Glob.compile(parts[0]));
            }
        }
        return new GitAttributes(List.copyOf(patterns), maxSteps);
    }

    boolean isEmpty() {
        return lfs.isEmpty();
    }

    int size() {
        return lfs.size();
    }

    /** True once the checks have used up their budget: every later path is answered "not LFS". */
    boolean exhausted() {
        return stepsLeft <= 0;
    }

    boolean tracked(String path) {
        for (Glob g : lfs) {
            stepsLeft -= g.cost(path);
            if (stepsLeft < 0) {
                stepsLeft = 0;
                return false;
            }
            if (g.matches(path)) {
                return true;
            }
        }
        return false;
    }
}
