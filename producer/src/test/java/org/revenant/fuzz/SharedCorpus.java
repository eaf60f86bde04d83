package org.revenant.fuzz;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The shared corpus of real and malformed torrents (README of {@code shared/corpus}). It is not
 * part of the project: tests read it where it is and never copy it in. Found through
 * {@code REVENANT_CORPUS}, else as {@code shared/corpus} in the working directory or any folder
 * above it, which covers a checkout at {@code /work/<name>/} next to {@code /work/shared/} and a
 * CI clone beside the corpus.
 */
public final class SharedCorpus {

    public static final String ENV = "REVENANT_CORPUS";

    private SharedCorpus() {}

    /** Where the corpus is, if anywhere; a REVENANT_CORPUS that names no folder is an error. */
    public static Optional<Path> find() {
        String configured = System.getenv(ENV);
        if (configured != null && !configured.isBlank()) {
            Path dir = Path.of(configured);
            if (!Files.isDirectory(dir)) {
                fail(ENV + "=" + configured + " is not a directory");
            }
            return Optional.of(dir);
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("shared").resolve("corpus");
            if (Files.isDirectory(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /** The corpus, or the test is skipped with a line that says so in the build output. */
    public static Path require() {
        Optional<Path> dir = find();
        if (dir.isEmpty()) {
            String message = "NO SHARED CORPUS: set " + ENV + " or put the corpus at ../shared/corpus next to the"
                    + " checkout (searched upward from " + Path.of("").toAbsolutePath() + "); corpus tests skipped";
            System.err.println(message);
            assumeTrue(false, message);
        }
        return dir.get();
    }

    /** The corpus, or empty without skipping: for tests that can fall back to inputs of their own. */
    public static Optional<Path> optional() {
        return find();
    }
}
