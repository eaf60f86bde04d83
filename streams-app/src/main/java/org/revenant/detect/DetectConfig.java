package org.revenant.detect;

import java.time.Duration;
import java.util.Objects;
import org.revenant.wire.Topics;

/** What the detection topology needs to know; no I/O settings live here. */
public record DetectConfig(
        Topics topics,
        double alertThreshold,
        boolean jsonProjection,
        Duration registryCheckInterval,
        Duration takedownOverdueAfter) {

    public static final double DEFAULT_THRESHOLD = 0.5;
    public static final Duration DEFAULT_REGISTRY_CHECK = Duration.ofSeconds(1);
    /** A takedown request still open after this long sends a TAKEDOWN_OVERDUE reminder (docs/decisions/018). */
    public static final Duration DEFAULT_TAKEDOWN_OVERDUE = Duration.ofDays(14);

    public DetectConfig {
        Objects.requireNonNull(topics, "topics");
        Objects.requireNonNull(registryCheckInterval, "registryCheckInterval");
        Objects.requireNonNull(takedownOverdueAfter, "takedownOverdueAfter");
        if (takedownOverdueAfter.isNegative() || takedownOverdueAfter.isZero()) {
            throw new IllegalArgumentException("takedown overdue time must be positive: " + takedownOverdueAfter);
        }
        if (!(alertThreshold > 0 && alertThreshold <= 1)) {
            throw new IllegalArgumentException("alert threshold must be in (0, 1]: " + alertThreshold);
        }
    }

    public static DetectConfig defaults(Topics topics) {
        return new DetectConfig(topics, DEFAULT_THRESHOLD, true, DEFAULT_REGISTRY_CHECK, DEFAULT_TAKEDOWN_OVERDUE);
    }

    public DetectConfig withTakedownOverdueAfter(Duration after) {
        return new DetectConfig(topics, alertThreshold, jsonProjection, registryCheckInterval, after);
    }
}
