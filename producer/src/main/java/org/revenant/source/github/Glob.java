package org.revenant.source.github;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One {@code .gitattributes} path pattern, matched without regular expressions: the pattern is a
 * row of tokens and matching walks the path once, keeping the set of token positions still alive.
 * A check therefore costs at most (tokens + 1) × path length steps, whatever the pattern, so a
 * hostile pattern such as {@code *a*a*a…c} cannot make it backtrack.
 *
 * <p>Semantics are those of gitattributes (gitignore's, without negation): {@code *}, {@code ?} and
 * {@code [...]} never match {@code /}; {@code **} is special only as a whole path component:
 * {@code **}{@code /x} matches {@code x} in any directory, {@code a/**} everything inside {@code a},
 * {@code a/**}{@code /b} zero or more directories between; elsewhere {@code **} is a plain {@code *}.
 * A pattern without a slash is matched against the file's name at any depth, one with a slash
 * (a leading one included) against the whole path from the repository root; a backslash escapes the
 * next character; a pattern ending in {@code /} names a directory and matches no file.
 */
final class Glob {

    private enum Kind {
        LITERAL,
        ONE,
        CLASS,
        STAR,
        ANY,
        DIRS
    }

    /** CLASS: {@code set} holds single characters and {@code a-z} ranges as triples (lo, '-', hi). */
    private record Token(Kind kind, char c, String set, boolean negated) {

        boolean takes(char ch) {
            return switch (kind) {
                case LITERAL -> ch == c;
                case ONE -> ch != '/';
                case CLASS -> ch != '/' && inClass(ch) != negated;
                default -> false;
            };
        }

        private boolean inClass(char ch) {
            for (int i = 0; i < set.length(); i++) {
                if (i + 2 < set.length() && set.charAt(i + 1) == '-') {
                    if (ch >= set.charAt(i) && ch <= set.charAt(i + 2)) {
                        return true;
                    }
                    i += 2;
                } else if (set.charAt(i) == ch) {
                    return true;
                }
            }
            return false;
        }
    }

    private final Token[] tokens;
    private final boolean wholePath;
    private final boolean matchesNothing;

    private Glob(Token[] tokens, boolean wholePath, boolean matchesNothing) {
        this.tokens = tokens;
        this.wholePath = wholePath;
        this.matchesNothing = matchesNothing;
    }

    static Glob compile(String pattern) {
        if (pattern.isEmpty() || pattern.endsWith("/")) {
            return new Glob(new Token[0], false, true);
        }
        boolean wholePath = pattern.indexOf('/') >= 0;
        String p = pattern.startsWith("/") ? pattern.substring(1) : pattern;
        List<Token> out = new ArrayList<>();
        int i = 0;
        while (i < p.length()) {
            char c = p.charAt(i);
            if (c == '\\' && i + 1 < p.length()) {
                out.add(new Token(Kind.LITERAL, p.charAt(i + 1), null, false));
                i += 2;
            } else if (c == '*') {
                int end = i;
                while (end < p.length() && p.charAt(end) == '*') {
                    end++;
                }
                boolean component = end - i >= 2
                        && (i == 0 || p.charAt(i - 1) == '/')
                        && (end == p.length() || p.charAt(end) == '/');
                if (component && end < p.length()) {
                    out.add(new Token(Kind.DIRS, '\0', null, false)); // "**/": zero or more directories
                    end++;
                } else if (component) {
                    out.add(new Token(Kind.ANY, '\0', null, false)); // trailing "**": anything below
                } else if (out.isEmpty() || out.get(out.size() - 1).kind() != Kind.STAR) {
                    out.add(new Token(Kind.STAR, '\0', null, false));
                }
                i = end;
            } else if (c == '?') {
                out.add(new Token(Kind.ONE, '\0', null, false));
                i++;
            } else if (c == '[' && p.indexOf(']', i + 2) > 0) {
                int start = i + 1;
                boolean negated = p.charAt(start) == '!' || p.charAt(start) == '^';
                if (negated) {
                    start++;
                }
                int close = p.indexOf(']', start + 1); // a ']' right after '[' is a member
                if (close < 0) {
                    out.add(new Token(Kind.LITERAL, c, null, false));
                    i++;
                } else {
                    out.add(new Token(Kind.CLASS, '\0', p.substring(start, close), negated));
                    i = close + 1;
                }
            } else {
                out.add(new Token(Kind.LITERAL, c, null, false));
                i++;
            }
        }
        return new Glob(out.toArray(new Token[0]), wholePath, false);
    }

    /** The worst-case number of steps {@link #matches} takes on a path of this length. */
    long cost(String path) {
        int n = wholePath ? path.length() : path.length() - path.lastIndexOf('/') - 1;
        return (long) (tokens.length + 1) * (n + 1);
    }

    boolean matches(String path) {
        if (matchesNothing) {
            return false;
        }
        String s = wholePath ? path : path.substring(path.lastIndexOf('/') + 1);
        int t = tokens.length;
        boolean[] at = new boolean[t + 1];
        boolean[] inside = new boolean[t + 1]; // within a "**/" that has consumed characters but not yet its '/'
        boolean[] nextAt = new boolean[t + 1];
        boolean[] nextInside = new boolean[t + 1];
        at[0] = true;
        skipEmpty(at);
        for (int k = 0; k < s.length(); k++) {
            char ch = s.charAt(k);
            Arrays.fill(nextAt, false);
            Arrays.fill(nextInside, false);
            boolean alive = false;
            for (int i = 0; i < t; i++) {
                Token tok = tokens[i];
                boolean here = at[i] || inside[i];
                if (!here) {
                    continue;
                }
                switch (tok.kind()) {
                    case STAR -> {
                        if (ch != '/') {
                            nextAt[i] = true;
                            alive = true;
                        }
                    }
                    case ANY -> {
                        nextAt[i] = true;
                        alive = true;
                    }
                    case DIRS -> {
                        nextInside[i] = true;
                        alive = true;
                        if (ch == '/') {
                            nextAt[i + 1] = true;
                        }
                    }
                    default -> {
                        if (at[i] && tok.takes(ch)) {
                            nextAt[i + 1] = true;
                            alive = true;
                        }
                    }
                }
            }
            if (!alive) {
                return false;
            }
            skipEmpty(nextAt);
            boolean[] swap = at;
            at = nextAt;
            nextAt = swap;
            swap = inside;
            inside = nextInside;
            nextInside = swap;
        }
        return at[t];
    }

    /** Tokens that may match nothing let the position after them start where they do. */
    private void skipEmpty(boolean[] at) {
        for (int i = 0; i < tokens.length; i++) {
            Kind k = tokens[i].kind();
            if (at[i] && (k == Kind.STAR || k == Kind.ANY || k == Kind.DIRS)) {
                at[i + 1] = true;
            }
        }
    }
}
