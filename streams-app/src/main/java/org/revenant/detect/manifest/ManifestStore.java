package org.revenant.detect.manifest;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.revenant.avro.ManifestEntry;
import org.revenant.avro.MirrorRecord;
import org.revenant.avro.StoredEntry;
import org.revenant.detect.state.MirrorScopedKey;

/**
 * The last known manifest of every mirror of a task, one store record per entry (key
 * {@code mirror \0 path}) so that a million-file mirror never becomes one big record, plus one
 * record per mirror for what its snapshot said about the mirror itself.
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

    /** What one new entry is, compared with the last snapshot. */
    public enum Diff {
        ADDED,
        MODIFIED,
        UNCHANGED
    }

    private final KeyValueStore<String, StoredEntry> entries;
    private final KeyValueStore<String, MirrorRecord> mirrors;

    public ManifestStore(KeyValueStore<String, StoredEntry> entries, KeyValueStore<String, MirrorRecord> mirrors) {
        this.entries = Objects.requireNonNull(entries, "entries");
        this.mirrors = Objects.requireNonNull(mirrors, "mirrors");
    }

    /** Records the entry as seen by this snapshot and says how it differs from before. */
    public Diff put(String mirrorKey, String snapshotId, ManifestEntry entry) {
        String key = MirrorScopedKey.of(mirrorKey, entry.getPath());
        StoredEntry old = entries.get(key);
        entries.put(key, new StoredEntry(entry, snapshotId));
        if (old == null) {
            return Diff.ADDED;
        }
        if (old.getSnapshotId().equals(snapshotId)) {
            return Diff.UNCHANGED; // the same path twice in one snapshot
        }
        return sameContent(old.getEntry(), entry) ? Diff.UNCHANGED : Diff.MODIFIED;
    }

    /** Deletes the entries the given snapshot did not see; each removed entry goes to the consumer. */
    public void removeUnseen(
            String mirrorKey, String snapshotId, Consumer<ManifestEntry> removed, Consumer<ManifestEntry> kept) {
        removeUnseen(mirrorKey, snapshotId, false, removed, kept);
    }

    /**
     * @param partial the snapshot listed the mirror only in part: what it did not list is not known
     *                to be gone, so it stays (neither removed nor counted as this snapshot's)
     */
    public void removeUnseen(
            String mirrorKey,
            String snapshotId,
            boolean partial,
            Consumer<ManifestEntry> removed,
            Consumer<ManifestEntry> kept) {
        try (KeyValueIterator<String, StoredEntry> it = MirrorScopedKey.range(entries, mirrorKey)) {
            while (it.hasNext()) {
                var kv = it.next();
                if (!kv.value.getSnapshotId().equals(snapshotId)) {
                    if (partial) {
                        continue;
                    }
                    entries.delete(kv.key);
                    removed.accept(kv.value.getEntry());
                } else {
                    kept.accept(kv.value.getEntry());
                }
            }
        }
    }

    /** Every entry of the mirror's last known manifest. */
    public void forEachEntry(String mirrorKey, Consumer<ManifestEntry> consumer) {
        try (KeyValueIterator<String, StoredEntry> it = MirrorScopedKey.range(entries, mirrorKey)) {
            it.forEachRemaining(kv -> consumer.accept(kv.value.getEntry()));
        }
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

    static boolean sameContent(ManifestEntry a, ManifestEntry b) {
        for (Function<ManifestEntry, Object> field : CONTENT_FIELDS.values()) {
            if (!Objects.equals(field.apply(a), field.apply(b))) {
                return false;
            }
        }
        return true;
    }
}
