package org.revenant.detect.signal;

/**
 * The longest run of plain characters that every match of a regular expression must contain,
 * so a path without it can be skipped without running the expression (docs/PERFORMANCE.md).
 * Conservative: only characters outside groups, classes and alternatives count, a character made
 * optional by the quantifier after it does not, and an expression this cannot read safely (inline
 * flags, quoting, alternatives at the top) has no literal ("" — every path is tried).
 */
public final class RequiredLiteral {

    private RequiredLiteral() {}

    public static String of(String regex) {
        String best = "";
        StringBuilder run = new StringBuilder();
        int depth = 0;
        boolean inClass = false;
        for (int i = 0; i < regex.length(); i++) {
            char c = regex.charAt(i);
            if (inClass) {
                if (c == '\\') {
                    i++;
                } else if (c == ']') {
                    inClass = false;
                }
                continue;
            }
            if (depth > 0) {
                switch (c) {
                    case '\\' -> i++;
                    case '[' -> inClass = true;
                    case '(' -> depth++;
                    case ')' -> depth--;
                    default -> {}
                }
                if (depth == 0) {
                    best = longer(best, run);
                    run.setLength(0);
                    i = skipQuantifier(regex, i + 1) - 1;
                }
                continue;
            }
            switch (c) {
                case '|' -> {
                    return ""; // an alternative at the top: nothing is required of every match
                }
                case '(' -> {
                    if (regex.startsWith("(?", i)
                            && i + 2 < regex.length()
                            && Character.isLetter(regex.charAt(i + 2))) {
                        return ""; // inline flags such as (?i) change what a literal means
                    }
                    best = longer(best, run);
                    run.setLength(0);
                    depth = 1;
                }
                case '[' -> {
                    best = longer(best, run);
                    run.setLength(0);
                    inClass = true;
                    // a class's own quantifier is skipped when the class ends, as a plain break
                }
                case '.', '^', '$' -> {
                    best = longer(best, run);
                    run.setLength(0);
                }
                case '*', '?' -> {
                    dropLast(run); // the character before was optional
                    best = longer(best, run);
                    run.setLength(0);
                }
                case '{' -> {
                    boolean optional = regex.startsWith("{0", i);
                    if (optional) {
                        dropLast(run);
                    }
                    best = longer(best, run);
                    run.setLength(0);
                    int close = regex.indexOf('}', i);
                    if (close < 0) {
                        return "";
                    }
                    i = close;
                }
                case '+' -> {
                    best = longer(best, run); // the character before is there at least once
                    run.setLength(0);
                }
                case '\\' -> {
                    if (i + 1 >= regex.length()) {
                        return "";
                    }
                    char next = regex.charAt(++i);
                    if (next == 'Q' || next == 'E') {
                        return "";
                    }
                    if (!Character.isLetterOrDigit(next)) {
                        run.append(next); // an escaped symbol such as \. is itself
                    } else {
                        best = longer(best, run); // \d, \w, \b, \x41, \1 …: not a plain character
                        run.setLength(0);
                        if (next == 'x' || next == 'u' || next == 'p' || next == 'P' || next == 'N') {
                            return ""; // an escape with arguments: not worth reading
                        }
                    }
                }
                default -> run.append(c);
            }
        }
        return longer(best, run);
    }

    /** Past a quantifier after a group or class, if any. */
    private static int skipQuantifier(String regex, int i) {
        if (i < regex.length()) {
            char q = regex.charAt(i);
            if (q == '*' || q == '+' || q == '?') {
                i++;
            } else if (q == '{') {
                int close = regex.indexOf('}', i);
                i = close < 0 ? regex.length() : close + 1;
            }
            if (i < regex.length() && (regex.charAt(i) == '?' || regex.charAt(i) == '+')) {
                i++; // lazy or possessive
            }
        }
        return i;
    }

    private static void dropLast(StringBuilder run) {
        if (run.length() > 0) {
            run.setLength(run.length() - 1);
        }
    }

    private static String longer(String best, StringBuilder run) {
        return run.length() > best.length() ? run.toString() : best;
    }
}
