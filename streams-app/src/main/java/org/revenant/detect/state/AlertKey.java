package org.revenant.detect.state;

import java.util.Objects;
import java.util.Optional;

/**
 * The key of one alert on the alert topics and in decisions: {@code <datasetId>|<mirrorKey>}. The
 * split is at the first {@code |}: dataset ids never contain one (the registry's id rule), mirror
 * keys may. Inside the task the alert is stored under the mirror-scoped key
 * {@code mirror \0 dataset} ({@link #storeKey()}), so all alerts of a mirror are one prefix range.
 */
public record AlertKey(String datasetId, String mirrorKey) {

    public static final char BAR = '|';

    public AlertKey {
        Objects.requireNonNull(datasetId, "datasetId");
        Objects.requireNonNull(mirrorKey, "mirrorKey");
        if (datasetId.isEmpty() || datasetId.indexOf(BAR) >= 0) {
            throw new IllegalArgumentException("a dataset id is not empty and has no '|': " + datasetId);
        }
    }

    /** The key, or empty when the text has no '|' with something on both sides. */
    public static Optional<AlertKey> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        int bar = text.indexOf(BAR);
        if (bar <= 0 || bar == text.length() - 1) {
            return Optional.empty();
        }
        return Optional.of(new AlertKey(text.substring(0, bar), text.substring(bar + 1)));
    }

    /** {@code <datasetId>|<mirrorKey>}. */
    public static String format(String datasetId, String mirrorKey) {
        return new AlertKey(datasetId, mirrorKey).toString();
    }

    /** The alert state store's key of this alert. */
    public String storeKey() {
        return MirrorScopedKey.of(mirrorKey, datasetId);
    }

    @Override
    public String toString() {
        return datasetId + BAR + mirrorKey;
    }
}
