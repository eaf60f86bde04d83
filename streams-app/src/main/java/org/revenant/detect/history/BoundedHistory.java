package org.revenant.detect.history;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.revenant.detect.state.MirrorScopedKey;

/**
 * A capped, ordered log per owner kept in a key-value store: one record per item under the
 * owner key and a sequence, {@code owner \0 sequence} as {@link MirrorScopedKey} lays it out
 * (sequence zero-padded so the store's byte order is the log's order). The owner is a mirror key
 * or a mirror-scoped key of its own.
 * Appending beyond the cap drops the oldest item, so no owner grows without bound.
 */
public final class BoundedHistory<V> {

    private final KeyValueStore<String, V> store;
    private final int cap;

    public BoundedHistory(KeyValueStore<String, V> store, int cap) {
        this.store = Objects.requireNonNull(store, "store");
        if (cap < 1) {
            throw new IllegalArgumentException("cap must be at least 1: " + cap);
        }
        this.cap = cap;
    }

    public void append(String owner, V item) {
        List<String> keys = new ArrayList<>();
        try (KeyValueIterator<String, V> it = MirrorScopedKey.range(store, owner)) {
            it.forEachRemaining(kv -> keys.add(kv.key));
        }
        long next = keys.isEmpty() ? 0 : sequenceOf(keys.get(keys.size() - 1)) + 1;
        store.put(MirrorScopedKey.of(owner, String.format("%019d", next)), item);
        for (int i = 0; i <= keys.size() - cap; i++) {
            store.delete(keys.get(i));
        }
    }

    /** The owner's items, oldest first, from any (possibly read-only, queryable) view of the store. */
    public static <V> List<V> read(ReadOnlyKeyValueStore<String, V> store, String owner) {
        List<V> items = new ArrayList<>();
        try (KeyValueIterator<String, V> it = MirrorScopedKey.range(store, owner)) {
            it.forEachRemaining(kv -> items.add(kv.value));
        }
        return items;
    }

    private static long sequenceOf(String key) {
        return Long.parseLong(MirrorScopedKey.lastPart(key));
    }
}
