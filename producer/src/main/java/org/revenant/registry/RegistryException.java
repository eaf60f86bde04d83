package org.revenant.registry;

import java.util.List;
import java.util.stream.Collectors;

/**
 * The registry could not be read. Carries every problem found, so a user fixes them all in one
 * pass. With one problem the message is exactly {@code file: line N: what}; with several it is a
 * count followed by one such line per problem.
 */
public class RegistryException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient List<RegistryProblem> problems;

    public RegistryException(List<RegistryProblem> problems) {
        super(describe(problems));
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("a RegistryException needs at least one problem");
        }
        this.problems = List.copyOf(problems);
    }

    public List<RegistryProblem> problems() {
        return problems;
    }

    private static String describe(List<RegistryProblem> problems) {
        if (problems.size() == 1) {
            return problems.get(0).toString();
        }
        return problems.size() + " registry problems:"
                + problems.stream().map(p -> System.lineSeparator() + "  " + p).collect(Collectors.joining());
    }
}
