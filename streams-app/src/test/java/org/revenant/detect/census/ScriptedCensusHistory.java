package org.revenant.detect.census;

import static org.revenant.detect.Fixtures.ALIGNED_TSV;
import static org.revenant.detect.Fixtures.MS_CELEB_BTIH;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.apache.kafka.streams.TestInputTopic;
import org.revenant.avro.AnalystDecision;
import org.revenant.avro.DecisionKind;
import org.revenant.avro.EntryKind;
import org.revenant.avro.ManifestEntry;
import org.revenant.avro.Mirror;
import org.revenant.avro.MirrorStatus;
import org.revenant.avro.SnapshotChunk;
import org.revenant.detect.Fixtures;

/**
 * A scripted history with known answers, through the real topology's input topics: mirrors open,
 * takedowns are requested, mirrors go, one comes back after removal, one is a false positive, one
 * is a derivative. Days count from {@link #T0}, a Monday.
 */
public final class ScriptedCensusHistory {

    public static final Instant T0 = Instant.parse("2026-11-02T00:00:00Z");

    private final TestInputTopic<String, SnapshotChunk> snapshots;
    private final TestInputTopic<String, AnalystDecision> decisions;

    public ScriptedCensusHistory(
            TestInputTopic<String, SnapshotChunk> snapshots, TestInputTopic<String, AnalystDecision> decisions) {
        this.snapshots = snapshots;
        this.decisions = decisions;
    }

    static Instant day(double d) {
        return T0.plus(Duration.ofMinutes(Math.round(d * 24 * 60)));
    }

    void crawl(Mirror mirror, double day, ManifestEntry... entries) {
        for (SnapshotChunk chunk : Fixtures.snapshot(mirror, entries)) {
            chunk.setObservedAt(day(day));
            snapshots.pipeInput(mirror.getKey(), chunk);
        }
    }

    void gone(Mirror mirror, double day) {
        crawl(Mirror.newBuilder(mirror).setStatus(MirrorStatus.GONE).build(), day);
    }

    void decide(String alertKey, DecisionKind kind, double requestedOnDay) {
        decisions.pipeInput(
                alertKey,
                AnalystDecision.newBuilder()
                        .setAlertKey(alertKey)
                        .setDecision(kind)
                        .setBy("analyst")
                        .setAt(day(requestedOnDay))
                        .setReference(kind == DecisionKind.TAKEDOWN_REQUESTED ? "DMCA " + alertKey : null)
                        .setRequestedAt(kind == DecisionKind.TAKEDOWN_REQUESTED ? day(requestedOnDay) : null)
                        .build());
    }

    static String key(String dataset, Mirror mirror) {
        return dataset + "|" + mirror.getKey();
    }

    /** Plays the history; the answers are in CensusTopologyTest. */
    public void play() {
        Mirror a = Fixtures.torrent(MS_CELEB_BTIH);
        Mirror b = Fixtures.mirror("hf:datasets/x/b", MirrorStatus.PRESENT, Map.of());
        Mirror c = Fixtures.mirror("hf:datasets/x/c", MirrorStatus.PRESENT, Map.of());
        Mirror d = Fixtures.mirror("github:someone/d", MirrorStatus.PRESENT, Map.of());
        Mirror e = Fixtures.mirror("hf:datasets/x/e", MirrorStatus.PRESENT, Map.of());
        ManifestEntry faces = Fixtures.file("faces.tsv", ALIGNED_TSV);
        ManifestEntry derived = ManifestEntry.newBuilder()
                .setPath("v1c.zip")
                .setSize(12_345L)
                .setMd5("c5b668f2204c400099b14f367069aef5")
                .setKind(EntryKind.FILE)
                .build();

        crawl(a, 0, faces); // A opens on day 0
        crawl(b, 1, faces); // B on day 1
        decide(key("ms-celeb-1m", a), DecisionKind.TAKEDOWN_REQUESTED, 2);
        decide(key("ms-celeb-1m", b), DecisionKind.TAKEDOWN_REQUESTED, 2);
        crawl(c, 3, faces); // C on day 3, asked the same day
        decide(key("ms-celeb-1m", c), DecisionKind.TAKEDOWN_REQUESTED, 3);
        gone(b, 4); // B lived 3 days; removed 2 days after the request
        gone(a, 5); // A lived 5 days; removed 3 days after the request
        gone(a, 6); // gone again: nothing changes
        crawl(d, 8, derived); // D: a derivative, stays open
        crawl(e, 8, faces); // E: a false positive
        decide(key("ms-celeb-1m", e), DecisionKind.FALSE_POSITIVE, 8);
        crawl(a, 9, faces); // A is back on day 9, after removal
        gone(c, 10); // C lived 7 days; removed 7 days after the request
    }
}
