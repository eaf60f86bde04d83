package org.revenant.http;

/**
 * Crawled text made safe for the documents Revenant writes (evidence bundles, census reports):
 * one line, Markdown that renders as the text itself, HTML and XML text, CSV cells.
 */
public final class TextEscapes {

    private TextEscapes() {}

    /** Text on one line: line breaks and control characters become spaces, so no value can fake a line of its own. */
    public static String oneLine(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            out.append(c < 0x20 || c == 0x7f || c == '\u2028' || c == '\u2029' || c == '\u0085' ? ' ' : c);
        }
        return out.toString();
    }

    /**
     * Text as Markdown that renders as that text: every ASCII punctuation character that Markdown
     * could read as syntax is backslash-escaped, and line breaks and control characters become spaces.
     */
    public static String markdown(String text) {
        String line = oneLine(text);
        StringBuilder out = new StringBuilder(line.length() + 16);
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if ("\\`*_{}[]()<>#+-.!|~\"'&:=".indexOf(c) >= 0) {
                out.append('\\');
            }
            out.append(c);
        }
        return out.toString();
    }

    /** Text for HTML or XML content and attribute values. */
    public static String html(String text) {
        StringBuilder out = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    /**
     * One CSV cell (RFC 4180): on one line, quoted when it holds a comma or quote, and a leading
     * {@code = + - @} is prefixed with {@code '} so a spreadsheet does not run it as a formula.
     */
    public static String csv(String text) {
        String line = oneLine(text);
        if (!line.isEmpty() && "=+-@".indexOf(line.charAt(0)) >= 0) {
            line = "'" + line;
        }
        if (line.indexOf(',') >= 0 || line.indexOf('"') >= 0) {
            return '"' + line.replace("\"", "\"\"") + '"';
        }
        return line;
    }
}
