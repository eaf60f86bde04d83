package org.revenant.registry;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.revenant.avro.ReferenceFile;
import org.revenant.avro.Signature;
import org.revenant.avro.SignatureKind;
import org.revenant.registry.YamlTree.Mapping;
import org.revenant.registry.YamlTree.Node;

/** Reads and checks one entry of a registry file's {@code signatures} list (architecture section 5, docs/registry-format.md). */
final class SignatureRules {

    /** FILE_SIZE alone is only trusted for files big enough that a size collision is implausible. */
    static final long MIN_FILE_SIZE = 100L * 1024 * 1024;
    /** FILE_NAME_SIZE needs a size that carries some information next to the name. */
    static final long MIN_NAME_SIZE = 1024L * 1024;
    /** Shorter download-link tokens would turn up in unrelated text. */
    static final int MIN_LINK_LENGTH = 8;

    /**
     * Names that many unrelated datasets share (InsightFace's record files, evaluation bins,
     * READMEs). As a FILE_NAME they need a size range, else every face-recognition repo matches.
     */
    static final Set<String> GENERIC_NAMES = Set.of(
            "train.rec",
            "train.idx",
            "train.lst",
            "property",
            "lfw.bin",
            "cfp_fp.bin",
            "cfp_ff.bin",
            "agedb_30.bin",
            "calfw.bin",
            "cplfw.bin",
            "vgg2_fp.bin",
            "readme",
            "readme.md",
            "readme.txt",
            "license",
            "data.zip",
            "data.tar",
            "data.tar.gz",
            "images.zip",
            "train.zip",
            "test.zip",
            "val.zip",
            "devkit.tar.gz");

    private static final List<String> COMMON = List.of("kind", "weight", "verified", "note");
    /**
     * The kinds a registry file may name: every symbol but UNKNOWN, which only a reader produces for
     * a kind added by a newer release (docs/decisions/013).
     */
    static final List<SignatureKind> KNOWN_KINDS = Arrays.stream(SignatureKind.values())
            .filter(k -> k != SignatureKind.UNKNOWN)
            .toList();

    private static final Map<SignatureKind, List<String>> FIELDS = new EnumMap<>(SignatureKind.class);

    static {
        for (SignatureKind k : List.of(
                SignatureKind.BTIH,
                SignatureKind.SHA256,
                SignatureKind.SHA1,
                SignatureKind.MD5,
                SignatureKind.GIT_BLOB,
                SignatureKind.DOWNLOAD_LINK,
                SignatureKind.ALIAS)) {
            FIELDS.put(k, List.of("value"));
        }
        FIELDS.put(SignatureKind.FILE_SIZE, List.of("size"));
        FIELDS.put(SignatureKind.FILE_NAME_SIZE, List.of("value", "size"));
        FIELDS.put(SignatureKind.FILE_NAME, List.of("value", "minSize", "maxSize"));
        FIELDS.put(SignatureKind.PATH_PATTERN, List.of("value", "minCount"));
        FIELDS.put(SignatureKind.REFERENCE_MANIFEST, List.of("files"));
    }

    private static final Set<String> ALL_FIELDS = allFields();
    private static final Pattern HEX = Pattern.compile("[0-9a-f]+");

    private final FileChecker check;

    SignatureRules(FileChecker check) {
        this.check = check;
    }

    /** Reads signature number {@code index} (1-based); null when it has problems. */
    Signature read(Node node, int index) {
        Mapping map = check.mapping(node, "signature " + index);
        if (map == null) {
            return null;
        }
        String kindText = check.requiredText(map, "kind", "signature " + index + ": ");
        if (kindText == null) {
            return null;
        }
        SignatureKind kind;
        kind = KNOWN_KINDS.stream()
                .filter(k -> k.name().equals(kindText))
                .findFirst()
                .orElse(null);
        if (kind == null) {
            check.problem(
                    map.fields().get("kind").keyLine(),
                    "signature " + index + ": unknown kind '"
                            + kindText + "'; known kinds: "
                            + KNOWN_KINDS.stream().map(Enum::name).collect(Collectors.joining(", ")));
            return null;
        }
        String p = "signature " + index + " (" + kind + "): ";
        int before = check.problems().size();
        List<String> allowed = new ArrayList<>(COMMON);
        allowed.addAll(FIELDS.get(kind));
        for (YamlTree.Field f : map.fields().values()) {
            if (!ALL_FIELDS.contains(f.key())) {
                check.problem(
                        f.keyLine(),
                        p + "unknown field " + RegistryProblem.quote(f.key()) + "; fields of " + kind + ": "
                                + String.join(", ", allowed));
            } else if (!allowed.contains(f.key())) {
                check.problem(
                        f.keyLine(),
                        p + "field " + RegistryProblem.quote(f.key()) + " does not apply to " + kind + "; fields of "
                                + kind + ": " + String.join(", ", allowed));
            }
        }

        Signature.Builder sig = Signature.newBuilder().setKind(kind);
        int line = map.line();
        switch (kind) {
            case BTIH, SHA256, SHA1, GIT_BLOB, MD5 -> sig.setValue(hash(map, p, kind, line));
            case FILE_SIZE -> sig.setSize(size(map, p, line, MIN_FILE_SIZE, "100 MiB"));
            case FILE_NAME_SIZE -> {
                sig.setValue(fileName(map, p, line));
                sig.setSize(size(map, p, line, MIN_NAME_SIZE, "1 MiB"));
            }
            case FILE_NAME -> readFileName(map, p, line, sig);
            case PATH_PATTERN -> readPathPattern(map, p, line, sig);
            case DOWNLOAD_LINK -> sig.setValue(link(map, p, line));
            case ALIAS -> sig.setValue(check.requiredText(map, "value", p));
            case REFERENCE_MANIFEST -> sig.setFiles(manifest(map, p, line));
            default -> throw new IllegalStateException("kind without rules: " + kind);
        }

        Double weight = check.optionalDouble(map, "weight", p);
        String weightProblem = weightProblem(weight);
        if (weightProblem != null) {
            check.problem(map.fields().get("weight").keyLine(), p + weightProblem);
        }
        sig.setWeight(weight);
        Boolean verified = check.optionalBoolean(map, "verified", p);
        String note = check.optionalText(map, "note", p);
        String verifiedProblem = verifiedProblem(verified == null || verified, note);
        if (verifiedProblem != null) {
            check.problem(map.fields().get("verified").keyLine(), p + verifiedProblem);
        }
        sig.setVerified(verified == null || verified);
        sig.setNote(note);
        return check.problems().size() == before ? sig.build() : null;
    }

    /** Identity of a signature for duplicate detection: everything but weight, note and verified. */
    static String identity(Signature s) {
        String files = s.getFiles().stream()
                .map(f -> f.getName() + "=" + f.getSize())
                .sorted()
                .collect(Collectors.joining(","));
        String value = s.getKind() == SignatureKind.PATH_PATTERN || s.getValue() == null
                ? s.getValue()
                : s.getValue().toLowerCase(Locale.ROOT);
        return s.getKind() + "|" + value + "|" + s.getSize() + "|" + s.getMinSize() + "|" + s.getMaxSize() + "|"
                + s.getMinCount() + "|" + files;
    }

    private String hash(Mapping map, String p, SignatureKind kind, int line) {
        String v = check.requiredText(map, "value", p);
        if (v == null) {
            return null;
        }
        String problem = hashProblem(kind, v);
        if (problem != null) {
            check.problem(line, p + problem);
            return null;
        }
        return v.toLowerCase(Locale.ROOT);
    }

    private Long size(Mapping map, String p, int line, long minimum, String minimumText) {
        if (!map.fields().containsKey("size")) {
            check.problem(line, p + "missing required field 'size'");
            return null;
        }
        Long size = check.optionalLong(map, "size", p);
        String problem = sizeProblem(size, minimum, minimumText);
        if (problem != null) {
            check.problem(line, p + problem);
        }
        return size;
    }

    private String fileName(Mapping map, String p, int line) {
        String name = check.requiredText(map, "value", p);
        String problem = fileNameProblem(name);
        if (problem != null) {
            check.problem(line, p + problem);
        }
        return name;
    }

    private void readFileName(Mapping map, String p, int line, Signature.Builder sig) {
        String name = fileName(map, p, line);
        Long min = check.optionalLong(map, "minSize", p);
        Long max = check.optionalLong(map, "maxSize", p);
        for (String problem : rangeProblems(name, min, max)) {
            check.problem(line, p + problem);
        }
        sig.setValue(name).setMinSize(min).setMaxSize(max);
    }

    private void readPathPattern(Mapping map, String p, int line, Signature.Builder sig) {
        String regex = check.requiredText(map, "value", p);
        String regexProblem = regexProblem(regex);
        if (regexProblem != null) {
            check.problem(line, p + regexProblem);
        }
        if (!map.fields().containsKey("minCount")) {
            check.problem(line, p + "missing required field 'minCount'");
        }
        Long count = check.optionalLong(map, "minCount", p);
        String countProblem = minCountProblem(count);
        if (countProblem != null) {
            check.problem(line, p + countProblem);
            count = null;
        }
        sig.setValue(regex).setMinCount(count == null ? null : count.intValue());
    }

    private String link(Mapping map, String p, int line) {
        String v = check.requiredText(map, "value", p);
        String problem = linkProblem(v);
        if (problem != null) {
            check.problem(line, p + problem);
        }
        return v;
    }

    private List<ReferenceFile> manifest(Mapping map, String p, int line) {
        if (!map.fields().containsKey("files")) {
            check.problem(line, p + "missing required field 'files'");
            return List.of();
        }
        List<Node> items = check.list(map, "files", p);
        if (items == null) {
            return List.of();
        }
        String countProblem = referenceCountProblem(items.size());
        if (countProblem != null) {
            check.problem(line, p + countProblem);
        }
        List<ReferenceFile> files = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        for (int i = 0; i < items.size(); i++) {
            String fp = p + "file " + (i + 1) + ": ";
            Mapping f = check.mapping(items.get(i), p + "file " + (i + 1));
            if (f == null || !check.onlyKnownFields(f, List.of("name", "size"), fp)) {
                continue;
            }
            String name = check.requiredText(f, "name", fp);
            if (!f.fields().containsKey("size")) {
                check.problem(f.line(), fp + "missing required field 'size'");
                continue;
            }
            Long size = check.optionalLong(f, "size", fp);
            if (size != null) {
                String problem = referenceFileProblem(name, size, seen);
                if (problem != null) {
                    check.problem(f.line(), fp + problem);
                }
                if (name != null && size >= 0) {
                    files.add(new ReferenceFile(name, size));
                }
            }
        }
        return files;
    }

    // The rules on values, shared by the YAML reader above and by DatasetRules, which checks
    // records that reach the registry topic by other ways. Each returns null when the value is fine.

    static String hashProblem(SignatureKind kind, String value) {
        int[] lengths = switch (kind) {
            case BTIH -> new int[] {40, 64};
            case SHA256 -> new int[] {64};
            case SHA1, GIT_BLOB -> new int[] {40};
            case MD5 -> new int[] {32};
            default -> throw new IllegalArgumentException("not a hash kind: " + kind);
        };
        String lower = value.strip().toLowerCase(Locale.ROOT);
        boolean lengthOk = Arrays.stream(lengths).anyMatch(n -> n == lower.length());
        if (lengthOk && HEX.matcher(lower).matches()) {
            return null;
        }
        String want = Arrays.stream(lengths).mapToObj(Integer::toString).collect(Collectors.joining(" or "));
        return RegistryProblem.quote(value) + " is not a " + kind + " hash (" + want + " hex digits)";
    }

    static String sizeProblem(Long size, long minimum, String minimumText) {
        return size != null && size < minimum
                ? "size " + size + " is below " + minimumText + " (" + minimum + ")"
                : null;
    }

    static String fileNameProblem(String name) {
        return name != null && (name.contains("/") || name.contains("\\"))
                ? RegistryProblem.quote(name) + " must be a single file or folder name, without '/'"
                : null;
    }

    static List<String> rangeProblems(String name, Long min, Long max) {
        List<String> problems = new ArrayList<>();
        if ((min != null && min < 0) || (max != null && max < 0)) {
            problems.add("minSize and maxSize must not be negative");
        } else if (min != null && max != null && min > max) {
            problems.add("minSize " + min + " is larger than maxSize " + max);
        }
        if (name != null && min == null && max == null && GENERIC_NAMES.contains(name.toLowerCase(Locale.ROOT))) {
            problems.add(RegistryProblem.quote(name) + " is too generic to be a signature without minSize/maxSize");
        }
        return problems;
    }

    static String regexProblem(String regex) {
        return regex == null ? null : PathPatterns.problem(regex);
    }

    static String minCountProblem(Long count) {
        return count != null && (count < 1 || count > Integer.MAX_VALUE)
                ? "minCount " + count + " must be at least 1"
                : null;
    }

    static String linkProblem(String link) {
        if (link != null && link.chars().anyMatch(Character::isWhitespace)) {
            return "link " + RegistryProblem.quote(link) + " must not contain spaces";
        } else if (link != null && link.length() < MIN_LINK_LENGTH) {
            return "link " + RegistryProblem.quote(link) + " is too short to identify a copy (at least "
                    + MIN_LINK_LENGTH + " characters)";
        }
        return null;
    }

    static String referenceCountProblem(int files) {
        return files < 2 ? "a REFERENCE_MANIFEST needs at least 2 files, found " + files : null;
    }

    /** {@code seen} collects name=size pairs to find repeats. */
    static String referenceFileProblem(String name, long size, Set<String> seen) {
        if (size < 0) {
            return "size must not be negative";
        }
        if (name != null && !seen.add(name + "=" + size)) {
            return RegistryProblem.quote(name) + " of " + size + " bytes is listed twice";
        }
        return null;
    }

    static String weightProblem(Double weight) {
        return weight != null && !(weight > 0 && weight <= 1) ? "weight " + weight + " is not in (0, 1]" : null;
    }

    static String verifiedProblem(boolean verified, String note) {
        return !verified && note == null ? "'verified: false' needs a 'note' saying what is unverified" : null;
    }

    /**
     * Every problem of a signature as it travels in a record, by the same rules as the YAML reader:
     * the fields its kind requires are present and non-blank, and their values pass the checks above.
     */
    static List<String> problems(Signature s) {
        List<String> problems = new ArrayList<>();
        if (s.getKind() == null) {
            problems.add("signature without a kind");
            return problems;
        }
        if (s.getKind() == SignatureKind.UNKNOWN) {
            // Written by a newer release: not wrong, just not matchable here; the index skips it.
            return problems;
        }
        String value = s.getValue() == null || s.getValue().isBlank() ? null : s.getValue();
        boolean needsValue = FIELDS.get(s.getKind()).contains("value");
        if (needsValue && value == null) {
            problems.add("missing required field 'value'");
        }
        switch (s.getKind()) {
            case BTIH, SHA256, SHA1, GIT_BLOB, MD5 -> {
                if (value != null) {
                    add(problems, hashProblem(s.getKind(), value));
                }
            }
            case FILE_SIZE -> {
                requireSize(s, problems);
                add(problems, sizeProblem(s.getSize(), MIN_FILE_SIZE, "100 MiB"));
            }
            case FILE_NAME_SIZE -> {
                add(problems, fileNameProblem(value));
                requireSize(s, problems);
                add(problems, sizeProblem(s.getSize(), MIN_NAME_SIZE, "1 MiB"));
            }
            case FILE_NAME -> {
                add(problems, fileNameProblem(value));
                problems.addAll(rangeProblems(value, s.getMinSize(), s.getMaxSize()));
            }
            case PATH_PATTERN -> {
                add(problems, regexProblem(value));
                if (s.getMinCount() == null) {
                    problems.add("missing required field 'minCount'");
                } else {
                    add(problems, minCountProblem(s.getMinCount().longValue()));
                }
            }
            case DOWNLOAD_LINK -> add(problems, linkProblem(value));
            case ALIAS -> {}
            case REFERENCE_MANIFEST -> {
                List<ReferenceFile> files = s.getFiles() == null ? List.of() : s.getFiles();
                add(problems, referenceCountProblem(files.size()));
                Set<String> seen = new LinkedHashSet<>();
                for (ReferenceFile f : files) {
                    if (f == null || f.getName() == null || f.getName().isBlank()) {
                        problems.add("a reference file without a name");
                    } else {
                        add(problems, referenceFileProblem(f.getName(), f.getSize(), seen));
                    }
                }
            }
            default -> problems.add("kind without rules: " + s.getKind());
        }
        add(problems, weightProblem(s.getWeight()));
        add(problems, verifiedProblem(s.getVerified(), s.getNote()));
        return problems;
    }

    private static void requireSize(Signature s, List<String> problems) {
        if (s.getSize() == null) {
            problems.add("missing required field 'size'");
        }
    }

    private static void add(List<String> problems, String problem) {
        if (problem != null) {
            problems.add(problem);
        }
    }

    private static Set<String> allFields() {
        Set<String> all = new LinkedHashSet<>(COMMON);
        FIELDS.values().forEach(all::addAll);
        return all;
    }
}
