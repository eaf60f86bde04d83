package org.revenant.detect.query;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.revenant.avro.AlertEvent;
import org.revenant.avro.AlertState;
import org.revenant.avro.ManifestChange;
import org.revenant.avro.ManifestEntry;
import org.revenant.avro.MirrorRecord;
import org.revenant.avro.StoredEntry;
import org.revenant.detect.history.AlertHistoryRecorder;
import org.revenant.detect.history.BoundedHistory;
import org.revenant.detect.lifecycle.AlertLifecycle;
import org.revenant.detect.manifest.ManifestPages;
import org.revenant.detect.state.AlertKey;
import org.revenant.detect.state.MirrorScopedKey;
import org.revenant.detect.state.StateStores;

/**
 * Read-only access to the detection topology's stores for readers outside it (the HTTP API).
 * Which store to open, and how, is the reader's business (interactive queries, a test driver);
 * what the keys look like is known only here and in the processors that write them.
 */
public final class DetectionReads {

    /** Opens a store of the catalogue ({@link StateStores}) by name. */
    @FunctionalInterface
    public interface StoreSource {
        <V> ReadOnlyKeyValueStore<String, V> store(String name);
    }

    private final StoreSource stores;

    public DetectionReads(StoreSource stores) {
        this.stores = Objects.requireNonNull(stores, "stores");
    }

    /** The alert as of its mirror's latest snapshot ({@link AlertLifecycle#asSeen}). */
    public Optional<AlertState> alert(String mirrorKey, String datasetId) {
        ReadOnlyKeyValueStore<String, AlertState> alerts = stores.store(StateStores.ALERTS);
        AlertState state = alerts.get(new AlertKey(datasetId, mirrorKey).storeKey());
        return Optional.ofNullable(state == null ? null : AlertLifecycle.asSeen(state, mirror(mirrorKey)));
    }

    public List<AlertState> alertsOfMirror(String mirrorKey) {
        List<AlertState> all = new ArrayList<>();
        ReadOnlyKeyValueStore<String, AlertState> alerts = stores.store(StateStores.ALERTS);
        try (KeyValueIterator<String, AlertState> it = MirrorScopedKey.range(alerts, mirrorKey)) {
            it.forEachRemaining(kv -> all.add(kv.value));
        }
        if (all.isEmpty()) {
            return all;
        }
        MirrorRecord mirror = mirror(mirrorKey);
        all.replaceAll(s -> AlertLifecycle.asSeen(s, mirror));
        return all;
    }

    /** What the mirror's latest snapshot said about it, or null. */
    public MirrorRecord mirror(String mirrorKey) {
        ReadOnlyKeyValueStore<String, MirrorRecord> mirrors = stores.store(StateStores.MANIFEST_MIRRORS);
        return mirrors.get(mirrorKey);
    }

    /** The alert's last events, oldest first. */
    public List<AlertEvent> timeline(String mirrorKey, String datasetId) {
        return BoundedHistory.read(
                stores.store(StateStores.ALERT_HISTORY), AlertHistoryRecorder.owner(mirrorKey, datasetId));
    }

    /** The mirror's last manifest changes, oldest first. */
    public List<ManifestChange> changes(String mirrorKey) {
        return BoundedHistory.read(stores.store(StateStores.MIRROR_HISTORY), mirrorKey);
    }

    /**
     * The first {@code limit} entries of the mirror's last manifest, in path order. A mirror not
     * converted to pages yet is read from the per-entry layout (decision 014).
     */
    public List<ManifestEntry> files(String mirrorKey, int limit) {
        List<ManifestEntry> paged = ManifestPages.first(stores.store(StateStores.MANIFEST_PAGES), mirrorKey, limit);
        if (!paged.isEmpty()) {
            return paged;
        }
        List<ManifestEntry> files = new ArrayList<>();
        ReadOnlyKeyValueStore<String, StoredEntry> entries = stores.store(StateStores.MANIFEST_ENTRIES);
        try (KeyValueIterator<String, StoredEntry> it = MirrorScopedKey.range(entries, mirrorKey)) {
            while (it.hasNext() && files.size() < limit) {
                files.add(it.next().value.getEntry());
            }
        }
        return files;
    }

    public Optional<ManifestEntry> file(String mirrorKey, String path) {
        ManifestEntry paged = ManifestPages.entry(stores.store(StateStores.MANIFEST_PAGES), mirrorKey, path);
        if (paged != null) {
            return Optional.of(paged);
        }
        ReadOnlyKeyValueStore<String, StoredEntry> entries = stores.store(StateStores.MANIFEST_ENTRIES);
        return Optional.ofNullable(entries.get(MirrorScopedKey.of(mirrorKey, path)))
                .map(StoredEntry::getEntry);
    }
}
