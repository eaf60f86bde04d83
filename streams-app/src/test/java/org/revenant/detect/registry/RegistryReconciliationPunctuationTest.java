package org.revenant.detect.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.revenant.avro.AlertEvent;
import org.revenant.avro.AlertEventType;
import org.revenant.avro.AlertState;
import org.revenant.avro.AlertStatus;
import org.revenant.avro.RetractedDataset;
import org.revenant.avro.Signature;
import org.revenant.avro.SignatureKind;
import org.revenant.avro.SnapshotChunk;
import org.revenant.detect.Fixtures;
import org.revenant.detect.match.SnapshotMatcher;
import org.revenant.detect.state.MirrorScopedKey;
import org.revenant.detect.state.StateStores;
import org.revenant.wire.Topics;

/**
 * Registry reconciliation at the processor level: the matcher runs in a mock context, and the
 * test fires the punctuation it scheduled by hand, so each tick is one explicit call.
 */
class RegistryReconciliationPunctuationTest {

    private static final Duration CHECK = Duration.ofSeconds(30);
    private static final String MIRROR = "torrent:" + Fixtures.MS_CELEB_BTIH;

    private final RegistryView view = new RegistryView();
    private final MockProcessorContext<String, SpecificRecord> context = new MockProcessorContext<>();
    private KeyValueStore<String, AlertState> alerts;
    private KeyValueStore<String, String> seen;
    private MockProcessorContext.CapturedPunctuator tick;

    @BeforeEach
    void start() {
        StateStores stores = new StateStores(Topics.defaults());
        for (StateStores.Store<?> store : List.of(
                stores.assembly,
                stores.alerts,
                stores.manifestEntries,
                stores.manifestPages,
                stores.manifestPending,
                stores.manifestMirrors,
                stores.registrySeen,
                stores.alertHistory)) {
            add(store);
        }
        alerts = context.getStateStore(StateStores.ALERTS);
        seen = context.getStateStore(StateStores.REGISTRY_SEEN);
        SnapshotMatcher matcher = new SnapshotMatcher(view, 0.5, CHECK);
        matcher.init(context);
        assertEquals(1, context.scheduledPunctuators().size());
        tick = context.scheduledPunctuators().get(0);
        assertEquals(PunctuationType.WALL_CLOCK_TIME, tick.getType());
        assertEquals(CHECK, tick.getInterval());
        for (SnapshotChunk chunk :
                Fixtures.snapshot(Fixtures.torrent(Fixtures.MS_CELEB_BTIH), Fixtures.file("MsCeleb/a.tsv", 10))) {
            matcher.process(new Record<>(MIRROR, chunk, Fixtures.NOW.toEpochMilli()));
        }
        context.resetForwards();
    }

    private <V> void add(StateStores.Store<V> store) {
        KeyValueStore<String, V> kv = Stores.keyValueStoreBuilder(
                        Stores.inMemoryKeyValueStore(store.name()), store.keySerde(), store.valueSerde())
                .withLoggingDisabled()
                .build();
        kv.init(context.getStateStoreContext(), kv);
        context.addStateStore(kv);
    }

    @Test
    void aTickAfterADatasetIsAddedOpensItsAlertOnTheHeldManifestAndRemembersTheVersion() {
        tick.getPunctuator().punctuate(Fixtures.NOW.toEpochMilli());
        assertTrue(events().isEmpty(), "an empty registry matches nothing");

        view.swap(new RegistryIndex(List.of(Fixtures.msCeleb())));
        assertTrue(events().isEmpty(), "nothing happens between ticks");
        tick.getPunctuator().punctuate(Fixtures.NOW.toEpochMilli() + CHECK.toMillis());

        assertEquals(
                List.of(AlertEventType.OPENED),
                events().stream().map(AlertEvent::getEvent).toList());
        assertEquals(
                AlertStatus.OPEN,
                alerts.get(MirrorScopedKey.of(MIRROR, "ms-celeb-1m")).getStatus());
        assertNotNull(seen.get("ms-celeb-1m"));

        tick.getPunctuator().punctuate(Fixtures.NOW.toEpochMilli() + 2 * CHECK.toMillis());
        assertEquals(1, events().size(), "the same registry is not applied twice");
    }

    @Test
    void aDatasetReplacedByAnInvalidRecordKeepsItsAlertWhileARemovedOneResolves() {
        view.swap(new RegistryIndex(List.of(Fixtures.msCeleb())));
        tick.getPunctuator().punctuate(Fixtures.NOW.toEpochMilli());
        assertEquals(
                List.of(AlertEventType.OPENED),
                events().stream().map(AlertEvent::getEvent).toList());

        // The same id with a signature that breaks the rules: skipped by the index, which is not a removal.
        RetractedDataset broken = RetractedDataset.newBuilder(Fixtures.msCeleb())
                .setSignatures(List.of(Signature.newBuilder()
                        .setKind(SignatureKind.BTIH)
                        .setValue(null)
                        .build()))
                .build();
        RegistryIndex skipping = new RegistryIndex(List.of(broken));
        assertTrue(
                skipping.skipped().containsKey("ms-celeb-1m"), "the broken record is skipped: " + skipping.skipped());
        view.swap(skipping);
        tick.getPunctuator().punctuate(Fixtures.NOW.toEpochMilli() + CHECK.toMillis());
        assertEquals(1, events().size(), "a skipped record leaves the alert as it is: " + events());
        assertEquals(
                AlertStatus.OPEN,
                alerts.get(MirrorScopedKey.of(MIRROR, "ms-celeb-1m")).getStatus());

        view.swap(new RegistryIndex(List.of()));
        tick.getPunctuator().punctuate(Fixtures.NOW.toEpochMilli() + 2 * CHECK.toMillis());
        assertEquals(
                List.of(AlertEventType.OPENED, AlertEventType.RESOLVED),
                events().stream().map(AlertEvent::getEvent).toList());
        assertEquals(
                AlertStatus.RESOLVED,
                alerts.get(MirrorScopedKey.of(MIRROR, "ms-celeb-1m")).getStatus());
    }

    @Test
    void aDatasetWhoseNewerRecordAddsASignatureKindThisReleaseDoesNotKnowStillMatchesOnTheRest() {
        view.swap(new RegistryIndex(List.of(Fixtures.msCeleb())));
        tick.getPunctuator().punctuate(Fixtures.NOW.toEpochMilli());
        assertEquals(
                List.of(AlertEventType.OPENED),
                events().stream().map(AlertEvent::getEvent).toList());

        // UNKNOWN is what this release's reader makes of a kind added later (SchemaHistoryTest shows the resolution).
        List<Signature> signatures = new ArrayList<>(Fixtures.msCeleb().getSignatures());
        signatures.add(Signature.newBuilder()
                .setKind(SignatureKind.UNKNOWN)
                .setValue("a later kind")
                .build());
        RetractedDataset newer = RetractedDataset.newBuilder(Fixtures.msCeleb())
                .setSignatures(signatures)
                .build();
        view.swap(new RegistryIndex(List.of(newer)));
        tick.getPunctuator().punctuate(Fixtures.NOW.toEpochMilli() + CHECK.toMillis());

        assertTrue(
                events().stream().noneMatch(e -> e.getEvent() == AlertEventType.RESOLVED),
                "still matched: " + events());
        assertEquals(
                AlertStatus.OPEN,
                alerts.get(MirrorScopedKey.of(MIRROR, "ms-celeb-1m")).getStatus());
        assertNotNull(seen.get("ms-celeb-1m"));
    }

    private List<AlertEvent> events() {
        return context.forwarded().stream()
                .map(f -> f.record().value())
                .filter(AlertEvent.class::isInstance)
                .map(AlertEvent.class::cast)
                .toList();
    }
}
