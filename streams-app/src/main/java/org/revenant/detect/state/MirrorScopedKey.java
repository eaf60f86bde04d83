package org.revenant.detect.state;

import java.util.Objects;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * The key layout of every store that holds several records per mirror: the mirror key, then each
 * further part, separated by NUL ({@code mirror \0 part \0 part}). Putting the mirror first makes
 * all of a mirror's records one prefix range; NUL is the separator because it cannot occur in a
 * mirror key, dataset id or path that got past {@code ChunkLimits} and {@code DecisionApplier}.
 * This layout is in the changelog of every such store, so it must not change.
 */
public final class MirrorScopedKey {

    public static final char SEP = '\u0000';
    private static final StringSerializer KEYS = new StringSerializer();

    private MirrorScopedKey() {}

    /** {@code mirrorKey \0 parts[0] \0 parts[1] …}. */
    public static String of(String mirrorKey, String... parts) {
        StringBuilder key = new StringBuilder(Objects.requireNonNull(mirrorKey, "mirrorKey"));
        for (String part : parts) {
            key.append(SEP).append(Objects.requireNonNull(part, "part"));
        }
        return key.toString();
    }

    /**
     * The prefix shared by every key that starts with these parts, ending in the separator so that
     * mirror {@code a} does not take in mirror {@code ab}.
     */
    public static String prefix(String mirrorKey, String... parts) {
        return of(mirrorKey, parts) + SEP;
    }

    /** The records whose keys start with {@link #prefix(String, String...)}, in key byte order. */
    public static <V> KeyValueIterator<String, V> range(
            ReadOnlyKeyValueStore<String, V> store, String mirrorKey, String... parts) {
        return store.prefixScan(prefix(mirrorKey, parts), KEYS);
    }

    /** The part after the last separator (the whole key if there is none). */
    public static String lastPart(String key) {
        return key.substring(key.lastIndexOf(SEP) + 1);
    }
}
