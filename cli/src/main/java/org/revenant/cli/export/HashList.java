package org.revenant.cli.export;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.revenant.avro.RetractedDataset;
import org.revenant.avro.SignatureKind;

/**
 * Plain hash lists, one file per dataset (docs/decisions/020-feeds-and-exports.md).
 * {@code csv}: {@code <id>.csv} with the header {@code algorithm,hash,dataset,verified,note} and
 * every exported hash. {@code hma}: {@code <id>.hma.txt}, lines {@code video_md5 <md5>}, the one form of
 * these hashes that Meta's Hasher-Matcher-Actioner can hold in a bank: python-threatexchange's
 * local-file exchange reads {@code <signal type> <signal>} lines, and each line is also the body
 * {@code {"video_md5": "<md5>"}} of HMA's {@code POST /c/bank/<bank>/signal}. HMA has no signal type
 * for SHA-1 or infohashes, so those are left out of {@code hma} (they are in {@code csv}). A bank
 * acts on a match without a person in between, so unverified hashes are left out of {@code hma}
 * unless asked for.
 */
final class HashList {

    enum Format {
        csv,
        hma
    }

    private HashList() {}

    /** File name → content, for the datasets that have something to list in this format. */
    static Map<String, String> build(List<RetractedDataset> registry, Format format, boolean includeUnverified) {
        Map<String, String> files = new LinkedHashMap<>();
        for (RetractedDataset dataset : registry) {
            StringBuilder out = new StringBuilder();
            int lines = 0;
            if (format == Format.csv) {
                out.append("algorithm,hash,dataset,verified,note\n");
            }
            for (HashIndicator hash : HashIndicator.of(dataset)) {
                if (format == Format.csv) {
                    out.append(algorithm(hash.kind()))
                            .append(',')
                            .append(hash.value())
                            .append(',')
                            .append(dataset.getId())
                            .append(',')
                            .append(hash.verified())
                            .append(',')
                            .append(csv(hash.note() == null ? "" : hash.note()))
                            .append('\n');
                    lines++;
                } else if (hash.kind() == SignatureKind.MD5 && (hash.verified() || includeUnverified)) {
                    out.append("video_md5 ").append(hash.value()).append('\n');
                    lines++;
                }
            }
            if (lines > 0) {
                files.put(dataset.getId() + (format == Format.csv ? ".csv" : ".hma.txt"), out.toString());
            }
        }
        return files;
    }

    static String algorithm(SignatureKind kind) {
        return switch (kind) {
            case SHA256 -> "sha256";
            case SHA1 -> "sha1";
            case MD5 -> "md5";
            case BTIH -> "btih";
            default -> throw new IllegalArgumentException("not an exported kind: " + kind);
        };
    }

    /** A CSV field (RFC 4180): quoted when it holds a comma, quote or line break; line breaks become spaces. */
    static String csv(String text) {
        String oneLine = text.replaceAll("[\\r\\n\\u2028\\u2029\\u0085]+", " ");
        if (oneLine.contains(",") || oneLine.contains("\"")) {
            return "\"" + oneLine.replace("\"", "\"\"") + "\"";
        }
        return oneLine;
    }
}
