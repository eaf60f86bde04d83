package org.revenant.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.revenant.avro.ManifestEntry;
import org.revenant.avro.Signature;

/** The bench's generator: the manifests it describes, made without String.format. */
class BenchWorkloadTest {

    @Test
    void pathsAreThoseTheFormatDescribes() {
        StringBuilder out = new StringBuilder();
        for (int value : new int[] {0, 7, 42, 999, 1_000, 12_345, 9_999_999, 10_000_000, 123_456_789}) {
            out.setLength(0);
            assertEquals(
                    String.format("%04d", value),
                    BenchWorkload.padded(out, value, 4).toString());
        }
        List<ManifestEntry> entries = new BenchWorkload(5_000, 0.01, 42).entries(3, 2_500);
        for (int i = 0; i < entries.size(); i++) {
            assertEquals(
                    String.format("part-%03d/shard-%04d/file-%07d.bin", i % 97, i % 1013, i),
                    entries.get(i).getPath());
        }
    }

    @Test
    void aMirrorIsTheSameForTheSameSeedAndMatchesTheRegistryAtTheFraction() {
        BenchWorkload workload = new BenchWorkload(5_000, 0.01, 42);
        List<ManifestEntry> entries = workload.entries(3);
        assertEquals(entries, new BenchWorkload(5_000, 0.01, 42).entries(3));
        assertTrue(!entries.equals(new BenchWorkload(5_000, 0.01, 43).entries(3)));

        Set<Long> sizes = new HashSet<>();
        Set<String> hashes = new HashSet<>();
        for (Signature s : workload.dataset().getSignatures()) {
            if (s.getSize() != null) {
                sizes.add(s.getSize());
            } else {
                hashes.add(s.getValue());
            }
        }
        long matching = entries.stream()
                .filter(e -> sizes.contains(e.getSize()) || hashes.contains(e.getSha256()))
                .count();
        assertEquals(50, matching);
        assertTrue(entries.stream().allMatch(e -> e.getSha256().matches("[0-9a-f]{64}")));
    }
}
