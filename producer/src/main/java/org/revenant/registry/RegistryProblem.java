package org.revenant.registry;

/**
 * One thing wrong with a registry file: which file, which line (0 when the problem has no single
 * line, e.g. a cross-file check), and what. The message is kept to one line: control characters
 * and line separators that came from the file are written as escapes.
 */
public record RegistryProblem(String file, int line, String message) {

    /** Longest piece of a file's text that a problem repeats; the rest is elided. */
    static final int MAX_QUOTED_CHARS = 120;

    public RegistryProblem {
        message = printable(message);
    }

    @Override
    public String toString() {
        return line > 0 ? file + ": line " + line + ": " + message : file + ": " + message;
    }

    /** A value from the file as a problem quotes it: in single quotes, shortened, on one line. */
    static String quote(String value) {
        String shown = value;
        if (value.length() > MAX_QUOTED_CHARS) {
            int cut = Character.isHighSurrogate(value.charAt(MAX_QUOTED_CHARS - 1)) ? MAX_QUOTED_CHARS - 1 : MAX_QUOTED_CHARS;
            shown = value.substring(0, cut) + "…(" + value.length() + " characters)";
        }
        return "'" + printable(shown) + "'";
    }

    static String printable(String text) {
        if (text == null) {
            return null;
        }
        StringBuilder out = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean escape = Character.isISOControl(c) || c == LINE_SEPARATOR || c == PARAGRAPH_SEPARATOR;
            if (escape && out == null) {
                out = new StringBuilder(text.length() + 16).append(text, 0, i);
            }
            if (escape) {
                out.append(String.format(java.util.Locale.ROOT, "\\u%04x", (int) c));
            } else if (out != null) {
                out.append(c);
            }
        }
        return out == null ? text : out.toString();
    }

    private static final char LINE_SEPARATOR = 0x2028;
    private static final char PARAGRAPH_SEPARATOR = 0x2029;
}
