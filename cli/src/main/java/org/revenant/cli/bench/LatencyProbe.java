package org.revenant.cli.bench;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.revenant.avro.AlertEvent;
import org.revenant.avro.ManifestChange;
import org.revenant.avro.ManifestEntry;
import org.revenant.publish.SnapshotPublisher;
import org.revenant.wire.Topics;

/**
 * Snapshot-to-alert latency at a fixed offered load. Each probe snapshot is stamped with the
 * time it was scheduled to be sent (not when it was sent), so a publisher that falls behind shows
 * up as latency instead of being hidden (coordinated omission).
 */
final class LatencyProbe {

    static final String PREFIX = "http:bench.example.org/lat-";

    /** The measured distribution, in milliseconds. */
    record Result(
            Histogram histogram, long sent, long received, double offeredEntriesPerSecond, int entriesPerSnapshot) {}

    /** Distinct manifests the probe's snapshots cycle through. */
    private static final int POOL = 8;

    private LatencyProbe() {}

    static Result run(
            Properties client,
            Topics topics,
            BenchWorkload workload,
            int snapshotEntries,
            double offeredEntriesPerSecond,
            Duration duration)
            throws InterruptedException {
        Histogram histogram = new Histogram(TimeUnit.MINUTES.toMillis(10), 3);
        AtomicLong received = new AtomicLong();
        AtomicBoolean stop = new AtomicBoolean();
        Thread reader = new Thread(
                () -> {
                    try (KafkaConsumer<byte[], byte[]> consumer = Throughput.consumer(client)) {
                        List<TopicPartition> partitions = Throughput.partitions(consumer, topics.alerts.name());
                        consumer.assign(partitions);
                        consumer.seekToEnd(partitions);
                        partitions.forEach(consumer::position);
                        synchronized (histogram) {
                            histogram.notifyAll();
                        }
                        while (!stop.get()) {
                            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(5))) {
                                AlertEvent alert = topics.alerts.deserializeValue(record.value());
                                if (alert.getMirrorKey().startsWith(PREFIX)) {
                                    long now = System.currentTimeMillis();
                                    synchronized (histogram) {
                                        histogram.recordValue(Math.max(
                                                0, now - alert.getObservedAt().toEpochMilli()));
                                    }
                                    received.incrementAndGet();
                                }
                            }
                        }
                    }
                },
                "bench-latency-reader");
        synchronized (histogram) {
            reader.start();
            histogram.wait(30_000);
        }
        // The entries of a few snapshots, made and sorted before the clock starts and reused under
        // new mirror keys: made while publishing, they cost the generator more than the app's work.
        List<List<ManifestEntry>> pool = new ArrayList<>();
        for (int i = 0; i < POOL; i++) {
            List<ManifestEntry> entries = new ArrayList<>(workload.entries(1_000_000 + i, snapshotEntries));
            entries.sort(SnapshotPublisher.PATH_ORDER);
            pool.add(entries);
        }
        double perSecond = Math.max(0.2, offeredEntriesPerSecond / snapshotEntries);
        long intervalNanos = (long) (1e9 / perSecond);
        long sent = 0;
        try (SnapshotPublisher publisher =
                new SnapshotPublisher(client, topics, "bench-latency", "bench-latency-publisher", snapshotEntries)) {
            long startNanos = System.nanoTime();
            long startMillis = System.currentTimeMillis();
            while (System.nanoTime() - startNanos < duration.toNanos()) {
                long scheduled = startNanos + sent * intervalNanos;
                long wait = scheduled - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
                Instant intended =
                        Instant.ofEpochMilli(startMillis + TimeUnit.NANOSECONDS.toMillis(scheduled - startNanos));
                publisher.publish(BenchWorkload.mirror("lat-" + sent), pool.get((int) (sent % POOL)), null, intended);
                sent++;
            }
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (received.get() < sent && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        stop.set(true);
        reader.join(10_000);
        synchronized (histogram) {
            return new Result(histogram.copy(), sent, received.get(), perSecond * snapshotEntries, snapshotEntries);
        }
    }

    /** Seconds from the start of publishing one big snapshot until its manifest change is out. */
    static double bigSnapshot(Properties client, Topics topics, BenchWorkload workload, int entries)
            throws InterruptedException {
        try (KafkaConsumer<byte[], byte[]> consumer = Throughput.consumer(client)) {
            List<TopicPartition> partitions = Throughput.partitions(consumer, topics.changes.name());
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            partitions.forEach(consumer::position);
            var manifest = workload.entries(2_000_000, entries);
            long start = System.nanoTime();
            try (SnapshotPublisher publisher =
                    new SnapshotPublisher(client, topics, "bench-big", "bench-big-publisher")) {
                publisher.publish(BenchWorkload.mirror("big"), manifest, null, Instant.now());
            }
            manifest = null;
            long deadline = start + TimeUnit.MINUTES.toNanos(10);
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(20))) {
                    ManifestChange change = topics.changes.deserializeValue(record.value());
                    if (change.getMirrorKey().equals("http:bench.example.org/big")) {
                        return BenchCommand.seconds(start);
                    }
                }
            }
            throw new IllegalStateException("the big snapshot was not processed within 10 minutes");
        }
    }
}
