package org.revenant.detect.registry;

import org.revenant.avro.Signature;
import org.revenant.avro.SignatureKind;

/** Default weight per signature kind (architecture section 6, decision 004); a signature's own weight overrides it. */
public final class SignatureWeights {

    private SignatureWeights() {}

    public static double defaultWeight(SignatureKind kind) {
        return switch (kind) {
            case BTIH, SHA256, SHA1, MD5, GIT_BLOB -> 1.0;
            case FILE_SIZE, FILE_NAME_SIZE, REFERENCE_MANIFEST -> 0.9;
            case DOWNLOAD_LINK -> 0.8;
            case PATH_PATTERN -> 0.6;
            case ALIAS -> 0.5;
            case FILE_NAME -> 0.35;
            // A kind from a newer release: never matched here, so it adds nothing.
            case UNKNOWN -> 0.0;
        };
    }

    public static double weightOf(Signature signature) {
        if (signature.getWeight() != null) {
            return signature.getWeight();
        }
        if (signature.getKind() == SignatureKind.FILE_NAME
                && (signature.getMinSize() != null || signature.getMaxSize() != null)) {
            return 0.7;
        }
        return defaultWeight(signature.getKind());
    }
}
