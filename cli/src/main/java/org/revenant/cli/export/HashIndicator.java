package org.revenant.cli.export;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.revenant.avro.RetractedDataset;
import org.revenant.avro.Signature;
import org.revenant.avro.SignatureKind;

/**
 * One content hash or infohash of a registry dataset, the part of the registry that
 * threat-intelligence tools can match on (sizes, names and patterns are Revenant's own evidence
 * and are not exported). {@code value} is lower-case hex, as the registry loader checked it.
 */
record HashIndicator(String datasetId, SignatureKind kind, String value, boolean verified, String note) {

    /** The kinds exported: file content hashes and BitTorrent infohashes. */
    static final List<SignatureKind> KINDS =
            List.of(SignatureKind.SHA256, SignatureKind.SHA1, SignatureKind.MD5, SignatureKind.BTIH);

    /** The dataset's exportable signatures, in registry order. */
    static List<HashIndicator> of(RetractedDataset dataset) {
        List<HashIndicator> hashes = new ArrayList<>();
        for (Signature s : dataset.getSignatures()) {
            if (KINDS.contains(s.getKind())
                    && s.getValue() != null
                    && s.getValue().matches("[0-9A-Fa-f]+")) {
                hashes.add(new HashIndicator(
                        dataset.getId(),
                        s.getKind(),
                        s.getValue().toLowerCase(Locale.ROOT),
                        s.getVerified(),
                        s.getNote()));
            }
        }
        return hashes;
    }

    /** The registry's matched-evidence key for this hash: the kind and the value, as alerts name them. */
    String evidenceKey() {
        return kind.name() + ":" + value;
    }
}
