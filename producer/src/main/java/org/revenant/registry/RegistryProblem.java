package org.revenant.registry;

/**
 * One thing wrong with a registry file: which file, which line (0 when the problem has no single
 * line, e.g. a cross-file check), and what.
 */
public record RegistryProblem(String file, int line, String message) {

    @Override
    public String toString() {
        return line > 0 ? file + ": line " + line + ": " + message : file + ": " + message;
    }
}
