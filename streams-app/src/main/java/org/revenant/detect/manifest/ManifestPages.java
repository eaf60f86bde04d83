package org.revenant.detect.manifest;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.revenant.avro.ManifestEntry;
import org.revenant.detect.state.MirrorScopedKey;

/**
 * Reading a mirror's manifest pages (docs/decisions/014): the store holds each page under
 * {@code mirror \0 <its first path>}, so a mirror's pages are one prefix range in path order and
 * the page that holds (or would hold) a path is the last page whose key is not after it.
 */
public final class ManifestPages {

    /**
     * Paths in UTF-8 byte order, which is the order of code points and the order RocksDB keeps the
     * page keys in. {@link String#compareTo} is not: it puts a supplementary character (a
     * surrogate pair) before U+E000 … U+FFFF.
     */
    public static final Comparator<String> PATH_ORDER = ManifestPages::compare;

    private static final StringSerializer KEYS = new StringSerializer();

    private ManifestPages() {}

    /** One stored page and the key it is stored under, decoded when its entries are first asked for. */
    public static final class Page {
        private final String key;
        private final byte[] bytes;
        private List<ManifestEntry> entries;

        Page(String key, byte[] bytes) {
            this.key = key;
            this.bytes = bytes;
        }

        public String key() {
            return key;
        }

        public List<ManifestEntry> entries() {
            if (entries == null) {
                entries = decode(key, bytes);
            }
            return entries;
        }

        /** The entries the page's header claims, without decoding them. */
        int count() {
            return entries != null ? entries.size() : bytes == null ? 0 : ManifestPage.count(bytes);
        }

        /** Whether every entry of the page is at or before {@code path}; false for a page that does not decode. */
        boolean endsAtOrBefore(String path) {
            if (bytes == null || compare(MirrorScopedKey.lastPart(key), path) > 0) {
                return false; // it starts after the path: no need to walk it
            }
            String last = ManifestPage.lastPath(bytes);
            return last != null && compare(last, path) <= 0;
        }
    }

    static int compare(String a, String b) {
        int n = Math.min(a.length(), b.length());
        for (int i = 0; i < n; i++) {
            char x = a.charAt(i);
            char y = b.charAt(i);
            if (x != y) {
                if (x >= 0xD800 && y >= 0xD800) {
                    // Surrogates (D800–DFFF) stand for code points above FFFF: move them past E000–FFFF.
                    x = (char) (x >= 0xE000 ? x - 0x800 : x + 0x2000);
                    y = (char) (y >= 0xE000 ? y - 0x800 : y + 0x2000);
                }
                return x - y;
            }
        }
        return a.length() - b.length();
    }

    /** The key of the page that starts with this path. */
    public static String key(String mirrorKey, String firstPath) {
        return MirrorScopedKey.of(mirrorKey, firstPath);
    }

    /** The page that holds or would hold {@code path}: the last one not after it, else the mirror's first; null if none. */
    public static Page pageFor(ReadOnlyKeyValueStore<String, byte[]> pages, String mirrorKey, String path) {
        String prefix = MirrorScopedKey.prefix(mirrorKey);
        try (KeyValueIterator<String, byte[]> it = pages.reverseRange(prefix, key(mirrorKey, path))) {
            if (it.hasNext()) {
                var kv = it.next();
                return new Page(kv.key, kv.value);
            }
        }
        try (KeyValueIterator<String, byte[]> it = pages.prefixScan(prefix, KEYS)) {
            if (it.hasNext()) {
                var kv = it.next();
                return new Page(kv.key, kv.value);
            }
        }
        return null;
    }

    /**
     * The pages whose keys lie in [{@code fromKey}, {@code toKey}], in order, read one at a
     * time: however many pages a range covers, a reader holds only those it asked for. Writing to
     * the store while the cursor is open is fine (the underlying iterator reads a snapshot).
     */
    static Cursor range(ReadOnlyKeyValueStore<String, byte[]> pages, String fromKey, String toKey) {
        return new Cursor(pages.range(fromKey, toKey));
    }

    /** Pages of a range, one at a time. */
    static final class Cursor implements AutoCloseable {
        private final KeyValueIterator<String, byte[]> it;

        private Cursor(KeyValueIterator<String, byte[]> it) {
            this.it = it;
        }

        /** The next page, or null after the last. */
        Page next() {
            if (!it.hasNext()) {
                return null;
            }
            var kv = it.next();
            return new Page(kv.key, kv.value);
        }

        @Override
        public void close() {
            it.close();
        }
    }

    /** The key of the page that holds {@code path}, or the mirror's prefix when no page starts at or before it. */
    static String startKey(ReadOnlyKeyValueStore<String, byte[]> pages, String mirrorKey, String path) {
        String prefix = MirrorScopedKey.prefix(mirrorKey);
        if (path == null) {
            return prefix;
        }
        try (KeyValueIterator<String, byte[]> it = pages.reverseRange(prefix, key(mirrorKey, path))) {
            return it.hasNext() ? it.next().key : prefix;
        }
    }

    /** The first key after every key of the mirror's pages. */
    static String endKey(String mirrorKey) {
        return mirrorKey + (char) (MirrorScopedKey.SEP + 1);
    }

    /** Whether the mirror has any page. */
    public static boolean hasPages(ReadOnlyKeyValueStore<String, byte[]> pages, String mirrorKey) {
        try (KeyValueIterator<String, byte[]> it = MirrorScopedKey.range(pages, mirrorKey)) {
            return it.hasNext();
        }
    }

    /** Every entry of the mirror's pages, in path order. */
    public static void forEach(
            ReadOnlyKeyValueStore<String, byte[]> pages, String mirrorKey, Consumer<ManifestEntry> consumer) {
        try (KeyValueIterator<String, byte[]> it = MirrorScopedKey.range(pages, mirrorKey)) {
            it.forEachRemaining(kv -> decode(kv.key, kv.value).forEach(consumer));
        }
    }

    /** The first {@code limit} entries of the mirror, in path order. */
    public static List<ManifestEntry> first(ReadOnlyKeyValueStore<String, byte[]> pages, String mirrorKey, int limit) {
        List<ManifestEntry> files = new ArrayList<>();
        try (KeyValueIterator<String, byte[]> it = MirrorScopedKey.range(pages, mirrorKey)) {
            while (it.hasNext() && files.size() < limit) {
                var kv = it.next();
                for (ManifestEntry e : decode(kv.key, kv.value)) {
                    if (files.size() == limit) {
                        break;
                    }
                    files.add(e);
                }
            }
        }
        return files;
    }

    /** The entry of this path, or null. */
    public static ManifestEntry entry(ReadOnlyKeyValueStore<String, byte[]> pages, String mirrorKey, String path) {
        Page page = pageFor(pages, mirrorKey, path);
        if (page == null) {
            return null;
        }
        int at = indexOf(page.entries(), path);
        return at >= 0 ? page.entries().get(at) : null;
    }

    /** Binary search by {@link #PATH_ORDER}: the index, or {@code -(insertion point) - 1}. */
    static int indexOf(List<ManifestEntry> entries, String path) {
        int lo = 0;
        int hi = entries.size() - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            int c = compare(entries.get(mid).getPath(), path);
            if (c < 0) {
                lo = mid + 1;
            } else if (c > 0) {
                hi = mid - 1;
            } else {
                return mid;
            }
        }
        return -(lo + 1);
    }

    /**
     * A stored page's entries. A page that does not decode (the store is only written by this
     * code, but its changelog topic can be written by anyone with access to it) reads as empty,
     * so one bad page costs its own entries, which the next snapshot adds again.
     */
    static List<ManifestEntry> decode(String key, byte[] bytes) {
        if (bytes == null) {
            return List.of();
        }
        try {
            return ManifestPage.decode(bytes);
        } catch (IllegalArgumentException e) {
            ManifestStore.badPage(key, e);
            return List.of();
        }
    }
}
