package org.revenant.registry;

import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Writes small registry files into a temporary registry/ folder for the tests. */
final class RegistryFixtures {

    /** A valid file for id {@code sample}; tests change or append lines to break one rule. */
    static final String VALID = """
            id: sample
            name: Sample
            status: retracted
            retractedOn: 2019-06-06
            reasons: [ethical]
            sources:
              - {title: Statement, url: "https://example.org/statement"}
            signatures:
              - {kind: BTIH, value: 9e67eb7cc23c9417f39778a8e06cca5e26196a97}
            """;

    /** The repo-root registry/ (surefire runs in the producer module folder). */
    static final Path REPO_REGISTRY = Path.of("..", "registry");

    private RegistryFixtures() {}

    static Path registryDir(Path temp) {
        Path dir = temp.resolve("registry");
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return dir;
    }

    static Path write(Path dir, String fileName, String yaml) {
        try {
            return Files.writeString(dir.resolve(fileName), yaml, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes {@code sample.yaml}, loads the folder, and returns the problems as printed. */
    static List<String> problemsOf(Path temp, String yaml) {
        Path dir = registryDir(temp);
        write(dir, "sample.yaml", yaml);
        RegistryException e = assertThrows(RegistryException.class, () -> RegistryLoader.load(dir));
        return e.problems().stream().map(RegistryProblem::toString).toList();
    }

    /** VALID with its signature list replaced by the given flow-mapping lines. */
    static String withSignatures(String... lines) {
        StringBuilder b = new StringBuilder(VALID.substring(0, VALID.indexOf("signatures:\n")));
        b.append("signatures:\n");
        for (String l : lines) {
            b.append("  - ").append(l).append('\n');
        }
        return b.toString();
    }
}
