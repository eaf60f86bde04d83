package org.revenant.detect.match;

import java.util.Collection;
import org.revenant.avro.Evidence;
import org.revenant.avro.Severity;

/**
 * Architecture section 6: independent pieces of evidence combine as {@code 1 - prod(1 - w)}; any
 * weight-1.0 evidence (an exact hash or infohash) is CONFIRMED.
 */
public final class Scoring {

    public static final double LIKELY = 0.85;
    public static final double CONFIRMED = 0.99;

    private Scoring() {}

    public static double confidence(Collection<Evidence> evidence) {
        double miss = 1.0;
        for (Evidence e : evidence) {
            miss *= 1.0 - Math.min(1.0, Math.max(0.0, e.getWeight()));
        }
        // Rounded so that 1 - 0.1 * 0.1 is 0.99 and not 0.98999999.
        return Math.round((1.0 - miss) * 1e6) / 1e6;
    }

    public static Severity severity(double confidence, Collection<Evidence> evidence) {
        boolean exact = evidence.stream().anyMatch(e -> e.getWeight() >= 1.0);
        if (exact || confidence >= CONFIRMED) {
            return Severity.CONFIRMED;
        }
        return confidence >= LIKELY ? Severity.LIKELY : Severity.POSSIBLE;
    }
}
