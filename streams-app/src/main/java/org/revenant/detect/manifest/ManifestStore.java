package org.revenant.detect.manifest;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.revenant.avro.ManifestEntry;
import org.revenant.avro.MirrorRecord;
import org.revenant.avro.StoredEntry;
import org.revenant.detect.state.MirrorScopedKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last known manifest of every mirror of a task, held as sorted pages of a few hundred
 * entries (docs/decisions/014), plus one record per mirror for what its snapshot said about the
 * mirror itself.
 *
 * <p>A snapshot is merged chunk by chunk. Publishers send entries sorted by path, so each chunk
 * continues where the last one stopped (the {@link Merge#cursor()}): the chunk is merged against
 * the pages that cover its range, and a page is written only when one of its entries was added,
 * changed or removed. An unchanged re-crawl therefore reads its pages and writes none. Entries
 * at or before the cursor (a publisher that does not sort) are merged one at a time. A held entry
 * that the snapshot skipped over is parked in the pending store, not counted, until the snapshot
 * completes: an out-of-order chunk may still list it, and a superseded snapshot puts it back.
 *
 * <p>The release before pages held one record per entry ({@code manifest-entries-store}); such
 * a mirror is converted to pages, once, the first time it is touched ({@link #convertLegacy}).
 */
public final class ManifestStore {

    /** The fields of an entry that identify it within its mirror (part of the store key). */
    static final Set<String> IDENTITY_FIELDS = Set.of("path");

    /**
     * The fields of an entry whose change makes it MODIFIED. Every field of {@link ManifestEntry}
     * is here or in {@link #IDENTITY_FIELDS}; ManifestStoreTest checks that against the schema, so
     * a new field cannot be left out of the comparison by accident.
     */
    static final Map<String, Function<ManifestEntry, Object>> CONTENT_FIELDS = contentFields();

    /** Entries per page when pages are cut; a page grows to {@link ManifestPage#MAX_ENTRIES} before it splits. */
    static final int TARGET_ENTRIES = 384;
    /** A page smaller than this after a change is joined with the next one. */
    static final int MIN_ENTRIES = ManifestPage.MAX_ENTRIES / 4;
    /** Pages are cut before their worst-case encoded size passes this, far under {@link ManifestPage#MAX_BYTES}. */
    static final int MAX_PAGE_ESTIMATE = 512 * 1024;

    private static final Logger LOG = LoggerFactory.getLogger(ManifestStore.class);
    private static final AtomicLong UNREADABLE_PAGES = new AtomicLong();

    private static Map<String, Function<ManifestEntry, Object>> contentFields() {
        Map<String, Function<ManifestEntry, Object>> fields = new LinkedHashMap<>();
        fields.put("size", ManifestEntry::getSize);
        fields.put("sha256", ManifestEntry::getSha256);
        fields.put("sha1", ManifestEntry::getSha1);
        fields.put("md5", ManifestEntry::getMd5);
        fields.put("gitBlobSha1", ManifestEntry::getGitBlobSha1);
        fields.put("lfsSha256", ManifestEntry::getLfsSha256);
        fields.put("kind", ManifestEntry::getKind);
        fields.put("ref", ManifestEntry::getRef);
        return Collections.unmodifiableMap(fields);
    }

    /** What a merge found, entry by entry. */
    public interface Changes {
        void added(ManifestEntry entry);

        void modified(ManifestEntry entry);

        void removed(ManifestEntry entry);
    }

    /** Where a snapshot's merge stands between chunks; the matcher keeps it in the assembly state. */
    public static final class Merge {
        private String cursor;
        private boolean unordered;
        private long pending;

        public Merge(String cursor, boolean unordered, long pending) {
            this.cursor = cursor;
            this.unordered = unordered;
            this.pending = pending;
        }

        /** The last path merged in order, or null before the first. */
        public String cursor() {
            return cursor;
        }

        /** Every further entry is merged one at a time. */
        public boolean unordered() {
            return unordered;
        }

        /** Held entries parked in the pending store by this snapshot. */
        public long pending() {
            return pending;
        }
    }

    private final KeyValueStore<String, byte[]> pages;
    private final KeyValueStore<String, byte[]> pending;
    private final KeyValueStore<String, StoredEntry> legacy;
    private final KeyValueStore<String, MirrorRecord> mirrors;
    private boolean legacyLeft;

    public ManifestStore(
            KeyValueStore<String, byte[]> pages,
            KeyValueStore<String, byte[]> pending,
            KeyValueStore<String, StoredEntry> legacy,
            KeyValueStore<String, MirrorRecord> mirrors) {
        this.pages = Objects.requireNonNull(pages, "pages");
        this.pending = Objects.requireNonNull(pending, "pending");
        this.legacy = Objects.requireNonNull(legacy, "legacy");
        this.mirrors = Objects.requireNonNull(mirrors, "mirrors");
        try (KeyValueIterator<String, StoredEntry> it = legacy.all()) {
            this.legacyLeft = it.hasNext();
        }
    }

    // ---- merging a snapshot -------------------------------------------------------------------

    /**
     * Merges one chunk of a snapshot into the held manifest, telling added and modified entries
     * to {@code changes} (removals are told by {@link #finish}).
     *
     * @param partial the snapshot lists the mirror only in part: nothing it skips is removed
     */
    public void merge(String mirrorKey, Merge merge, List<ManifestEntry> chunk, boolean partial, Changes changes) {
        List<ManifestEntry> sorted = sortedUnique(chunk);
        int late = 0;
        if (merge.unordered) {
            late = sorted.size();
        } else if (merge.cursor != null) {
            while (late < sorted.size()
                    && ManifestPages.compare(sorted.get(late).getPath(), merge.cursor) <= 0) {
                late++;
            }
        }
        for (int i = 0; i < late; i++) {
            mergeOne(mirrorKey, merge, sorted.get(i), partial, changes);
        }
        if (late < sorted.size()) {
            mergeRange(mirrorKey, merge, sorted.subList(late, sorted.size()), partial, changes);
        }
    }

    /**
     * Completes a snapshot's merge: unless it was partial, every held entry it did not list is
     * removed and told to {@code changes}.
     */
    public void finish(String mirrorKey, Merge merge, boolean partial, Changes changes) {
        if (!partial && !merge.unordered) {
            String start = ManifestPages.startKey(pages, mirrorKey, merge.cursor);
            String prefix = MirrorScopedKey.prefix(mirrorKey);
            try (ManifestPages.Cursor region = ManifestPages.range(pages, start, ManifestPages.endKey(mirrorKey))) {
                for (ManifestPages.Page page = region.next(); page != null; page = region.next()) {
                    if (!page.key().startsWith(prefix) || merge.cursor != null && page.endsAtOrBefore(merge.cursor)) {
                        continue; // not this mirror's, or nothing after the cursor to remove
                    }
                    List<ManifestEntry> kept = new ArrayList<>();
                    for (ManifestEntry e : page.entries()) {
                        if (merge.cursor != null && ManifestPages.compare(e.getPath(), merge.cursor) <= 0) {
                            kept.add(e);
                        } else {
                            changes.removed(e);
                        }
                    }
                    if (kept.size() != page.entries().size()) {
                        rewrite(mirrorKey, page.key(), kept);
                    }
                }
            }
        }
        if (merge.pending > 0) {
            try (KeyValueIterator<String, byte[]> it = MirrorScopedKey.range(pending, mirrorKey)) {
                while (it.hasNext()) {
                    var kv = it.next();
                    ManifestPages.decode(kv.key, kv.value).forEach(changes::removed);
                    pending.delete(kv.key);
                }
            }
        }
        merge.pending = 0;
    }

    /** Puts back the entries a superseded snapshot had parked: they are still the last known manifest. */
    public void restorePending(String mirrorKey) {
        try (KeyValueIterator<String, byte[]> it = MirrorScopedKey.range(pending, mirrorKey)) {
            while (it.hasNext()) {
                var kv = it.next();
                for (ManifestEntry e : ManifestPages.decode(kv.key, kv.value)) {
                    upsert(mirrorKey, e);
                }
                pending.delete(kv.key);
            }
        }
    }

    /** The chunk's entries sorted by path, the last of any path listed twice kept; the list itself if already so. */
    static List<ManifestEntry> sortedUnique(List<ManifestEntry> chunk) {
        boolean ordered = true;
        for (int i = 1; i < chunk.size() && ordered; i++) {
            ordered = ManifestPages.compare(
                            chunk.get(i - 1).getPath(), chunk.get(i).getPath())
                    < 0;
        }
        if (ordered) {
            return chunk;
        }
        List<ManifestEntry> sorted = new ArrayList<>(chunk);
        // A stable sort keeps equal paths in arrival order, so the last of them is the one kept.
        sorted.sort((a, b) -> ManifestPages.compare(a.getPath(), b.getPath()));
        List<ManifestEntry> unique = new ArrayList<>(sorted.size());
        for (ManifestEntry e : sorted) {
            if (!unique.isEmpty() && unique.get(unique.size() - 1).getPath().equals(e.getPath())) {
                unique.set(unique.size() - 1, e);
            } else {
                unique.add(e);
            }
        }
        return unique;
    }

    /**
     * Merges entries that all come after the cursor against the pages covering (cursor, last
     * entry]: held entries in that range the chunk does not list are parked (unless partial).
     */
    private void mergeRange(
            String mirrorKey, Merge merge, List<ManifestEntry> fresh, boolean partial, Changes changes) {
        String hi = fresh.get(fresh.size() - 1).getPath();
        String start = ManifestPages.startKey(pages, mirrorKey, merge.cursor);
        // Page by page, with one page of look-ahead (its key bounds the page before): a chunk whose
        // range spans a huge held manifest still holds only two pages at a time.
        try (ManifestPages.Cursor region = ManifestPages.range(pages, start, ManifestPages.key(mirrorKey, hi))) {
            ManifestPages.Page page = region.next();
            if (page == null) {
                fresh.forEach(changes::added);
                writeNew(mirrorKey, fresh);
                merge.cursor = hi;
                return;
            }
            int j = 0;
            List<ManifestEntry> carried = List.of(); // a small page's entries joined into this one
            while (page != null) {
                ManifestPages.Page following = region.next();
                String next = following == null ? null : MirrorScopedKey.lastPart(following.key());
                if (carried.isEmpty()
                        && merge.cursor != null
                        && page.count() >= MIN_ENTRIES
                        && page.endsAtOrBefore(merge.cursor)) {
                    // Nothing the page holds comes after the cursor, and it is big enough as it is: the
                    // chunk's entries before the next page go after it, and the page is not decoded.
                    List<ManifestEntry> appended = fresh.subList(j, before(fresh, j, next));
                    appended.forEach(changes::added);
                    writeNew(mirrorKey, appended);
                    j += appended.size();
                    page = following;
                    continue;
                }
                List<ManifestEntry> held = page.entries();
                List<ManifestEntry> result = new ArrayList<>(carried.size() + held.size() + 8);
                result.addAll(carried);
                boolean dirty = !carried.isEmpty();
                boolean rewritten = dirty; // false: at most entries appended after the page's last
                for (ManifestEntry s : held) {
                    String path = s.getPath();
                    if (merge.cursor != null && ManifestPages.compare(path, merge.cursor) <= 0) {
                        result.add(s);
                        continue;
                    }
                    while (j < fresh.size()
                            && ManifestPages.compare(fresh.get(j).getPath(), path) < 0) {
                        ManifestEntry added = fresh.get(j++);
                        changes.added(added);
                        result.add(added);
                        dirty = rewritten = true;
                    }
                    if (j < fresh.size() && fresh.get(j).getPath().equals(path)) {
                        ManifestEntry listed = fresh.get(j++);
                        if (sameContent(s, listed)) {
                            result.add(s);
                        } else {
                            changes.modified(listed);
                            result.add(listed);
                            dirty = rewritten = true;
                        }
                    } else if (ManifestPages.compare(path, hi) > 0 || partial) {
                        result.add(s); // after this chunk, or a partial listing that does not say it is gone
                    } else {
                        park(mirrorKey, s);
                        merge.pending++;
                        dirty = rewritten = true;
                    }
                }
                List<ManifestEntry> appended = fresh.subList(j, before(fresh, j, next));
                appended.forEach(changes::added);
                result.addAll(appended);
                dirty |= !appended.isEmpty();
                j += appended.size();
                carried = List.of();
                if (dirty) {
                    if (!rewritten && held.size() >= MIN_ENTRIES) {
                        // Appended after a page that is big enough as it is: the next chunk of a
                        // first crawl does not decode and encode the page before it again.
                        writeNew(mirrorKey, result.subList(held.size(), result.size()));
                    } else if (!result.isEmpty()
                            && result.size() < MIN_ENTRIES
                            && following != null
                            && result.size() + following.count() <= ManifestPage.MAX_ENTRIES) {
                        rewrite(mirrorKey, page.key(), List.of()); // joined into the next page
                        carried = result;
                    } else {
                        rewrite(mirrorKey, page.key(), result);
                    }
                }
                page = following;
            }
        }
        merge.cursor = hi;
    }

    /** The index of the first of the sorted entries from {@code from} that is not before {@code next} (null: none is). */
    private static int before(List<ManifestEntry> sorted, int from, String next) {
        int j = from;
        while (j < sorted.size()
                && (next == null || ManifestPages.compare(sorted.get(j).getPath(), next) < 0)) {
            j++;
        }
        return j;
    }

    /** Merges one entry at or before the cursor: it may be parked, held already, or new. */
    private void mergeOne(String mirrorKey, Merge merge, ManifestEntry entry, boolean partial, Changes changes) {
        if (merge.pending > 0) {
            String key = MirrorScopedKey.of(mirrorKey, entry.getPath());
            byte[] parked = pending.get(key);
            if (parked != null) {
                pending.delete(key);
                merge.pending--;
                List<ManifestEntry> was = ManifestPages.decode(key, parked);
                upsert(mirrorKey, entry);
                if (was.isEmpty() || !sameContent(was.get(0), entry)) {
                    changes.modified(entry);
                }
                return;
            }
        }
        ManifestEntry held = upsert(mirrorKey, entry);
        if (held == null) {
            changes.added(entry);
        } else if (partial && !sameContent(held, entry)) {
            // A partial snapshot keeps what it did not list, so this may be an older entry. Otherwise
            // a held entry at or before the cursor was listed by this snapshot already.
            changes.modified(entry);
        }
    }

    /** Puts the entry into its page; returns the entry it replaced, or null. */
    private ManifestEntry upsert(String mirrorKey, ManifestEntry entry) {
        ManifestPages.Page page = ManifestPages.pageFor(pages, mirrorKey, entry.getPath());
        if (page == null) {
            writeNew(mirrorKey, List.of(entry));
            return null;
        }
        List<ManifestEntry> entries = new ArrayList<>(page.entries());
        int at = ManifestPages.indexOf(entries, entry.getPath());
        ManifestEntry held = null;
        if (at >= 0) {
            held = entries.get(at);
            if (sameContent(held, entry)) {
                return held;
            }
            entries.set(at, entry);
        } else {
            entries.add(-at - 1, entry);
        }
        rewrite(mirrorKey, page.key(), entries);
        return held;
    }

    private void park(String mirrorKey, ManifestEntry entry) {
        pending.put(MirrorScopedKey.of(mirrorKey, entry.getPath()), ManifestPage.encode(List.of(entry)));
    }

    // ---- writing pages ------------------------------------------------------------------------

    /** Replaces the page stored under {@code oldKey} by these entries, cut into pages as needed. */
    private void rewrite(String mirrorKey, String oldKey, List<ManifestEntry> entries) {
        List<List<ManifestEntry>> cut = cut(entries);
        if (cut.isEmpty()
                || !ManifestPages.key(mirrorKey, cut.get(0).get(0).getPath()).equals(oldKey)) {
            pages.delete(oldKey);
        }
        for (List<ManifestEntry> page : cut) {
            put(mirrorKey, page);
        }
    }

    /** Writes entries that no page holds yet, after every held entry before them, as new pages. */
    private void writeNew(String mirrorKey, List<ManifestEntry> entries) {
        for (List<ManifestEntry> page : cut(entries)) {
            put(mirrorKey, page);
        }
    }

    private void put(String mirrorKey, List<ManifestEntry> page) {
        pages.put(ManifestPages.key(mirrorKey, page.get(0).getPath()), ManifestPage.encode(page));
    }

    /**
     * Sorted entries as pages: one if they fit in a page, else pages of about
     * {@link #TARGET_ENTRIES}, each cut early when its worst-case size would pass
     * {@link #MAX_PAGE_ESTIMATE}.
     */
    static List<List<ManifestEntry>> cut(List<ManifestEntry> entries) {
        List<List<ManifestEntry>> cut = new ArrayList<>();
        int per = entries.size() <= ManifestPage.MAX_ENTRIES
                ? ManifestPage.MAX_ENTRIES
                : (int) Math.ceil(entries.size() / Math.ceil(entries.size() / (double) TARGET_ENTRIES));
        List<ManifestEntry> page = new ArrayList<>();
        long bytes = 0;
        for (ManifestEntry e : entries) {
            long estimate = estimate(e);
            if (!page.isEmpty() && (page.size() == per || bytes + estimate > MAX_PAGE_ESTIMATE)) {
                cut.add(page);
                page = new ArrayList<>();
                bytes = 0;
            }
            page.add(e);
            bytes += estimate;
        }
        if (!page.isEmpty()) {
            cut.add(page);
        }
        return cut;
    }

    /** An upper bound of an entry's encoded size: three bytes per UTF-16 unit of its strings. */
    private static long estimate(ManifestEntry e) {
        long chars = e.getPath().length()
                + length(e.getRef())
                + length(e.getSha256())
                + length(e.getSha1())
                + length(e.getMd5())
                + length(e.getGitBlobSha1())
                + length(e.getLfsSha256());
        return 3 * chars + 48;
    }

    private static int length(String s) {
        return s == null ? 0 : s.length();
    }

    // ---- reading ------------------------------------------------------------------------------

    /** Every entry of the mirror's last known manifest, in path order. */
    public void forEachEntry(String mirrorKey, Consumer<ManifestEntry> consumer) {
        ManifestPages.forEach(pages, mirrorKey, consumer);
    }

    public MirrorRecord mirror(String mirrorKey) {
        return mirrors.get(mirrorKey);
    }

    public void putMirror(MirrorRecord record) {
        mirrors.put(record.getMirror().getKey(), record);
    }

    public void forEachMirror(Consumer<MirrorRecord> consumer) {
        try (KeyValueIterator<String, MirrorRecord> it = mirrors.all()) {
            it.forEachRemaining(kv -> consumer.accept(kv.value));
        }
    }

    // ---- the per-entry layout of the release before -----------------------------------------

    /** Whether any mirror may still be held one record per entry. */
    public boolean legacyLeft() {
        return legacyLeft;
    }

    /** A mirror still held one record per entry, or null when none is left. */
    public String nextLegacyMirror() {
        if (!legacyLeft) {
            return null;
        }
        try (KeyValueIterator<String, StoredEntry> it = legacy.all()) {
            if (it.hasNext()) {
                String key = it.next().key;
                return key.substring(0, key.indexOf(MirrorScopedKey.SEP));
            }
        }
        legacyLeft = false;
        return null;
    }

    /**
     * Converts the mirror's per-entry records, if it has any, to pages and deletes them, all in
     * the task's transaction. An entry record carries the snapshot that last listed it; when that
     * layout was halfway through a snapshot ({@code inProgress}, not partial), the entries it had
     * not listed yet are parked rather than held, as this layout's merge would have left them.
     *
     * @return entries parked, or -1 when the mirror had no per-entry records
     */
    public long convertLegacy(String mirrorKey, String inProgress, boolean partial) {
        if (!legacyLeft) {
            return -1;
        }
        boolean paged =
                ManifestPages.hasPages(pages, mirrorKey); // never both layouts, but never overlapping pages either
        boolean any = false;
        long held = 0;
        long parked = 0;
        List<ManifestEntry> page = new ArrayList<>(TARGET_ENTRIES);
        // In key order, which is path order: pages are written as they fill, so a big mirror is
        // never held in memory at once.
        try (KeyValueIterator<String, StoredEntry> it = MirrorScopedKey.range(legacy, mirrorKey)) {
            while (it.hasNext()) {
                var kv = it.next();
                any = true;
                ManifestEntry entry = underItsKey(kv.key, kv.value.getEntry());
                if (inProgress != null && !partial && !inProgress.equals(kv.value.getSnapshotId())) {
                    park(mirrorKey, entry);
                    parked++;
                } else if (paged) {
                    upsert(mirrorKey, entry);
                    held++;
                } else {
                    page.add(entry);
                    held++;
                    if (page.size() == TARGET_ENTRIES) {
                        writeNew(mirrorKey, page);
                        page.clear();
                    }
                }
                legacy.delete(kv.key);
            }
        }
        if (!any) {
            return -1;
        }
        writeNew(mirrorKey, page);
        LOG.info("manifest of {} converted to pages: {} entries held, {} parked", mirrorKey, held, parked);
        return parked;
    }

    /** Pages read as empty since start because they did not decode, in every task of this process. */
    public static long unreadablePages() {
        return UNREADABLE_PAGES.get();
    }

    /**
     * The entry with the path its key names. The release before wrote them equal; a record written
     * to its changelog by anything else may not have, and key order is what keeps pages sorted.
     */
    private static ManifestEntry underItsKey(String key, ManifestEntry entry) {
        String path = MirrorScopedKey.lastPart(key);
        if (entry.getPath().equals(path)) {
            return entry;
        }
        LOG.warn(
                "per-entry record {} names path {}: held under its key",
                key.replace(MirrorScopedKey.SEP, '|'),
                entry.getPath());
        return ManifestEntry.newBuilder(entry).setPath(path).build();
    }

    static void badPage(String key, IllegalArgumentException e) {
        UNREADABLE_PAGES.incrementAndGet();
        LOG.error(
                "manifest page {} does not decode and is read as empty: {}",
                key.replace(MirrorScopedKey.SEP, '|'),
                e.getMessage());
    }

    static boolean sameContent(ManifestEntry a, ManifestEntry b) {
        for (Function<ManifestEntry, Object> field : CONTENT_FIELDS.values()) {
            if (!Objects.equals(field.apply(a), field.apply(b))) {
                return false;
            }
        }
        return true;
    }
}
