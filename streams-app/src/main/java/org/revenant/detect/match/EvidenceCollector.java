package org.revenant.detect.match;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.revenant.avro.Evidence;
import org.revenant.avro.Hit;
import org.revenant.avro.SignatureKind;
import org.revenant.detect.registry.RegistryIndex;

/**
 * Collects matched signatures, each distinct (dataset, signature) once with the number of
 * entries that matched it; keeps the first path and the highest weight seen. All aliases of a
 * dataset count as one signature, so listing many names of a dataset in a README adds nothing.
 * Bounded: at most {@link ChunkLimits#MAX_HITS} distinct hits, paths cut to
 * {@link ChunkLimits#MAX_SHOWN_PATH}, since the hits live in a state record.
 */
public final class EvidenceCollector implements RegistryIndex.HitSink {

    private final Map<HitKey, Hit> hits = new LinkedHashMap<>();
    private long dropped;

    public EvidenceCollector() {}

    public EvidenceCollector(List<Hit> previous) {
        for (Hit hit : previous) {
            hits.put(
                    key(hit.getDatasetId(), hit.getEvidence()),
                    Hit.newBuilder(hit).build());
        }
    }

    @Override
    public void hit(String datasetId, Evidence evidence) {
        HitKey key = key(datasetId, evidence);
        Hit existing = hits.get(key);
        if (evidence.getPath() != null && evidence.getPath().length() > ChunkLimits.MAX_SHOWN_PATH) {
            evidence = Evidence.newBuilder(evidence)
                    .setPath(ChunkLimits.cut(evidence.getPath(), ChunkLimits.MAX_SHOWN_PATH))
                    .build();
        }
        if (existing == null && hits.size() >= ChunkLimits.MAX_HITS) {
            dropped++;
            return;
        }
        if (existing == null) {
            hits.put(key, new Hit(datasetId, evidence, 1L));
        } else {
            existing.setCount(existing.getCount() + 1);
            if (evidence.getWeight() > existing.getEvidence().getWeight()) {
                existing.setEvidence(evidence);
            }
        }
    }

    /** Distinct hits not kept because {@link ChunkLimits#MAX_HITS} were already there. */
    public long dropped() {
        return dropped;
    }

    public List<Hit> hits() {
        return new ArrayList<>(hits.values());
    }

    private static HitKey key(String datasetId, Evidence e) {
        String signature = e.getKind() == SignatureKind.ALIAS ? "" : e.getSignature();
        return new HitKey(datasetId, e.getKind(), signature);
    }

    /** What makes a hit distinct: all aliases of a dataset are one signature. */
    private record HitKey(String datasetId, SignatureKind kind, String signature) {}
}
