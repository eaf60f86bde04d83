package org.revenant.bench;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;
import org.revenant.avro.EntryKind;
import org.revenant.avro.ManifestEntry;
import org.revenant.avro.RetractedDataset;
import org.revenant.avro.Signature;
import org.revenant.avro.SignatureKind;
import org.revenant.avro.Source;
import org.revenant.detect.registry.RegistryIndex;

/**
 * Manifest entries matched per second on one thread, by the kind of signature the registry holds
 * and by the fraction of entries that match. Architecture section 12: at least 5 M entries/s per core
 * for hash and size lookups.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class MatcherBenchmark {

    static final int ENTRIES = 10_000;

    @Param({"FILE_SIZE", "SHA256", "FILE_NAME_SIZE", "ALL_KINDS"})
    public String kind;

    @Param({"0.0", "0.01", "0.5"})
    public double matchRate;

    /**
     * Entries in path order, as every publisher sends them (docs/decisions/014), or shuffled, as
     * this benchmark sent them before: folder names repeat between neighbours only when sorted.
     */
    @Param({"true", "false"})
    public boolean sorted;

    private RegistryIndex index;
    private ManifestEntry[] entries;

    @Setup
    public void setUp() {
        SplittableRandom random = new SplittableRandom(7);
        int signatures = 200;
        long[] sizes = new long[signatures];
        String[] hashes = new String[signatures];
        String[] names = new String[signatures];
        List<Signature> list = new ArrayList<>();
        for (int i = 0; i < signatures; i++) {
            sizes[i] = 200L * 1024 * 1024 + random.nextLong(1L << 36);
            hashes[i] = hex(random);
            names[i] = "release-part-" + i + ".tar.gz";
            if (kind.equals("FILE_SIZE") || kind.equals("ALL_KINDS")) {
                list.add(Signature.newBuilder()
                        .setKind(SignatureKind.FILE_SIZE)
                        .setSize(sizes[i])
                        .build());
            }
            if (kind.equals("SHA256") || kind.equals("ALL_KINDS")) {
                list.add(Signature.newBuilder()
                        .setKind(SignatureKind.SHA256)
                        .setValue(hashes[i])
                        .build());
            }
            if (kind.equals("FILE_NAME_SIZE") || kind.equals("ALL_KINDS")) {
                list.add(Signature.newBuilder()
                        .setKind(SignatureKind.FILE_NAME_SIZE)
                        .setValue(names[i])
                        .setSize(sizes[i])
                        .build());
            }
        }
        if (kind.equals("ALL_KINDS")) {
            list.add(Signature.newBuilder()
                    .setKind(SignatureKind.FILE_NAME)
                    .setValue("FaceImageCroppedWithAlignment.tsv")
                    .build());
            list.add(Signature.newBuilder()
                    .setKind(SignatureKind.PATH_PATTERN)
                    .setValue("^\\d{4}_c[1-8]_f\\d{7}\\.jpg$")
                    .setMinCount(100)
                    .build());
        }
        index = new RegistryIndex(List.of(RetractedDataset.newBuilder()
                .setId("bench")
                .setName("Bench")
                .setReasons(List.of("ethical"))
                .setSources(List.of(new Source("bench", "https://example.org/bench")))
                .setSignatures(list)
                .build()));
        if (index.size() != 1) {
            throw new IllegalStateException("benchmark dataset left out of the index: " + index.skipped());
        }
        entries = new ManifestEntry[ENTRIES];
        for (int i = 0; i < ENTRIES; i++) {
            boolean match = random.nextDouble() < matchRate;
            int s = random.nextInt(signatures);
            String name = match ? names[s] : "file-" + i + ".bin";
            entries[i] = ManifestEntry.newBuilder()
                    .setPath("data/shard-" + (i % 64) + "/" + name)
                    .setSize(match ? sizes[s] : 1_000L + random.nextLong(500_000_000L))
                    .setSha256(match ? hashes[s] : hex(random))
                    .setKind(EntryKind.FILE)
                    .build();
        }
        if (sorted) {
            java.util.Arrays.sort(entries, java.util.Comparator.comparing(ManifestEntry::getPath));
        }
    }

    @Benchmark
    @OperationsPerInvocation(ENTRIES)
    public void matchEntries(Blackhole blackhole) {
        RegistryIndex.HitSink sink = (dataset, evidence) -> blackhole.consume(evidence);
        for (ManifestEntry entry : entries) {
            index.matchEntry(entry, sink);
        }
    }

    static String hex(SplittableRandom random) {
        byte[] bytes = new byte[32];
        for (int i = 0; i < 32; i++) {
            bytes[i] = (byte) random.nextInt(256);
        }
        return HexFormat.of().formatHex(bytes);
    }
}
