package org.revenant.registry;

/**
 * One thing wrong with a registry file: which file, which line (0 when the problem has no single
 * line, e.g. a cross-file check), and what. The message is kept to one line: control characters
 * and line separators that came from the file are written as escapes.
 */
public record RegistryProblem(String file, int line, String message) {

    public RegistryProblem {
        message = printable(message);
    }

    @Override
    public String toString() {
        return line > 0 ? file + ": line " + line + ": " + message : file + ": " + message;
    }

    /** A value from the file as a problem quotes it: in single quotes, shortened, on one line. */
    static String quote(String value) {
        return YamlTree.quote(value);
    }

    static String printable(String text) {
        return YamlTree.printable(text);
    }
}
