package org.revenant.http;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.revenant.avro.AlertEvent;
import org.revenant.avro.AlertState;
import org.revenant.avro.CensusStats;
import org.revenant.avro.ManifestChange;
import org.revenant.avro.ManifestEntry;
import org.revenant.avro.MirrorRecord;
import org.revenant.detect.lifecycle.AlertLifecycle;
import org.revenant.detect.query.DetectionReads;
import org.revenant.detect.state.StateStores;

/**
 * Reads of this instance's own state stores (the partitions it hosts). Which instance to ask is
 * decided by {@link ClusterRouter}; this class never looks elsewhere.
 */
final class LocalState {

    /** The stores are not queryable right now (starting, rebalancing): the client should retry. */
    static final class NotReady extends RuntimeException {
        private static final long serialVersionUID = 1L;

        NotReady(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final KafkaStreams streams;
    private final DetectionReads reads;

    LocalState(KafkaStreams streams) {
        this.streams = Objects.requireNonNull(streams, "streams");
        this.reads = new DetectionReads(this::store);
    }

    /**
     * Every alert of the partitions this instance hosts that passes {@code filter}. With
     * {@code stale}, stores of tasks that are restoring or being reassigned are read too, which
     * answers (with possibly older values) while a rebalance would otherwise refuse.
     */
    List<AlertState> alerts(Predicate<AlertState> filter, boolean stale) {
        List<AlertState> matching = new ArrayList<>();
        try (KeyValueIterator<String, AlertState> it =
                this.<AlertState>store(StateStores.ALERTS, stale).all()) {
            // Each alert as of its mirror's latest snapshot (an unchanged one is not rewritten).
            ReadOnlyKeyValueStore<String, MirrorRecord> mirrors = store(StateStores.MANIFEST_MIRRORS, stale);
            it.forEachRemaining(kv -> {
                if (kv.value == null) {
                    return;
                }
                AlertState seen = AlertLifecycle.asSeen(kv.value, mirrors.get(kv.value.getMirrorKey()));
                if (filter.test(seen)) {
                    matching.add(seen);
                }
            });
        } catch (InvalidStateStoreException e) {
            // The composite store checks its stores lazily: a rebalance can start mid-iteration.
            throw notReady(StateStores.ALERTS, e);
        }
        return matching;
    }

    /** Every census of the partitions this instance hosts (as {@link #alerts}, {@code stale} reads moving stores too). */
    List<CensusStats> census(boolean stale) {
        List<CensusStats> all = new ArrayList<>();
        try (KeyValueIterator<String, CensusStats> it =
                this.<CensusStats>store(StateStores.CENSUS, stale).all()) {
            it.forEachRemaining(kv -> {
                if (kv.value != null) {
                    all.add(kv.value);
                }
            });
        } catch (InvalidStateStoreException e) {
            throw notReady(StateStores.CENSUS, e);
        }
        return all;
    }

    Optional<AlertState> alert(String mirrorKey, String datasetId) {
        return reads.alert(mirrorKey, datasetId);
    }

    List<AlertEvent> timeline(String mirrorKey, String datasetId) {
        return reads.timeline(mirrorKey, datasetId);
    }

    List<AlertState> alertsOfMirror(String mirrorKey) {
        return reads.alertsOfMirror(mirrorKey);
    }

    Optional<MirrorRecord> mirror(String mirrorKey) {
        return Optional.ofNullable(
                this.<MirrorRecord>store(StateStores.MANIFEST_MIRRORS).get(mirrorKey));
    }

    /** The first {@code limit} entries of the mirror's last manifest, in path order. */
    List<ManifestEntry> files(String mirrorKey, int limit) {
        return reads.files(mirrorKey, limit);
    }

    Optional<ManifestEntry> file(String mirrorKey, String path) {
        return reads.file(mirrorKey, path);
    }

    List<ManifestChange> changes(String mirrorKey) {
        return reads.changes(mirrorKey);
    }

    private <V> ReadOnlyKeyValueStore<String, V> store(String name) {
        return store(name, false);
    }

    private <V> ReadOnlyKeyValueStore<String, V> store(String name, boolean stale) {
        StoreQueryParameters<ReadOnlyKeyValueStore<String, V>> query =
                StoreQueryParameters.fromNameAndType(name, QueryableStoreTypes.<String, V>keyValueStore());
        try {
            return streams.store(stale ? query.enableStaleStores() : query);
        } catch (InvalidStateStoreException e) {
            throw notReady(name, e);
        } catch (IllegalStateException e) {
            // Kafka Streams has stopped (ERROR, NOT_RUNNING): /health names why; here it is a 503, not a 500.
            throw notReady(name, e);
        }
    }

    private NotReady notReady(String store, RuntimeException cause) {
        return new NotReady(
                "state store " + store + " is not queryable right now (streams " + streams.state() + ")", cause);
    }
}
