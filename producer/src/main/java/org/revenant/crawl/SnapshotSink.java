package org.revenant.crawl;

import java.time.Instant;
import org.revenant.publish.SnapshotPublisher;

/** Where crawled snapshots go: a {@link SnapshotPublisher} in production. */
@FunctionalInterface
public interface SnapshotSink {

    void publish(Snapshot snapshot, Instant observedAt);

    static SnapshotSink of(SnapshotPublisher publisher) {
        return (s, at) -> publisher.publish(s.mirror(), s.entries(), s.text(), at);
    }
}
