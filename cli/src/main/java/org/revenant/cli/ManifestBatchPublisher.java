package org.revenant.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.apache.kafka.common.KafkaException;
import org.revenant.publish.SnapshotPublisher;
import org.revenant.source.manifest.Manifest;

/**
 * Publishes the manifests of a {@link ManifestBatch} through one producer, each mirror in its own
 * transaction, with a progress line on stderr every 2 s and a summary: how many were published,
 * which were rejected and why. Kafka failing several times in a row stops the run (the broker is
 * gone; every further mirror would wait for it).
 */
final class ManifestBatchPublisher implements ManifestBatch.Sink {

    static final long EVERY_NANOS = TimeUnit.SECONDS.toNanos(2);
    /** Rejections printed on stderr as they happen, and listed again in the summary. */
    static final int MAX_PRINTED = 100;

    static final int MAX_LISTED = 20;
    static final int MAX_KAFKA_FAILURES_IN_A_ROW = 3;

    /** What is published: the one seam a test or another transport can replace. */
    interface Publish {
        SnapshotPublisher.Published publish(Manifest manifest);
    }

    private final Publish publish;
    private final PrintWriter err;
    private final boolean terminal;
    private final LongSupplier nanos;
    private final long start;
    private final List<String> rejections = new ArrayList<>();
    private long lastPrint;
    private boolean lineOpen;
    private long published;
    private long rejected;
    private long entries;
    private int kafkaFailuresInARow;

    ManifestBatchPublisher(Publish publish, PrintWriter err, boolean terminal, LongSupplier nanos) {
        this.publish = publish;
        this.err = err;
        this.terminal = terminal;
        this.nanos = nanos;
        this.start = nanos.getAsLong();
        this.lastPrint = start;
    }

    @Override
    public void manifest(String where, Manifest manifest) {
        for (String note : manifest.notes()) {
            endLine();
            err.println("revenant: note: " + where + ": " + Terminal.safe(note));
        }
        try {
            SnapshotPublisher.Published p = publish.publish(manifest);
            published++;
            entries += p.entries();
            kafkaFailuresInARow = 0;
        } catch (KafkaException e) {
            rejected(where, "Kafka did not take it: " + Terminal.safe(String.valueOf(e.getMessage())));
            if (++kafkaFailuresInARow >= MAX_KAFKA_FAILURES_IN_A_ROW) {
                finish();
                throw new UserError(
                        "stopped: Kafka failed " + kafkaFailuresInARow + " times in a row ("
                                + Terminal.safe(e.getMessage()) + "); " + published
                                + " mirror(s) were published before that",
                        e);
            }
        }
        progress();
    }

    @Override
    public void rejected(String where, String reason) {
        rejected++;
        String line = reason.startsWith(where) || reason.contains(": line ") ? reason : where + ": " + reason;
        if (rejections.size() < MAX_LISTED) {
            rejections.add(line);
        }
        if (rejected <= MAX_PRINTED) {
            endLine();
            err.println("revenant: rejected " + line);
        }
        progress();
    }

    long published() {
        return published;
    }

    long rejected() {
        return rejected;
    }

    private void progress() {
        long now = nanos.getAsLong();
        if (now - lastPrint < EVERY_NANOS) {
            return;
        }
        lastPrint = now;
        String line = String.format(
                Locale.ROOT,
                "revenant: %,d published, %,d rejected, %,.0f mirrors/s",
                published,
                rejected,
                (published + rejected) / Math.max(1e-9, (now - start) / 1e9));
        if (terminal) {
            err.print("\r" + line + "\u001b[K");
            lineOpen = true;
        } else {
            err.println(line);
        }
        err.flush();
    }

    /** Ends the progress line; rejections beyond those printed are counted. */
    void finish() {
        endLine();
        if (rejected > MAX_PRINTED) {
            err.println("revenant: rejected " + (rejected - MAX_PRINTED) + " more (not printed)");
        }
        err.flush();
    }

    /** The summary for stdout: counts, then the first rejections with their reasons. */
    String summary(String topic) {
        double seconds = (nanos.getAsLong() - start) / 1e9;
        StringBuilder out = new StringBuilder(String.format(
                Locale.ROOT,
                "published %,d mirror(s) (%,d file(s)) to %s, each in its own transaction; rejected %,d; %.1f s",
                published,
                entries,
                topic,
                rejected,
                seconds));
        for (String r : rejections) {
            out.append("\n  rejected ").append(r);
        }
        if (rejected > rejections.size()) {
            out.append("\n  … and ").append(rejected - rejections.size()).append(" more");
        }
        return out.toString();
    }

    private void endLine() {
        if (lineOpen) {
            err.println();
            lineOpen = false;
        }
    }
}
