package org.revenant.detect.tap;

import org.revenant.avro.AlertEvent;
import org.revenant.avro.SnapshotChunk;

/**
 * What the topology reports to the outside while it runs (metrics). Called from stream threads
 * and the global (registry) thread: implementations must be thread-safe, quick, and never throw.
 * With exactly-once a record may be reprocessed after a failure, so counts are at-least-once.
 */
public interface DetectionTap {

    DetectionTap NONE = new DetectionTap() {};

    /** A snapshot chunk arrived, before matching. */
    default void chunk(SnapshotChunk chunk) {}

    /** An alert event was emitted. */
    default void alert(AlertEvent event) {}

    /**
     * A registry record was read but left out of the index, because {@code registry load} would
     * reject it or it could not be indexed. It was also written to the dead-letter topic.
     */
    default void registryRecordSkipped(String key, String reason) {}

    /** A record of {@code sourceTopic} went to the dead-letter topic instead of being processed. */
    default void deadLettered(String sourceTopic, String reason) {}
}
