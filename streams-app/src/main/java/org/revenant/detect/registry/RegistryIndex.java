package org.revenant.detect.registry;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.revenant.avro.EntryKind;
import org.revenant.avro.Evidence;
import org.revenant.avro.ManifestEntry;
import org.revenant.avro.Mirror;
import org.revenant.avro.RetractedDataset;
import org.revenant.avro.Signature;
import org.revenant.avro.SignatureKind;
import org.revenant.detect.signal.ManifestSketch;
import org.revenant.detect.signal.NameNormalizer;
import org.revenant.detect.signal.RequiredLiteral;
import org.revenant.detect.signal.TextSignals;
import org.revenant.registry.DatasetRules;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An immutable lookup structure over the registry: every exact signature (hashes, infohashes,
 * sizes, name+size pairs) sits in a hash map, so matching one manifest entry costs a handful of
 * map lookups whatever the size of the registry. Rebuilt, never mutated, when the registry changes.
 * Building never throws: a dataset that breaks the registry's rules, or cannot be indexed, is left
 * out on its own and listed in {@link #skipped()} with the reason; the others are indexed.
 */
public final class RegistryIndex {

    /** Receives one matched signature of one dataset. */
    @FunctionalInterface
    public interface HitSink {
        void hit(String datasetId, Evidence evidence);
    }

    private record Ref(String datasetId, Signature signature, double weight) {}

    public static final RegistryIndex EMPTY = new RegistryIndex(List.of());

    /** Longest text a registry regex is run over; paths are shorter than this (see ChunkLimits). */
    static final int MAX_PATTERN_SUBJECT = 4096;
    /** Steps one registry regex may take on one path, so a backtracking pattern cannot stall a task. */
    static final long PATTERN_STEP_BUDGET = 200_000;

    private static final Logger LOG = LoggerFactory.getLogger(RegistryIndex.class);

    private static final long FILE_SIZE_MIN = 100L * 1024 * 1024;
    private static final long NAME_SIZE_MIN = 1024L * 1024;
    /** An alias in the mirror's own name; lowered to {@link #ALIAS_IN_TEXT} unless the mirror holds data. */
    public static final double ALIAS_IN_NAME = 0.5;

    public static final double ALIAS_IN_TEXT = 0.2;

    private final Map<String, RetractedDataset> datasets = new HashMap<>();
    private final Map<String, List<Pattern>> allowedMirrors = new HashMap<>();
    private final Map<String, List<Ref>> byInfohash = new HashMap<>();
    private final Map<String, List<Ref>> bySha256 = new HashMap<>();
    private final Map<String, List<Ref>> bySha1 = new HashMap<>();
    private final Map<String, List<Ref>> byMd5 = new HashMap<>();
    private final Map<String, List<Ref>> byGitBlob = new HashMap<>();
    private final Map<Long, List<Ref>> bySize = new HashMap<>();
    private final Map<String, List<Ref>> byNameAndSize = new HashMap<>();
    private final Map<String, List<Ref>> byName = new HashMap<>();
    private final List<PathRule> pathPatterns = new ArrayList<>();
    private final List<LinkRule> links = new ArrayList<>();
    private final Map<String, List<AliasRef>> aliases = new HashMap<>();
    private final List<Reference> references = new ArrayList<>();
    private final Map<String, String> skipped = new LinkedHashMap<>();
    private int longestAlias = 1;

    /** A PATH_PATTERN signature; a path without {@code literal} cannot match, so the regex is not run on it. */
    private record PathRule(Ref ref, Pattern pattern, boolean wholePath, String literal) {}

    /**
     * The folder names of the last path this thread matched, looked up already: a manifest's
     * entries come sorted by path, so consecutive entries mostly share their folders.
     */
    private static final class Folders {
        String path;
        int end = -1;
        final List<List<Ref>> named = new ArrayList<>();
    }

    private final ThreadLocal<Folders> folders = ThreadLocal.withInitial(Folders::new);

    private record LinkRule(Ref ref, String token) {}

    private record AliasRef(String datasetId, String alias) {}

    /** A known manifest to compare whole mirrors with (REFERENCE_MANIFEST). */
    public record Reference(String datasetId, Signature signature, double weight, byte[] sketch) {}

    /** An index of datasets known only by their ids (each is checked as if keyed by its id). */
    public RegistryIndex(Collection<RetractedDataset> registry) {
        for (RetractedDataset dataset : registry) {
            include(dataset == null ? null : dataset.getId(), dataset);
        }
    }

    private RegistryIndex(Map<String, RetractedDataset> byKey) {
        byKey.forEach(this::include);
    }

    /** An index of registry records by their topic keys; a record whose key is not its id is skipped. */
    public static RegistryIndex ofRecords(Map<String, RetractedDataset> byKey) {
        return new RegistryIndex(byKey);
    }

    /**
     * Why a registry record keyed {@code key} cannot be used, by the rules {@code registry load}
     * applies; empty when it can.
     */
    public static List<String> problems(String key, RetractedDataset dataset) {
        return DatasetRules.problems(key, dataset);
    }

    /** Records left out of this index: key to the first reason. */
    public Map<String, String> skipped() {
        return Collections.unmodifiableMap(skipped);
    }

    private void include(String key, RetractedDataset dataset) {
        String label = key == null ? "(no key)" : key;
        try {
            List<String> problems = problems(key, dataset);
            if (!problems.isEmpty()) {
                skipped.put(
                        label,
                        problems.get(0) + (problems.size() > 1 ? " (and " + (problems.size() - 1) + " more)" : ""));
                return;
            }
            // Everything that can fail happens before the first change to the maps, so a dataset is in whole or not at
            // all.
            List<Runnable> changes = new ArrayList<>();
            List<Pattern> allowed = dataset.getAllowedMirrors().stream()
                    .map(RegistryIndex::glob)
                    .toList();
            for (String alias : dataset.getAliases()) {
                List<String> tokens = TextSignals.tokens(alias);
                if (!tokens.isEmpty()) {
                    changes.add(() -> {
                        aliases.computeIfAbsent(String.join("", tokens), k -> new ArrayList<>(1))
                                .add(new AliasRef(dataset.getId(), alias));
                        longestAlias = Math.max(longestAlias, Math.min(tokens.size(), 6));
                    });
                }
            }
            for (Signature signature : dataset.getSignatures()) {
                changes.add(index(dataset.getId(), signature));
            }
            datasets.put(dataset.getId(), dataset);
            allowedMirrors.put(dataset.getId(), allowed);
            changes.forEach(Runnable::run);
        } catch (RuntimeException e) {
            skipped.put(label, "cannot be indexed: " + e);
        }
    }

    private Runnable index(String datasetId, Signature signature) {
        Ref ref = new Ref(datasetId, signature, SignatureWeights.weightOf(signature));
        String value =
                signature.getValue() == null ? null : signature.getValue().strip();
        return switch (signature.getKind()) {
            case BTIH -> add(byInfohash, value.toLowerCase(Locale.ROOT), ref);
            case SHA256 -> add(bySha256, value.toLowerCase(Locale.ROOT), ref);
            case SHA1 -> add(bySha1, value.toLowerCase(Locale.ROOT), ref);
            case MD5 -> add(byMd5, value.toLowerCase(Locale.ROOT), ref);
            case GIT_BLOB -> add(byGitBlob, value.toLowerCase(Locale.ROOT), ref);
            case FILE_SIZE ->
                signature.getSize() != null && signature.getSize() >= FILE_SIZE_MIN
                        ? add(bySize, signature.getSize(), ref)
                        : () -> {};
            case FILE_NAME_SIZE ->
                value != null && signature.getSize() != null && signature.getSize() >= NAME_SIZE_MIN
                        ? add(byNameAndSize, nameSizeKey(NameNormalizer.baseName(value), signature.getSize()), ref)
                        : () -> {};
            case FILE_NAME ->
                value != null ? add(byName, NameNormalizer.normalize(NameNormalizer.baseName(value)), ref) : () -> {};
            case PATH_PATTERN -> {
                // A pattern without '/' is about base names.
                PathRule rule =
                        new PathRule(ref, Pattern.compile(value), value.contains("/"), RequiredLiteral.of(value));
                yield () -> pathPatterns.add(rule);
            }
            case DOWNLOAD_LINK -> {
                LinkRule rule = new LinkRule(ref, value.toLowerCase(Locale.ROOT));
                yield () -> links.add(rule);
            }
            case REFERENCE_MANIFEST -> {
                long[] pairs = signature.getFiles().stream()
                        .mapToLong(f -> ManifestSketch.pairHash(f.getName(), f.getSize()))
                        .toArray();
                if (pairs.length > 0) {
                    Reference reference =
                            new Reference(datasetId, signature, ref.weight(), ManifestSketch.signature(pairs));
                    yield () -> references.add(reference);
                }
                yield () -> {};
            }
            // Aliases come from the dataset's alias list.
            case ALIAS -> () -> {};
            // A kind from a newer release (the enum default): this instance cannot match it; the rest of
            // the dataset still matches (docs/decisions/013).
            case UNKNOWN -> () -> {};
        };
    }

    private static <K> Runnable add(Map<K, List<Ref>> map, K key, Ref ref) {
        Objects.requireNonNull(key, "signature value");
        return () -> map.computeIfAbsent(key, k -> new ArrayList<>(1)).add(ref);
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
                emit(
                        byInfohash.get(hash.toLowerCase(Locale.ROOT)),
                        null,
                        sink,
                        r -> "infohash of the torrent mirror (" + id + ")");
            }
        }
    }

    /** Entry-level signatures: content hashes, infohashes of referenced torrents, sizes, name+size. */
    public void matchEntry(ManifestEntry entry, HitSink sink) {
        String path = entry.getPath();
        if (entry.getKind() == EntryKind.TORRENT_REF || entry.getKind() == EntryKind.MAGNET_REF) {
            if (entry.getRef() != null) {
                emit(
                        byInfohash.get(entry.getRef().toLowerCase(Locale.ROOT)),
                        path,
                        sink,
                        r -> (entry.getKind() == EntryKind.TORRENT_REF ? ".torrent file" : "magnet link")
                                + " in the mirror");
            }
            return;
        }
        if (entry.getKind() == EntryKind.LINK) {
            if (entry.getRef() != null) {
                matchLinks(entry.getRef(), path, sink);
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
        String name = null; // the normalized base name, made once for both name lookups
        if (size != null) {
            if (size >= FILE_SIZE_MIN) {
                emit(bySize.get(size), path, sink, r -> "a file of exactly " + size + " bytes");
            }
            if (size >= NAME_SIZE_MIN && !byNameAndSize.isEmpty()) {
                name = NameNormalizer.normalize(NameNormalizer.baseName(path));
                emit(
                        byNameAndSize.get(name + '\u0000' + size),
                        path,
                        sink,
                        r -> "same name and size (" + size + " bytes)");
            }
        }
        if (!byName.isEmpty()) {
            List<Ref> named = byName.get(name != null ? name : NameNormalizer.normalize(NameNormalizer.baseName(path)));
            if (named != null) {
                emitNamed(named, size, path, sink);
            }
            // Folder names count too ("faces_emore/train.rec"), without a size to compare.
            for (List<Ref> folder : folderNames(path)) {
                emitNamed(folder, null, path, sink);
            }
        }
        String baseName = null;
        for (PathRule rule : pathPatterns) {
            String subject =
                    rule.wholePath() ? path : (baseName == null ? baseName = NameNormalizer.baseName(path) : baseName);
            if (!subject.contains(rule.literal())) {
                continue; // cannot match: the regex is not run
            }
            if (matches(rule.pattern(), subject)) {
                sink.hit(
                        rule.ref().datasetId(),
                        evidence(rule.ref().signature(), path, rule.ref().weight(), "paths shaped like the dataset's"));
            }
        }
    }

    /**
     * A registry regex over a crawled path, bounded in length and in steps: a pattern that would
     * backtrack for long on a crafted path counts as no match (and says so once per pattern).
     */
    static boolean matches(Pattern pattern, String subject) {
        return matches(pattern, subject, PATTERN_STEP_BUDGET);
    }

    static boolean matches(Pattern pattern, String subject, long budget) {
        String bounded = subject.length() > MAX_PATTERN_SUBJECT ? subject.substring(0, MAX_PATTERN_SUBJECT) : subject;
        try {
            return pattern.matcher(new BudgetedChars(bounded, new long[] {budget}))
                    .find();
        } catch (BudgetedChars.Exhausted e) {
            giveUp(pattern, bounded, "after " + budget + " steps");
            return false;
        } catch (StackOverflowError e) {
            // java.util.regex recurses per repetition of a group: a long path can exhaust the
            // stack, and an Error would kill the stream thread instead of reaching any handler.
            giveUp(pattern, bounded, "on stack depth");
            return false;
        }
    }

    private static void giveUp(Pattern pattern, String subject, String how) {
        if (WARNED.add(pattern.pattern())) {
            LOG.warn(
                    "registry pattern '{}' gave up on a path of {} characters {}; treated as no match",
                    pattern.pattern(),
                    subject.length(),
                    how);
        }
    }

    private static final Set<String> WARNED = ConcurrentHashMap.newKeySet();

    /** Characters whose reads are counted against a shared budget. */
    private record BudgetedChars(String text, long[] budget) implements CharSequence {

        static final class Exhausted extends RuntimeException {
            Exhausted() {
                super(null, null, false, false);
            }
        }

        @Override
        public char charAt(int index) {
            if (--budget[0] < 0) {
                throw new Exhausted();
            }
            return text.charAt(index);
        }

        @Override
        public int length() {
            return text.length();
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            return new BudgetedChars(text.substring(start, end), budget);
        }

        @Override
        public String toString() {
            return text;
        }
    }

    /** The registry names among the path's folder names, in order; looked up once per folder run. */
    private List<List<Ref>> folderNames(String path) {
        int end = path.lastIndexOf('/');
        Folders memo = folders.get();
        if (memo.path != null && memo.end == end && path.regionMatches(0, memo.path, 0, Math.max(end, 0))) {
            return memo.named;
        }
        memo.path = path;
        memo.end = end;
        memo.named.clear();
        int start = 0;
        while (end > 0 && start < end) {
            int slash = path.indexOf('/', start);
            if (slash < 0 || slash > end) {
                slash = end;
            }
            if (slash > start) {
                List<Ref> named = byName.get(NameNormalizer.normalize(path.substring(start, slash)));
                if (named != null) {
                    memo.named.add(named);
                }
            }
            start = slash + 1;
        }
        return memo.named;
    }

    private static void emitNamed(List<Ref> named, Long size, String path, HitSink sink) {
        for (Ref ref : named) {
            Signature s = ref.signature();
            boolean ranged = s.getMinSize() != null || s.getMaxSize() != null;
            if (!ranged) {
                sink.hit(
                        ref.datasetId(),
                        evidence(s, path, ref.weight(), size == null ? "same folder name" : "same file name"));
            } else if (size != null
                    && (s.getMinSize() == null || size >= s.getMinSize())
                    && (s.getMaxSize() == null || size <= s.getMaxSize())) {
                sink.hit(ref.datasetId(), evidence(s, path, ref.weight(), "same file name, size in the known range"));
            }
            // A ranged name outside its range is someone else's file of the same (often generic) name.
        }
    }

    /** Mirror text: aliases in the mirror's own name or title, or only in its description and README; known download links. */
    public void matchText(Mirror mirror, String text, HitSink sink) {
        if (!aliases.isEmpty()) {
            String name = mirror.getLocator() + " " + (mirror.getTitle() == null ? "" : mirror.getTitle());
            Set<String> inName = new HashSet<>();
            findAliases(TextSignals.tokens(name), (ref) -> {
                inName.add(ref.datasetId());
                sink.hit(ref.datasetId(), aliasEvidence(ref, ALIAS_IN_NAME, "alias in the mirror's own name or title"));
            });
            String body = (mirror.getDescription() == null ? "" : mirror.getDescription()) + "\n"
                    + (text == null ? "" : text);
            findAliases(TextSignals.tokens(body), (ref) -> {
                if (!inName.contains(ref.datasetId())) {
                    sink.hit(
                            ref.datasetId(),
                            aliasEvidence(ref, ALIAS_IN_TEXT, "alias only in the mirror's description or README"));
                }
            });
        }
        if (!links.isEmpty()) {
            String all = (mirror.getUrl() == null ? "" : mirror.getUrl()) + "\n"
                    + (mirror.getDescription() == null ? "" : mirror.getDescription()) + "\n"
                    + (text == null ? "" : text);
            matchLinks(all.length() > TextSignals.MAX_TEXT ? all.substring(0, TextSignals.MAX_TEXT) : all, null, sink);
        }
    }

    private void matchLinks(String text, String path, HitSink sink) {
        String lower = text.toLowerCase(Locale.ROOT);
        for (LinkRule rule : links) {
            if (lower.contains(rule.token())) {
                sink.hit(
                        rule.ref().datasetId(),
                        evidence(rule.ref().signature(), path, rule.ref().weight(), "links to a known copy"));
            }
        }
    }

    private void findAliases(List<String> tokens, Consumer<AliasRef> found) {
        StringBuilder joined = new StringBuilder();
        for (int i = 0; i < tokens.size(); i++) {
            joined.setLength(0);
            for (int k = i; k < Math.min(tokens.size(), i + longestAlias); k++) {
                joined.append(tokens.get(k));
                List<AliasRef> refs = aliases.get(joined.toString());
                if (refs != null) {
                    refs.forEach(found);
                }
            }
        }
    }

    private static Evidence aliasEvidence(AliasRef ref, double weight, String detail) {
        return Evidence.newBuilder()
                .setKind(SignatureKind.ALIAS)
                .setSignature(ref.alias())
                .setPath(null)
                .setWeight(weight)
                .setDetail(detail)
                .build();
    }

    private static Evidence evidence(Signature s, String path, double weight, String detail) {
        return Evidence.newBuilder()
                .setKind(s.getKind())
                .setSignature(describe(s))
                .setPath(path)
                .setWeight(weight)
                .setDetail(s.getNote() == null ? detail : detail + "; " + s.getNote())
                .build();
    }

    /** Signatures that need a minimum number of matching paths. */
    public int minCount(String datasetId, Evidence evidence) {
        if (evidence.getKind() != SignatureKind.PATH_PATTERN) {
            return 1;
        }
        for (PathRule rule : pathPatterns) {
            if (rule.ref().datasetId().equals(datasetId)
                    && rule.pattern().pattern().equals(evidence.getSignature())) {
                Integer min = rule.ref().signature().getMinCount();
                return min == null ? 1 : min;
            }
        }
        return 1;
    }

    public List<Reference> references() {
        return references;
    }

    public boolean hasReferences() {
        return !references.isEmpty();
    }

    public Collection<RetractedDataset> datasets() {
        return datasets.values();
    }

    private void lookup(Map<String, List<Ref>> map, String hash, String path, HitSink sink, String detail) {
        if (hash != null && !map.isEmpty()) {
            emit(map.get(hash.toLowerCase(Locale.ROOT)), path, sink, r -> detail);
        }
    }

    private static void emit(List<Ref> refs, String path, HitSink sink, Function<Ref, String> detail) {
        if (refs == null) {
            return;
        }
        for (Ref ref : refs) {
            Signature s = ref.signature();
            sink.hit(
                    ref.datasetId(),
                    Evidence.newBuilder()
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
            case FILE_NAME ->
                s.getMinSize() == null && s.getMaxSize() == null
                        ? s.getValue()
                        : s.getValue() + " (" + (s.getMinSize() == null ? "" : s.getMinSize()) + ".."
                                + (s.getMaxSize() == null ? "" : s.getMaxSize()) + " bytes)";
            case REFERENCE_MANIFEST -> "reference manifest of " + s.getFiles().size() + " files";
            case BTIH, SHA256, SHA1, MD5, GIT_BLOB, PATH_PATTERN, DOWNLOAD_LINK, ALIAS -> s.getValue();
            case UNKNOWN -> "a signature of a kind this release does not know";
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
