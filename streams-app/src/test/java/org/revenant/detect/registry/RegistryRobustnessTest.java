package org.revenant.detect.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;
import org.revenant.avro.Evidence;
import org.revenant.avro.RetractedDataset;
import org.revenant.avro.Signature;
import org.revenant.avro.SignatureKind;
import org.revenant.detect.Fixtures;
import org.revenant.detect.match.ChunkLimits;
import org.revenant.detect.match.EvidenceCollector;
import org.revenant.detect.state.StateStores;
import org.revenant.wire.AvroSerdes;

/** The registry index and its updater survive any dataset the store can hold. */
class RegistryRobustnessTest {

    private static RetractedDataset nullInfohash(String id) {
        return Fixtures.dataset(
                id,
                id,
                null,
                "2020-01-01",
                Signature.newBuilder()
                        .setKind(SignatureKind.BTIH)
                        .setValue(null)
                        .build());
    }

    private static RetractedDataset brokenRegex(String id) {
        return Fixtures.dataset(
                id,
                id,
                null,
                "2020-01-01",
                Signature.newBuilder()
                        .setKind(SignatureKind.PATH_PATTERN)
                        .setValue("[unclosed")
                        .setMinCount(1)
                        .build());
    }

    @Test
    void indexBuiltOverPoisonDatasetsKeepsTheGoodOnesAndListsTheRestWithReasons() {
        RegistryIndex index = new RegistryIndex(List.of(nullInfohash("a"), Fixtures.msCeleb(), brokenRegex("b")));
        assertEquals(1, index.size());
        assertEquals(List.of("a", "b"), List.copyOf(index.skipped().keySet()));
        assertTrue(index.skipped().get("b").contains("regex does not compile"));
    }

    @Test
    void aSignatureOfAKindFromANewerReleaseIsSkippedAndTheRestOfTheDatasetStillMatches() {
        RetractedDataset msCeleb = Fixtures.msCeleb();
        List<Signature> signatures = new ArrayList<>(msCeleb.getSignatures());
        signatures.add(
                0,
                Signature.newBuilder()
                        .setKind(SignatureKind.UNKNOWN)
                        .setValue(null)
                        .build());
        RegistryIndex index = new RegistryIndex(List.of(
                RetractedDataset.newBuilder(msCeleb).setSignatures(signatures).build()));
        assertEquals(1, index.size());
        assertTrue(index.skipped().isEmpty(), index.skipped().toString());
        assertEquals(0.0, SignatureWeights.weightOf(signatures.get(0)));
        assertEquals("a signature of a kind this release does not know", RegistryIndex.describe(signatures.get(0)));
        List<String> hits = new ArrayList<>();
        index.matchMirror(
                Fixtures.torrent(Fixtures.MS_CELEB_BTIH),
                (dataset, evidence) -> hits.add(dataset + " " + evidence.getKind()));
        assertEquals(List.of("ms-celeb-1m BTIH"), hits);
    }

    @Test
    void storeRestoredWithAPoisonRecordInitialisesWithoutThrowing() {
        MockProcessorContext<Void, Void> context = new MockProcessorContext<>();
        KeyValueStore<String, RetractedDataset> store = Stores.keyValueStoreBuilder(
                        Stores.inMemoryKeyValueStore(StateStores.REGISTRY),
                        Serdes.String(),
                        AvroSerdes.of(RetractedDataset.class))
                .withLoggingDisabled()
                .build();
        store.init(context.getStateStoreContext(), store);
        context.addStateStore(store);
        store.put("ms-celeb-1m", Fixtures.msCeleb());
        store.put("poison", nullInfohash("poison"));
        store.put("regex", brokenRegex("regex"));

        RegistryView view = new RegistryView();
        List<RegistryIndex> swapped = new ArrayList<>();
        view.onSwap(swapped::add);
        new RegistryStoreUpdater(view, AvroSerdes.of(RetractedDataset.class).deserializer()).init(context);

        assertEquals(1, swapped.size());
        assertEquals(1, view.current().size());
        assertEquals(2, view.current().skipped().size());
    }

    @Test
    void backtrackingRegistryPatternGivesUpOnACraftedPathInsteadOfStallingTheTask() {
        Pattern backtracking = Pattern.compile("(x+x+)+y");
        String crafted = "x".repeat(40) + "!";
        assertFalse(
                assertTimeoutPreemptively(Duration.ofSeconds(5), () -> RegistryIndex.matches(backtracking, crafted)));
        // The step budget is what stops it: the same search with a budget to spare finds a real match.
        assertTrue(RegistryIndex.matches(Pattern.compile("(x+x+)+y"), "x".repeat(10) + "y", 10_000));
        assertFalse(RegistryIndex.matches(Pattern.compile("(x+x+)+y"), "x".repeat(10) + "y", 5));
        // Deep recursion on a long path is an Error in java.util.regex; it must come back as "no match".
        Pattern recursive = Pattern.compile("(a|aa)+b");
        assertFalse(assertTimeoutPreemptively(
                Duration.ofSeconds(5), () -> RegistryIndex.matches(recursive, "a".repeat(4_000) + "!")));
        assertTrue(RegistryIndex.matches(Pattern.compile("faces_emore/.*\\.rec$"), "x/faces_emore/train.rec"));
    }

    @Test
    void evidenceKeptPerSnapshotIsBoundedAndPathsAreCut() {
        EvidenceCollector hits = new EvidenceCollector();
        for (int i = 0; i < ChunkLimits.MAX_HITS + 50; i++) {
            hits.hit(
                    "d",
                    Evidence.newBuilder()
                            .setKind(SignatureKind.SHA256)
                            .setSignature("s" + i)
                            .setPath("p/".repeat(2_000))
                            .setWeight(1.0)
                            .build());
        }
        assertEquals(ChunkLimits.MAX_HITS, hits.hits().size());
        assertEquals(50, hits.dropped());
        assertEquals(
                ChunkLimits.MAX_SHOWN_PATH,
                hits.hits().get(0).getEvidence().getPath().length());
    }
}
