package org.revenant.detect.signal;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Tokenizes crawled names and text for alias matching: NFKC, lower case, split on anything that
 * is not a letter or digit. An alias matches on token boundaries, written with or without its
 * separators ("MS-Celeb-1M", "ms celeb 1m" and "msceleb1m" are the same alias; "ms1mv2" is not "ms1m").
 */
public final class TextSignals {

    /** Longest text considered, so a hostile README cannot make matching expensive. */
    public static final int MAX_TEXT = 256 * 1024;

    private TextSignals() {}

    public static List<String> tokens(String text) {
        List<String> tokens = new ArrayList<>();
        if (text == null) {
            return tokens;
        }
        String t = text.length() > MAX_TEXT ? text.substring(0, MAX_TEXT) : text;
        t = Normalizer.normalize(t, Normalizer.Form.NFKC).toLowerCase(Locale.ROOT);
        int start = -1;
        for (int i = 0; i < t.length(); i++) {
            boolean word = Character.isLetterOrDigit(t.charAt(i));
            if (word && start < 0) {
                start = i;
            } else if (!word && start >= 0) {
                tokens.add(t.substring(start, i));
                start = -1;
            }
        }
        if (start >= 0) {
            tokens.add(t.substring(start));
        }
        return tokens;
    }

    /** The alias as one joined key: its tokens without separators. */
    public static String aliasKey(String alias) {
        return String.join("", tokens(alias));
    }
}
