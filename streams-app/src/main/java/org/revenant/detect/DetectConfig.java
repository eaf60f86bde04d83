package org.revenant.detect;

import java.time.Duration;
import java.util.Objects;
import org.revenant.wire.Topics;

/** What the detection topology needs to know; no I/O settings live here. */
public record DetectConfig(Topics topics, double alertThreshold, boolean jsonProjection, Duration registryCheckInterval) {

    public static final double DEFAULT_THRESHOLD = 0.5;
    public static final Duration DEFAULT_REGISTRY_CHECK = Duration.ofSeconds(1);

    public DetectConfig {
        Objects.requireNonNull(topics, "topics");
        Objects.requireNonNull(registryCheckInterval, "registryCheckInterval");
        if (!(alertThreshold > 0 && alertThreshold <= 1)) {
            throw new IllegalArgumentException("alert threshold must be in (0, 1]: " + alertThreshold);
        }
    }

    public static DetectConfig defaults(Topics topics) {
        return new DetectConfig(topics, DEFAULT_THRESHOLD, true, DEFAULT_REGISTRY_CHECK);
    }
}
