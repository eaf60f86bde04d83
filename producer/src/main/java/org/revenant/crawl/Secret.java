package org.revenant.crawl;

import java.util.Objects;

/**
 * An API token. Its {@link #toString()} never shows the value, so a token that ends up in a log
 * line, an exception message or a debugger view stays hidden.
 */
public final class Secret {

    private final String value;

    private Secret(String value) {
        this.value = value;
    }

    /** @return null when the value is null or blank, so "no token" is one case */
    public static Secret ofNullable(String value) {
        return value == null || value.isBlank() ? null : new Secret(value.strip());
    }

    /** From the environment; null when the variable is unset or empty. */
    public static Secret fromEnv(String variable) {
        return ofNullable(System.getenv(variable));
    }

    /** The raw value, only for building an Authorization header. */
    public String reveal() {
        return value;
    }

    @Override
    public String toString() {
        return "Secret[****]";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Secret s && s.value.equals(value);
    }

    @Override
    public int hashCode() {
        return Objects.hash(value);
    }
}
