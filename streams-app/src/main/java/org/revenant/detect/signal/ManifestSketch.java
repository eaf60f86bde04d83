package org.revenant.detect.signal;

import com.dynatrace.hash4j.hashing.Hasher64;
import com.dynatrace.hash4j.hashing.Hashing;
import com.dynatrace.hash4j.similarity.ElementHashProvider;
import com.dynatrace.hash4j.similarity.SimilarityHashPolicy;
import com.dynatrace.hash4j.similarity.SimilarityHashing;
import java.util.Arrays;

/**
 * Set similarity of manifests as (normalized file name, size) pairs, estimated with hash4j's
 * SuperMinHash: a fixed-size signature per manifest, however many files it lists.
 */
public final class ManifestSketch {

    private static final int COMPONENTS = 1024;
    private static final int BITS = 16;
    private static final SimilarityHashPolicy POLICY = SimilarityHashing.superMinHash(COMPONENTS, BITS);
    private static final Hasher64 HASHER = Hashing.komihash5_0();

    private ManifestSketch() {}

    /** The 64-bit hash of one (name, size) pair, name normalized as everywhere else. */
    public static long pairHash(String fileName, long size) {
        return HASHER.hashStream()
                .putString(NameNormalizer.normalize(NameNormalizer.baseName(fileName)))
                .putLong(size)
                .getAsLong();
    }

    /** The signature of a set of pair hashes (duplicates do not matter). */
    public static byte[] signature(long[] pairHashes) {
        return POLICY.createHasher().compute(ElementHashProvider.ofValues(pairHashes));
    }

    /** Estimated Jaccard similarity of the two sets, in [0, 1]. */
    public static double similarity(byte[] a, byte[] b) {
        if (Arrays.equals(a, b)) {
            return 1.0;
        }
        double equal = POLICY.getFractionOfEqualComponents(a, b);
        // With BITS-bit components, unrelated sets still agree on a component by chance 2^-BITS of the time.
        double chance = Math.pow(2, -BITS);
        return Math.max(0.0, (equal - chance) / (1.0 - chance));
    }
}
