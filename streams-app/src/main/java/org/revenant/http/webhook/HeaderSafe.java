package org.revenant.http.webhook;

/**
 * What may go into an HTTP header: names are RFC 9110 tokens, values visible ASCII and spaces
 * (no CR/LF, no control characters, nothing outside ASCII). Data from crawled mirrors never goes
 * into a header as it is; it is hashed or left out.
 */
final class HeaderSafe {

    private static final int MAX_VALUE = 8192;

    private HeaderSafe() {}

    static boolean isToken(String name) {
        if (name == null || name.isEmpty()) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean ok = c >= 'a' && c <= 'z'
                    || c >= 'A' && c <= 'Z'
                    || c >= '0' && c <= '9'
                    || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    static boolean isValue(String value) {
        if (value == null || value.length() > MAX_VALUE) {
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c > 0x7e) {
                return false;
            }
        }
        return true;
    }

    /** A header name fit for an error message. */
    static String shown(String name) {
        return isToken(name) ? name : "(unprintable name)";
    }
}
