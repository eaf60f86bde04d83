package org.revenant.cli.bench;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import org.revenant.avro.EntryKind;
import org.revenant.avro.ManifestEntry;
import org.revenant.avro.Mirror;
import org.revenant.avro.MirrorStatus;
import org.revenant.avro.RetractedDataset;
import org.revenant.avro.Signature;
import org.revenant.avro.SignatureKind;
import org.revenant.avro.Source;

/**
 * Synthetic mirrors shaped like dataset mirrors (nested paths, a sha256 per file, sizes from
 * bytes to GB), a fixed fraction of whose entries match a synthetic registry entry by exact size
 * or by hash. Deterministic for a seed; nothing in the topology knows it is being benchmarked.
 */
final class BenchWorkload {

    static final String DATASET = "bench-set";
    private static final int SIGNATURES = 64;

    private final int entriesPerMirror;
    private final double matchFraction;
    private final long seed;
    private final long[] knownSizes = new long[SIGNATURES];
    private final String[] knownHashes = new String[SIGNATURES];

    BenchWorkload(int entriesPerMirror, double matchFraction, long seed) {
        if (entriesPerMirror < 1) {
            throw new IllegalArgumentException("entries per mirror must be at least 1");
        }
        if (matchFraction < 0 || matchFraction > 1) {
            throw new IllegalArgumentException("match fraction must be in [0, 1]");
        }
        this.entriesPerMirror = entriesPerMirror;
        this.matchFraction = matchFraction;
        this.seed = seed;
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < SIGNATURES; i++) {
            knownSizes[i] = 200L * 1024 * 1024 + random.nextLong(50L * 1024 * 1024 * 1024);
            knownHashes[i] = hex(random);
        }
    }

    RetractedDataset dataset() {
        List<Signature> signatures = new ArrayList<>();
        for (int i = 0; i < SIGNATURES; i++) {
            signatures.add(Signature.newBuilder()
                    .setKind(SignatureKind.FILE_SIZE)
                    .setSize(knownSizes[i])
                    .build());
            signatures.add(Signature.newBuilder()
                    .setKind(SignatureKind.SHA256)
                    .setValue(knownHashes[i])
                    .build());
        }
        return RetractedDataset.newBuilder()
                .setId(DATASET)
                .setName("Benchmark set")
                .setRetractedOn("2020-01-01")
                .setReasons(List.of("ethical"))
                .setAliases(List.of("Benchmark Set"))
                .setSources(List.of(new Source("revenant bench", "https://example.org/bench")))
                .setSignatures(signatures)
                .build();
    }

    static Mirror mirror(String name) {
        String locator = "bench.example.org/" + name;
        return Mirror.newBuilder()
                .setKey("http:" + locator)
                .setPlatform("http")
                .setLocator(locator)
                .setUrl("https://" + locator)
                .setTitle(name)
                .setStatus(MirrorStatus.PRESENT)
                .build();
    }

    /** The manifest of mirror number {@code index}: always at least one matching entry when the fraction is above zero. */
    List<ManifestEntry> entries(int index) {
        return entries(index, entriesPerMirror);
    }

    List<ManifestEntry> entries(int index, int count) {
        SplittableRandom random = new SplittableRandom(seed * 31 + index);
        List<ManifestEntry> entries = new ArrayList<>(count);
        int matching = matchFraction == 0 ? 0 : Math.max(1, (int) Math.round(count * matchFraction));
        StringBuilder path = new StringBuilder(40);
        for (int i = 0; i < count; i++) {
            // part-NNN/shard-NNNN/file-NNNNNNN.bin, built by hand: the latency probe generates while
            // it publishes, and String.format made the generator slower than the app it feeds.
            path.setLength(0);
            padded(path.append("part-"), i % 97, 3);
            padded(path.append("/shard-"), i % 1013, 4);
            padded(path.append("/file-"), i, 7).append(".bin");
            // Spread the matches over the manifest; alternate exact size and content hash.
            boolean match = matching > 0 && (long) i * matching / count != (long) (i + 1) * matching / count;
            int signature = random.nextInt(SIGNATURES);
            long size;
            String sha256;
            if (match && i % 2 == 0) {
                size = knownSizes[signature];
                sha256 = hex(random);
            } else if (match) {
                size = 1_000L + random.nextInt(1_000_000);
                sha256 = knownHashes[signature];
            } else {
                size = 1_000L + random.nextLong(50_000_000L);
                sha256 = hex(random);
            }
            entries.add(new ManifestEntry(path.toString(), size, sha256, null, null, null, null, EntryKind.FILE, null));
        }
        return entries;
    }

    /** Appends {@code value} zero-padded to at least {@code width} digits, as {@code %0<width>d} would. */
    static StringBuilder padded(StringBuilder out, int value, int width) {
        String digits = Integer.toString(value);
        for (int i = digits.length(); i < width; i++) {
            out.append('0');
        }
        return out.append(digits);
    }

    private static String hex(SplittableRandom random) {
        byte[] bytes = new byte[32];
        for (int i = 0; i < bytes.length; i += 8) {
            long v = random.nextLong();
            for (int b = 0; b < 8; b++) {
                bytes[i + b] = (byte) (v >>> (8 * b));
            }
        }
        return HexFormat.of().formatHex(bytes);
    }
}
