package org.revenant.detect.signal;

import java.text.Normalizer;
import java.util.Locale;

/**
 * Folds file names and aliases so that cosmetic differences do not hide a match: Unicode NFKC,
 * lower case, and runs of {@code -}, {@code _}, space and {@code .} folded to one {@code _}.
 */
public final class NameNormalizer {

    private NameNormalizer() {}

    public static String normalize(String name) {
        // NFKC leaves ASCII as it is, and most names are ASCII: skip the normalizer for them.
        String folded =
                (ascii(name) ? name : Normalizer.normalize(name, Normalizer.Form.NFKC)).toLowerCase(Locale.ROOT);
        StringBuilder out = new StringBuilder(folded.length());
        boolean lastWasSeparator = false;
        for (int i = 0; i < folded.length(); i++) {
            char c = folded.charAt(i);
            boolean separator = c == '-' || c == '_' || c == ' ' || c == '.' || Character.isWhitespace(c);
            if (separator) {
                if (!lastWasSeparator && out.length() > 0) {
                    out.append('_');
                }
                lastWasSeparator = true;
            } else {
                out.append(c);
                lastWasSeparator = false;
            }
        }
        int end = out.length();
        while (end > 0 && out.charAt(end - 1) == '_') {
            end--;
        }
        return out.substring(0, end);
    }

    private static boolean ascii(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }

    /** The last component of a slash-separated path. */
    public static String baseName(String path) {
        int slash = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
        return slash < 0 ? path : path.substring(slash + 1);
    }
}
