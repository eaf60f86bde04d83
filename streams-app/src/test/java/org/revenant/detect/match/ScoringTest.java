package org.revenant.detect.match;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.revenant.avro.Evidence;
import org.revenant.avro.Severity;
import org.revenant.avro.SignatureKind;

class ScoringTest {

    @Test
    void independentEvidenceCombinesAsOneMinusTheProductOfMisses() {
        assertEquals(0.99, Scoring.confidence(List.of(evidence(0.9), evidence(0.9))));
        assertEquals(0.74, Scoring.confidence(List.of(evidence(0.35), evidence(0.6))));
        assertEquals(0.0, Scoring.confidence(List.of()));
    }

    @Test
    void weightsOutsideZeroToOneAreClamped() {
        assertEquals(1.0, Scoring.confidence(List.of(evidence(1.7))));
        assertEquals(0.5, Scoring.confidence(List.of(evidence(0.5), evidence(-3))));
    }

    @Test
    void severityFollowsTheThresholdsAndAnyExactEvidenceConfirms() {
        assertEquals(Severity.POSSIBLE, Scoring.severity(0.84, List.of(evidence(0.84))));
        assertEquals(Severity.LIKELY, Scoring.severity(0.85, List.of(evidence(0.85))));
        assertEquals(Severity.CONFIRMED, Scoring.severity(0.99, List.of(evidence(0.9), evidence(0.9))));
        assertEquals(Severity.CONFIRMED, Scoring.severity(0.5, List.of(evidence(1.0))));
    }

    private static Evidence evidence(double weight) {
        return Evidence.newBuilder()
                .setKind(SignatureKind.FILE_SIZE)
                .setSignature("w" + weight)
                .setWeight(weight)
                .build();
    }
}
