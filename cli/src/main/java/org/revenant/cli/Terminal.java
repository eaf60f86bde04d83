package org.revenant.cli;

/**
 * Crawled text is attacker-controlled: before it reaches a terminal, control characters (which
 * could move the cursor, rewrite earlier lines or change the title) are shown as escapes.
 */
public final class Terminal {

    private Terminal() {}

    public static String safe(String text) {
        if (text == null) {
            return "-";
        }
        StringBuilder out = new StringBuilder(text.length());
        text.codePoints().forEach(cp -> {
            if (Character.isISOControl(cp)
                    || cp == 0x2028
                    || cp == 0x2029
                    || (cp >= 0x202A && cp <= 0x202E)
                    || (cp >= 0x2066 && cp <= 0x2069)) {
                out.append(String.format("\\u%04x", cp));
            } else {
                out.appendCodePoint(cp);
            }
        });
        return out.toString();
    }
}
