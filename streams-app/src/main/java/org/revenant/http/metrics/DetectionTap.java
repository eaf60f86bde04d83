package org.revenant.http.metrics;

import org.revenant.avro.AlertEvent;
import org.revenant.avro.SnapshotChunk;

/**
 * What the topology reports to the outside while it runs (metrics). Called from stream threads:
 * implementations must be thread-safe, quick, and never throw. With exactly-once a record may be
 * reprocessed after a failure, so counts are at-least-once.
 */
public interface DetectionTap {

    DetectionTap NONE = new DetectionTap() {};

    /** A snapshot chunk arrived, before matching. */
    default void chunk(SnapshotChunk chunk) {}

    /** An alert event was emitted. */
    default void alert(AlertEvent event) {}
}
