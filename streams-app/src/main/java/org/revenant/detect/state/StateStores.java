package org.revenant.detect.state;

import java.util.List;
import java.util.Objects;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.revenant.avro.AlertEvent;
import org.revenant.avro.AlertState;
import org.revenant.avro.AssemblyState;
import org.revenant.avro.CensusMirror;
import org.revenant.avro.CensusStats;
import org.revenant.avro.ManifestChange;
import org.revenant.avro.MirrorRecord;
import org.revenant.avro.RetractedDataset;
import org.revenant.avro.StoredEntry;
import org.revenant.wire.AvroSerdes;
import org.revenant.wire.Topics;

/**
 * Every state store of the detection topology: its name, key and value serdes and key layout, in
 * one place, next to the topic catalogue ({@link Topics}). The topology builds its stores from
 * here and processors and readers take names from here.
 *
 * <p>The names are part of the deployment: each task store's changelog topic is
 * {@code <application.id>-<store name>-changelog}, and the key layouts are what those changelogs
 * hold. Renaming a store or changing a layout is a migration (docs/decisions/013).
 */
public final class StateStores {

    /** How a store's keys are made. */
    public enum KeyLayout {
        /** The dataset id, as on the registry topic. */
        DATASET_ID,
        /** The mirror key alone: one record per mirror. */
        MIRROR,
        /** {@link MirrorScopedKey}: mirror, NUL, further parts; a mirror's records are one prefix range. */
        MIRROR_SCOPED,
        /** A census key, {@code dataset:<id>} or {@code platform:<name>} (decision 019). */
        CENSUS,
        /** A census key, NUL, an alert key: what one census counted of one alert. */
        CENSUS_SCOPED
    }

    /** One store: what the topology registers and what processors and queries open by name. */
    public record Store<V>(
            String name, Serde<String> keySerde, Serde<V> valueSerde, KeyLayout keyLayout, String keyParts) {
        public Store {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(keySerde, "keySerde");
            Objects.requireNonNull(valueSerde, "valueSerde");
            Objects.requireNonNull(keyLayout, "keyLayout");
            Objects.requireNonNull(keyParts, "keyParts");
        }

        /** A persistent key-value store of this name and serdes, logged unless told otherwise. */
        public StoreBuilder<KeyValueStore<String, V>> builder() {
            KeyValueBytesStoreSupplier supplier = Stores.persistentKeyValueStore(name);
            return Stores.keyValueStoreBuilder(supplier, keySerde, valueSerde);
        }
    }

    /** Global, rebuilt from the registry topic: no changelog. Key: dataset id. */
    public static final String REGISTRY = "registry-store";
    /** The snapshot being assembled, per mirror. */
    public static final String ASSEMBLY = "snapshot-assembly-store";
    /** Alert states: {@code mirror \0 dataset}. */
    public static final String ALERTS = "alert-state-store";
    /**
     * The held manifest of the release before paged manifests, one record per entry:
     * {@code mirror \0 path}. Only read, to convert each mirror to pages once (decision 014).
     */
    public static final String MANIFEST_ENTRIES = "manifest-entries-store";
    /** The held manifest in sorted pages: {@code mirror \0 first path of the page} (decision 014). */
    public static final String MANIFEST_PAGES = "manifest-pages-store";
    /** Held entries a snapshot being merged has skipped, until it completes: {@code mirror \0 path}. */
    public static final String MANIFEST_PENDING = "manifest-pending-store";
    /** What the last snapshot said about each mirror. */
    public static final String MANIFEST_MIRRORS = "manifest-mirrors-store";
    /** The registry fingerprint each dataset was last reconciled at. Key: dataset id. */
    public static final String REGISTRY_SEEN = "registry-seen-store";
    /** The last events of each alert: {@code mirror \0 dataset \0 sequence}. */
    public static final String ALERT_HISTORY = "alert-history-store";
    /** The last manifest changes of each mirror: {@code mirror \0 sequence}. */
    public static final String MIRROR_HISTORY = "mirror-history-store";
    /** The census of each dataset and platform, in the census task. Key: census key. */
    public static final String CENSUS = "census-store";
    /** What each census counted of each alert: {@code census key \0 alert key}. */
    public static final String CENSUS_MIRRORS = "census-mirrors-store";

    public final Store<RetractedDataset> registry;
    public final Store<AssemblyState> assembly;
    public final Store<AlertState> alerts;
    public final Store<StoredEntry> manifestEntries;
    public final Store<byte[]> manifestPages;
    public final Store<byte[]> manifestPending;
    public final Store<MirrorRecord> manifestMirrors;
    public final Store<String> registrySeen;
    public final Store<AlertEvent> alertHistory;
    public final Store<ManifestChange> mirrorHistory;
    public final Store<CensusStats> census;
    public final Store<CensusMirror> censusMirrors;

    /** The stores whose values are records of these topics share the topics' serdes. */
    public StateStores(Topics topics) {
        Objects.requireNonNull(topics, "topics");
        registry = new Store<>(
                REGISTRY, Serdes.String(), topics.registry.valueSerde(), KeyLayout.DATASET_ID, "dataset id");
        assembly =
                new Store<>(ASSEMBLY, Serdes.String(), AvroSerdes.of(AssemblyState.class), KeyLayout.MIRROR, "mirror");
        alerts = new Store<>(
                ALERTS, Serdes.String(), topics.alertState.valueSerde(), KeyLayout.MIRROR_SCOPED, "mirror, dataset");
        manifestEntries = new Store<>(
                MANIFEST_ENTRIES,
                Serdes.String(),
                AvroSerdes.of(StoredEntry.class),
                KeyLayout.MIRROR_SCOPED,
                "mirror, path");
        manifestPages = new Store<>(
                MANIFEST_PAGES, Serdes.String(), Serdes.ByteArray(), KeyLayout.MIRROR_SCOPED, "mirror, first path");
        manifestPending = new Store<>(
                MANIFEST_PENDING, Serdes.String(), Serdes.ByteArray(), KeyLayout.MIRROR_SCOPED, "mirror, path");
        manifestMirrors = new Store<>(
                MANIFEST_MIRRORS, Serdes.String(), AvroSerdes.of(MirrorRecord.class), KeyLayout.MIRROR, "mirror");
        registrySeen = new Store<>(REGISTRY_SEEN, Serdes.String(), Serdes.String(), KeyLayout.DATASET_ID, "dataset id");
        alertHistory = new Store<>(
                ALERT_HISTORY,
                Serdes.String(),
                topics.alerts.valueSerde(),
                KeyLayout.MIRROR_SCOPED,
                "mirror, dataset, sequence");
        mirrorHistory = new Store<>(
                MIRROR_HISTORY,
                Serdes.String(),
                topics.changes.valueSerde(),
                KeyLayout.MIRROR_SCOPED,
                "mirror, sequence");
        census = new Store<>(CENSUS, Serdes.String(), topics.stats.valueSerde(), KeyLayout.CENSUS, "census key");
        censusMirrors = new Store<>(
                CENSUS_MIRRORS,
                Serdes.String(),
                AvroSerdes.of(CensusMirror.class),
                KeyLayout.CENSUS_SCOPED,
                "census key, alert key");
    }

    /** Every store, the global registry store first. */
    public List<Store<?>> all() {
        return List.of(
                registry,
                assembly,
                alerts,
                manifestEntries,
                manifestPages,
                manifestPending,
                manifestMirrors,
                registrySeen,
                alertHistory,
                mirrorHistory,
                census,
                censusMirrors);
    }
}
