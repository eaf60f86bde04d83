package org.revenant.detect.match;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.revenant.avro.Evidence;
import org.revenant.avro.Hit;
import org.revenant.avro.Severity;
import org.revenant.avro.SignatureKind;
import org.revenant.detect.Fixtures;
import org.revenant.detect.lifecycle.AlertLifecycle;
import org.revenant.detect.registry.RegistryIndex;

class EvaluationTest {

    private static final RegistryIndex INDEX = new RegistryIndex(List.of(Fixtures.msCeleb()));
    private static final Evaluation.MirrorFacts SMALL = facts(3, 30, 10);
    private static final Evaluation.MirrorFacts LARGE = facts(3, Evaluation.DATA_BYTES, Evaluation.DATA_FILE);

    @Test
    void evidenceAtTheThresholdBecomesAnAssessment() {
        Map<String, AlertLifecycle.Assessment> out = Evaluation.assess(
                INDEX,
                List.of(hit(SignatureKind.FILE_SIZE, 0.9), hit(SignatureKind.FILE_NAME_SIZE, 0.9)),
                SMALL,
                0.5,
                null);
        AlertLifecycle.Assessment assessment = out.get("ms-celeb-1m");
        assertEquals(0.99, assessment.confidence());
        assertEquals(Severity.CONFIRMED, assessment.severity());
    }

    @Test
    void evidenceBelowTheThresholdOrOfUnknownDatasetsIsDropped() {
        assertTrue(Evaluation.assess(INDEX, List.of(hit(SignatureKind.FILE_NAME, 0.35)), SMALL, 0.5, null)
                .isEmpty());
        Hit unknown = new Hit("not-in-registry", evidence(SignatureKind.FILE_SIZE, 0.9), 1L);
        assertTrue(Evaluation.assess(INDEX, List.of(unknown), SMALL, 0.5, null).isEmpty());
    }

    @Test
    void anAliasCountsForLittleUnlessTheMirrorHoldsData() {
        List<Hit> alias = List.of(hit(SignatureKind.ALIAS, 0.5));
        assertTrue(Evaluation.assess(INDEX, alias, SMALL, 0.5, null).isEmpty());
        assertEquals(
                0.5,
                Evaluation.assess(INDEX, alias, LARGE, 0.5, null)
                        .get("ms-celeb-1m")
                        .confidence());
        assertTrue(LARGE.holdsData());
    }

    @Test
    void onlyRestrictsTheAssessedDatasets() {
        List<Hit> hits = List.of(hit(SignatureKind.BTIH, 1.0));
        assertTrue(Evaluation.assess(INDEX, hits, SMALL, 0.5, Set.of("other")).isEmpty());
        assertEquals(
                Set.of("ms-celeb-1m"),
                Evaluation.assess(INDEX, hits, SMALL, 0.5, Set.of("ms-celeb-1m"))
                        .keySet());
    }

    private static Evaluation.MirrorFacts facts(long entries, long bytes, long maxFile) {
        return new Evaluation.MirrorFacts(
                Fixtures.torrent(Fixtures.MS_CELEB_BTIH), "s1", Fixtures.NOW, entries, bytes, maxFile);
    }

    private static Hit hit(SignatureKind kind, double weight) {
        return new Hit("ms-celeb-1m", evidence(kind, weight), 1L);
    }

    private static Evidence evidence(SignatureKind kind, double weight) {
        return Evidence.newBuilder()
                .setKind(kind)
                .setSignature(kind + "-" + weight)
                .setWeight(weight)
                .setDetail("test")
                .build();
    }
}
