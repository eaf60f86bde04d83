package org.revenant.detect.registry;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import org.revenant.avro.EntryKind;
import org.revenant.avro.Evidence;
import org.revenant.avro.ManifestEntry;
import org.revenant.avro.Mirror;
import org.revenant.avro.RetractedDataset;
import org.revenant.avro.Signature;
import org.revenant.avro.SignatureKind;
import org.revenant.detect.match.NameNormalizer;

/**
 * An immutable lookup structure over the registry: every exact signature (hashes, infohashes,
 * sizes, name+size pairs) sits in a hash map, so matching one manifest entry costs a handful of
 * map lookups whatever the size of the registry. Rebuilt, never mutated, when the registry changes.
 */
public final class RegistryIndex {

    /** Receives one matched signature of one dataset. */
    @FunctionalInterface
    public interface HitSink {
        void hit(String datasetId, Evidence evidence);
    }

    private record Ref(String datasetId, Signature signature, double weight) {}

    public static final RegistryIndex EMPTY = new RegistryIndex(List.of());

    private static final long FILE_SIZE_MIN = 100L * 1024 * 1024;
    private static final long NAME_SIZE_MIN = 1024L * 1024;

    private final Map<String, RetractedDataset> datasets = new HashMap<>();
    private final Map<String, List<Pattern>> allowedMirrors = new HashMap<>();
    private final Map<String, List<Ref>> byInfohash = new HashMap<>();
    private final Map<String, List<Ref>> bySha256 = new HashMap<>();
    private final Map<String, List<Ref>> bySha1 = new HashMap<>();
    private final Map<String, List<Ref>> byMd5 = new HashMap<>();
    private final Map<String, List<Ref>> byGitBlob = new HashMap<>();
    private final Map<Long, List<Ref>> bySize = new HashMap<>();
    private final Map<String, List<Ref>> byNameAndSize = new HashMap<>();

    public RegistryIndex(Collection<RetractedDataset> registry) {
        for (RetractedDataset dataset : registry) {
            datasets.put(dataset.getId(), dataset);
            allowedMirrors.put(dataset.getId(), dataset.getAllowedMirrors().stream().map(RegistryIndex::glob).toList());
            for (Signature signature : dataset.getSignatures()) {
                index(dataset.getId(), signature);
            }
        }
    }

    private void index(String datasetId, Signature signature) {
        Ref ref = new Ref(datasetId, signature, SignatureWeights.weightOf(signature));
        String value = signature.getValue() == null ? null : signature.getValue().strip();
        switch (signature.getKind()) {
            case BTIH -> add(byInfohash, value.toLowerCase(Locale.ROOT), ref);
            case SHA256 -> add(bySha256, value.toLowerCase(Locale.ROOT), ref);
            case SHA1 -> add(bySha1, value.toLowerCase(Locale.ROOT), ref);
            case MD5 -> add(byMd5, value.toLowerCase(Locale.ROOT), ref);
            case GIT_BLOB -> add(byGitBlob, value.toLowerCase(Locale.ROOT), ref);
            case FILE_SIZE -> {
                if (signature.getSize() != null && signature.getSize() >= FILE_SIZE_MIN) {
                    add(bySize, signature.getSize(), ref);
                }
            }
            case FILE_NAME_SIZE -> {
                if (value != null && signature.getSize() != null && signature.getSize() >= NAME_SIZE_MIN) {
                    add(byNameAndSize, nameSizeKey(NameNormalizer.baseName(value), signature.getSize()), ref);
                }
            }
            default -> {
                // Other kinds are matched by later stages of the detection engine.
            }
        }
    }

    private static <K> void add(Map<K, List<Ref>> map, K key, Ref ref) {
        if (key != null) {
            map.computeIfAbsent(key, k -> new ArrayList<>(1)).add(ref);
        }
    }

    private static String nameSizeKey(String name, long size) {
        return NameNormalizer.normalize(name) + '\u0000' + size;
    }

    public RetractedDataset dataset(String id) {
        return datasets.get(id);
    }

    public int size() {
        return datasets.size();
    }

    /** True if the dataset lists this mirror as a legitimate copy: it never alerts there. */
    public boolean isAllowed(String datasetId, String mirrorKey) {
        for (Pattern pattern : allowedMirrors.getOrDefault(datasetId, List.of())) {
            if (pattern.matcher(mirrorKey).matches()) {
                return true;
            }
        }
        return false;
    }

    /** Mirror-level signatures: the infohash of a torrent mirror. */
    public void matchMirror(Mirror mirror, HitSink sink) {
        Objects.requireNonNull(mirror, "mirror");
        for (String id : List.of("btih", "btmh")) {
            String hash = mirror.getIdentifiers().get(id);
            if (hash != null) {
                emit(byInfohash.get(hash.toLowerCase(Locale.ROOT)), null, sink,
                        r -> "infohash of the torrent mirror (" + id + ")");
            }
        }
    }

    /** Entry-level signatures: content hashes, infohashes of referenced torrents, sizes, name+size. */
    public void matchEntry(ManifestEntry entry, HitSink sink) {
        String path = entry.getPath();
        if (entry.getKind() == EntryKind.TORRENT_REF || entry.getKind() == EntryKind.MAGNET_REF) {
            if (entry.getRef() != null) {
                emit(byInfohash.get(entry.getRef().toLowerCase(Locale.ROOT)), path, sink,
                        r -> (entry.getKind() == EntryKind.TORRENT_REF ? ".torrent file" : "magnet link") + " in the mirror");
            }
            return;
        }
        if (entry.getKind() != EntryKind.FILE) {
            return;
        }
        lookup(bySha256, entry.getSha256(), path, sink, "sha256 of the file");
        lookup(bySha256, entry.getLfsSha256(), path, sink, "Git LFS sha256 of the file");
        lookup(bySha1, entry.getSha1(), path, sink, "sha1 of the file");
        lookup(byMd5, entry.getMd5(), path, sink, "md5 of the file");
        lookup(byGitBlob, entry.getGitBlobSha1(), path, sink, "git blob sha1 of the file");
        Long size = entry.getSize();
        if (size != null) {
            if (size >= FILE_SIZE_MIN) {
                emit(bySize.get(size), path, sink, r -> "a file of exactly " + size + " bytes");
            }
            if (size >= NAME_SIZE_MIN && !byNameAndSize.isEmpty()) {
                emit(byNameAndSize.get(nameSizeKey(NameNormalizer.baseName(path), size)), path, sink,
                        r -> "same name and size (" + size + " bytes)");
            }
        }
    }

    private void lookup(Map<String, List<Ref>> map, String hash, String path, HitSink sink, String detail) {
        if (hash != null && !map.isEmpty()) {
            emit(map.get(hash.toLowerCase(Locale.ROOT)), path, sink, r -> detail);
        }
    }

    private static void emit(List<Ref> refs, String path, HitSink sink, java.util.function.Function<Ref, String> detail) {
        if (refs == null) {
            return;
        }
        for (Ref ref : refs) {
            Signature s = ref.signature();
            sink.hit(ref.datasetId(), Evidence.newBuilder()
                    .setKind(s.getKind())
                    .setSignature(describe(s))
                    .setPath(path)
                    .setWeight(ref.weight())
                    .setDetail(s.getNote() == null ? detail.apply(ref) : detail.apply(ref) + "; " + s.getNote())
                    .build());
        }
    }

    /** A stable, human-readable identity of a signature: each distinct one counts once. */
    public static String describe(Signature s) {
        return switch (s.getKind()) {
            case FILE_SIZE -> Long.toString(s.getSize());
            case FILE_NAME_SIZE -> s.getValue() + " (" + s.getSize() + " bytes)";
            case REFERENCE_MANIFEST -> "reference manifest of " + s.getFiles().size() + " files";
            default -> s.getValue();
        };
    }

    /** Mirror-key globs: {@code *} matches any run of characters, everything else is literal. */
    static Pattern glob(String glob) {
        StringBuilder regex = new StringBuilder();
        for (String part : glob.split("\\*", -1)) {
            if (regex.length() > 0) {
                regex.append(".*");
            }
            regex.append(Pattern.quote(part));
        }
        return Pattern.compile(regex.toString(), Pattern.CASE_INSENSITIVE);
    }
}
