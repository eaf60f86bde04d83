package org.revenant.bench;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.revenant.avro.EntryKind;
import org.revenant.avro.ManifestEntry;
import org.revenant.avro.Mirror;
import org.revenant.avro.MirrorStatus;
import org.revenant.avro.SnapshotChunk;
import org.revenant.wire.Topics;

/** Snapshot chunks (2,000 entries) encoded and decoded per second with the single-object Avro serde; bytes/op gives MB/s. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class SerdeBenchmark {

    private final Topics topics = Topics.defaults();
    private SnapshotChunk chunk;
    private byte[] bytes;

    /** Encoded bytes handled, reported next to the ops so MB/s can be read off. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Bytes {
        public long bytes;

        @Setup(Level.Iteration)
        public void reset() {
            bytes = 0;
        }
    }

    @Setup
    public void setUp() {
        SplittableRandom random = new SplittableRandom(3);
        List<ManifestEntry> entries = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            entries.add(ManifestEntry.newBuilder()
                    .setPath("data/shard-" + (i % 64) + "/file-" + i + ".bin")
                    .setSize(random.nextLong(1L << 33))
                    .setSha256(MatcherBenchmark.hex(random))
                    .setKind(EntryKind.FILE)
                    .build());
        }
        chunk = SnapshotChunk.newBuilder()
                .setSnapshotId("s")
                .setCrawler("bench")
                .setObservedAt(Instant.EPOCH)
                .setMirror(Mirror.newBuilder()
                        .setKey("hf:datasets/a/b")
                        .setPlatform("hf")
                        .setLocator("datasets/a/b")
                        .setStatus(MirrorStatus.PRESENT)
                        .build())
                .setChunkIndex(0)
                .setChunkCount(1)
                .setTotalEntries(2_000)
                .setTotalBytes(0)
                .setEntries(entries)
                .build();
        bytes = topics.snapshots.serializeValue(chunk);
    }

    @Benchmark
    public byte[] encode(Bytes counter) {
        byte[] out = topics.snapshots.serializeValue(chunk);
        counter.bytes += out.length;
        return out;
    }

    @Benchmark
    public SnapshotChunk decode(Bytes counter) {
        counter.bytes += bytes.length;
        return topics.snapshots.deserializeValue(bytes);
    }
}
