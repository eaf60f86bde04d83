package org.revenant.detect.match;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.revenant.avro.Evidence;
import org.revenant.avro.Hit;
import org.revenant.avro.Mirror;
import org.revenant.avro.RetractedDataset;
import org.revenant.avro.Severity;
import org.revenant.avro.SignatureKind;
import org.revenant.detect.lifecycle.AlertLifecycle;
import org.revenant.detect.registry.RegistryIndex;
import org.revenant.detect.signal.ManifestSketch;

/**
 * Turns the hits of one complete snapshot into assessments per dataset (architecture sections 5 and 6):
 * minimum path counts, the data-holding rule for aliases, reference-manifest similarity,
 * allowed mirrors, the alert threshold and the registry's severity cap.
 */
public final class Evaluation {

    public static final long DATA_FILE = 100L * 1024 * 1024;
    public static final long DATA_FILES = 1_000;
    public static final long DATA_BYTES = 1024L * 1024 * 1024;
    public static final double REFERENCE_MIN_SIMILARITY = 0.5;

    /** What is known about the mirror's contents as a whole. */
    public record MirrorFacts(
            Mirror mirror, String snapshotId, Instant observedAt, long entries, long totalBytes, long maxFileSize) {
        public boolean holdsData() {
            return maxFileSize >= DATA_FILE || entries >= DATA_FILES || totalBytes >= DATA_BYTES;
        }
    }

    private Evaluation() {}

    /** Adds REFERENCE_MANIFEST hits for every known manifest similar enough to the mirror's. */
    public static void matchReferences(RegistryIndex index, long[] pairHashes, RegistryIndex.HitSink sink) {
        if (!index.hasReferences() || pairHashes.length == 0) {
            return;
        }
        byte[] sketch = ManifestSketch.signature(pairHashes);
        for (RegistryIndex.Reference reference : index.references()) {
            double similarity = ManifestSketch.similarity(sketch, reference.sketch());
            if (similarity >= REFERENCE_MIN_SIMILARITY) {
                double weight = Math.round(reference.weight() * similarity * 1e4) / 1e4;
                sink.hit(
                        reference.datasetId(),
                        Evidence.newBuilder()
                                .setKind(SignatureKind.REFERENCE_MANIFEST)
                                .setSignature(RegistryIndex.describe(reference.signature()))
                                .setPath(null)
                                .setWeight(weight)
                                .setDetail(String.format(
                                                Locale.ROOT,
                                                "file list %.0f%% similar to the known manifest",
                                                similarity * 100)
                                        + (reference.signature().getNote() == null
                                                ? ""
                                                : "; " + reference.signature().getNote()))
                                .build());
            }
        }
    }

    /**
     * Assessments for the datasets that reach the threshold, restricted to {@code only} when
     * it is not null.
     */
    public static Map<String, AlertLifecycle.Assessment> assess(
            RegistryIndex index, List<Hit> hits, MirrorFacts facts, double threshold, Set<String> only) {
        Map<String, List<Evidence>> byDataset = new LinkedHashMap<>();
        for (Hit hit : hits) {
            String datasetId = hit.getDatasetId();
            if (only != null && !only.contains(datasetId)) {
                continue;
            }
            Evidence e = hit.getEvidence();
            if (hit.getCount() < index.minCount(datasetId, e)) {
                continue;
            }
            if (e.getKind() == SignatureKind.PATH_PATTERN && hit.getCount() > 1) {
                e = Evidence.newBuilder(e)
                        .setDetail(hit.getCount() + " " + e.getDetail())
                        .build();
            }
            if (e.getKind() == SignatureKind.ALIAS
                    && e.getWeight() > RegistryIndex.ALIAS_IN_TEXT
                    && !facts.holdsData()) {
                e = Evidence.newBuilder(e)
                        .setWeight(RegistryIndex.ALIAS_IN_TEXT)
                        .setDetail(e.getDetail() + ", but the mirror holds no data")
                        .build();
            }
            byDataset.computeIfAbsent(datasetId, k -> new ArrayList<>()).add(e);
        }
        Map<String, AlertLifecycle.Assessment> out = new LinkedHashMap<>();
        String mirrorKey = facts.mirror().getKey();
        for (var entry : byDataset.entrySet()) {
            RetractedDataset dataset = index.dataset(entry.getKey());
            if (dataset == null || index.isAllowed(dataset.getId(), mirrorKey)) {
                continue;
            }
            double confidence = Scoring.confidence(entry.getValue());
            if (confidence < threshold) {
                continue;
            }
            Severity severity = Scoring.severity(confidence, entry.getValue());
            if (dataset.getSeverity() != null
                    && severity.ordinal() > dataset.getSeverity().ordinal()) {
                // The registry caps what a match can prove (e.g. an unverified derivative).
                severity = dataset.getSeverity();
            }
            RetractedDataset parent = dataset.getParent() == null ? null : index.dataset(dataset.getParent());
            out.put(
                    dataset.getId(),
                    new AlertLifecycle.Assessment(
                            dataset,
                            parent,
                            facts.mirror(),
                            facts.snapshotId(),
                            facts.observedAt(),
                            entry.getValue(),
                            confidence,
                            severity));
        }
        return out;
    }
}
