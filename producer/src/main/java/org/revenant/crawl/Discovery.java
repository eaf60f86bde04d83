package org.revenant.crawl;

import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Mirrors a discovery query turned up.
 *
 * @param locators the platform's locators (owner/repo, an item identifier, an infohash, ...)
 * @param etag     the validator of the listing, when it had one (Academic Torrents' database.xml)
 * @param sweep    the rest of a whole catalogue, for a source that sweeps ({@link Sweep}): each entry
 *                 is examined once; empty for a search
 * @param state    what the source keeps in the query's checkpoint for its next run (a sweep's place
 *                 in a listing too long for one run), merged into the checkpoint's {@code extra}; a
 *                 null value removes the key
 */
public record Discovery(List<String> locators, String etag, List<String> sweep, Map<String, String> state) {

    /**
     * The prefix of a query written in the platform search's own field syntax (decision 030), sent
     * as it is; any other query is a name, sent as a quoted phrase.
     */
    public static final String FIELD = "field:";

    /** A query in the search's own syntax, e.g. {@code btih:<hex>}. */
    public static String field(String query) {
        return FIELD + query;
    }

    /** What to put in the search's {@code q}: a field query as written, a name as a quoted phrase. */
    public static String searchText(String query) {
        return query.startsWith(FIELD) ? query.substring(FIELD.length()) : "\"" + query.replace("\"", "") + "\"";
    }

    /** Per query: search results are the platform's (or an impostor's) to pad. */
    public static final int MAX_LOCATORS = 1_000;

    public static final int MAX_LOCATOR_CHARS = 200;

    /** Catalogue entries a sweep takes from one listing, at most. */
    public static final int MAX_SWEEP = 500_000;

    public Discovery {
        state = Collections.unmodifiableMap(new HashMap<>(Objects.requireNonNull(state, "state")));
        locators = List.copyOf(Objects.requireNonNull(locators, "locators"));
        sweep = List.copyOf(Objects.requireNonNull(sweep, "sweep"));
        if (sweep.size() > MAX_SWEEP) {
            sweep = sweep.subList(0, MAX_SWEEP);
        }
    }

    /** A search's result: nothing to sweep. */
    public Discovery(List<String> locators, String etag) {
        this(locators, etag, List.of());
    }

    /** A catalogue's listing, with no state of its own to keep. */
    public Discovery(List<String> locators, String etag, List<String> sweep) {
        this(locators, etag, sweep, Map.of());
    }

    /**
     * Adds a locator a search returned when it has the platform's shape, is of a sane length, and
     * the query has not found {@value #MAX_LOCATORS} already; each becomes a crawl job, so neither
     * their number nor their size is left to the response.
     *
     * @return false once the query has found as many as it may
     */
    public static boolean accept(Collection<String> found, String locator, Pattern shape) {
        if (found.size() >= MAX_LOCATORS) {
            return false;
        }
        if (locator != null
                && locator.length() <= MAX_LOCATOR_CHARS
                && shape.matcher(locator).matches()) {
            found.add(locator);
        }
        return true;
    }
}
