package org.revenant.detect.census;

import java.util.Objects;
import org.revenant.avro.CensusScope;

/**
 * The key of one census: {@code dataset:<id>} or {@code platform:<name>}, on the stats topic and
 * in the census store. The only place that formats and parses it.
 */
public record CensusKey(CensusScope scope, String name) {

    static final String DATASET = "dataset:";
    static final String PLATFORM = "platform:";

    public CensusKey {
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(name, "name");
        if (scope == CensusScope.UNKNOWN) {
            throw new IllegalArgumentException("a census key is for a dataset or a platform");
        }
    }

    public static CensusKey dataset(String id) {
        return new CensusKey(CensusScope.DATASET, id);
    }

    public static CensusKey platform(String name) {
        return new CensusKey(CensusScope.PLATFORM, name);
    }

    /** The key as written; null for a string that is neither form. */
    public static CensusKey parse(String key) {
        if (key == null) {
            return null;
        }
        if (key.startsWith(DATASET)) {
            return dataset(key.substring(DATASET.length()));
        }
        if (key.startsWith(PLATFORM)) {
            return platform(key.substring(PLATFORM.length()));
        }
        return null;
    }

    @Override
    public String toString() {
        return (scope == CensusScope.DATASET ? DATASET : PLATFORM) + name;
    }

    /** The store key of what this census counted of one alert: {@code census key \0 alert key}. */
    public String mirrorKey(String alertKey) {
        return this + "\0" + alertKey;
    }
}
