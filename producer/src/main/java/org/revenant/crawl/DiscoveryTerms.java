package org.revenant.crawl;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import org.revenant.avro.RetractedDataset;
import org.revenant.avro.Signature;
import org.revenant.avro.SignatureKind;

/**
 * What the registry says to look for: dataset names and aliases, distinctive file names and
 * infohashes, and what a Git LFS pointer to one of its files would say (the exact sizes of its
 * large files, its SHA-256 hashes). Rebuilt from the registry whenever it changes;
 * {@link #fingerprint()} tells when.
 */
public record DiscoveryTerms(
        Set<String> names,
        Set<String> fileNames,
        Set<String> btihs,
        Set<Long> sizes,
        Set<String> sha256s,
        Set<String> md5s,
        Set<Long> totals) {

    /** A known copy's total size below this is too common to search an archive's item sizes for (1 GB). */
    public static final long MIN_SEARCHED_TOTAL = 1_000_000_000L;

    private static final Pattern HEX32 = Pattern.compile("[0-9a-f]{32}");

    /**
     * Sizes below this are too common to search for: a pointer's {@code size} line matches whatever
     * file happens to have it (10 MB).
     */
    public static final long MIN_SEARCHED_SIZE = 10_000_000L;

    private static final Pattern HEX64 = Pattern.compile("[0-9a-f]{64}");

    private static final Pattern FOLD = Pattern.compile("[\\s._-]+");
    private static final Pattern HEX40 = Pattern.compile("[0-9a-f]{40}");
    /** Names shorter than this make searches that return half the platform. */
    private static final int MIN_NAME_CHARS = 4;

    public DiscoveryTerms {
        names = Set.copyOf(names);
        fileNames = Set.copyOf(fileNames);
        btihs = Set.copyOf(btihs);
        sizes = Set.copyOf(sizes);
        sha256s = Set.copyOf(sha256s);
        md5s = Set.copyOf(md5s);
        totals = Set.copyOf(totals);
    }

    /** Without MD5s and total sizes. */
    public DiscoveryTerms(
            Set<String> names, Set<String> fileNames, Set<String> btihs, Set<Long> sizes, Set<String> sha256s) {
        this(names, fileNames, btihs, sizes, sha256s, Set.of(), Set.of());
    }

    /** Names, file names and infohashes only. */
    public DiscoveryTerms(Set<String> names, Set<String> fileNames, Set<String> btihs) {
        this(names, fileNames, btihs, Set.of(), Set.of(), Set.of(), Set.of());
    }

    public static DiscoveryTerms empty() {
        return new DiscoveryTerms(Set.of(), Set.of(), Set.of());
    }

    public static DiscoveryTerms from(Collection<RetractedDataset> registry) {
        Set<String> names = new LinkedHashSet<>();
        Set<String> files = new LinkedHashSet<>();
        Set<String> btihs = new LinkedHashSet<>();
        Set<Long> sizes = new LinkedHashSet<>();
        Set<String> sha256s = new LinkedHashSet<>();
        Set<String> md5s = new LinkedHashSet<>();
        Set<Long> totals = new LinkedHashSet<>();
        Set<String> seen = new LinkedHashSet<>();
        for (RetractedDataset d : registry) {
            for (String name : concat(d.getName(), d.getAliases())) {
                if (name != null && name.strip().length() >= MIN_NAME_CHARS && seen.add(fold(name))) {
                    names.add(name.strip());
                }
            }
            for (Signature s : d.getSignatures()) {
                if ((s.getKind() == SignatureKind.FILE_SIZE || s.getKind() == SignatureKind.FILE_NAME_SIZE)
                        && s.getSize() != null
                        && s.getSize() >= MIN_SEARCHED_SIZE) {
                    sizes.add(s.getSize());
                }
                if (s.getKind() == SignatureKind.REFERENCE_MANIFEST) {
                    s.getFiles().stream()
                            .filter(f -> f.getSize() >= MIN_SEARCHED_SIZE)
                            .forEach(f -> sizes.add(f.getSize()));
                    long total = s.getFiles().stream()
                            .mapToLong(f -> Math.max(0, f.getSize()))
                            .sum();
                    if (total >= MIN_SEARCHED_TOTAL) {
                        totals.add(total);
                    }
                }
                String value = s.getValue() == null ? null : s.getValue().strip();
                if (value == null || value.isEmpty()) {
                    continue;
                }
                if (s.getKind() == SignatureKind.FILE_NAME || s.getKind() == SignatureKind.FILE_NAME_SIZE) {
                    files.add(value);
                } else if (s.getKind() == SignatureKind.BTIH
                        && HEX40.matcher(value.toLowerCase(Locale.ROOT)).matches()) {
                    btihs.add(value.toLowerCase(Locale.ROOT));
                } else if (s.getKind() == SignatureKind.SHA256
                        && HEX64.matcher(value.toLowerCase(Locale.ROOT)).matches()) {
                    sha256s.add(value.toLowerCase(Locale.ROOT));
                } else if (s.getKind() == SignatureKind.MD5
                        && HEX32.matcher(value.toLowerCase(Locale.ROOT)).matches()) {
                    md5s.add(value.toLowerCase(Locale.ROOT));
                }
            }
        }
        return new DiscoveryTerms(names, files, btihs, sizes, sha256s, md5s, totals);
    }

    /** Sorted, so the same registry always gives the same queries in the same order. */
    public List<String> sortedNames() {
        return names.stream().sorted().toList();
    }

    public List<String> sortedFileNames() {
        return fileNames.stream().sorted().toList();
    }

    public List<String> sortedBtihs() {
        return btihs.stream().sorted().toList();
    }

    public List<Long> sortedSizes() {
        return sizes.stream().sorted().toList();
    }

    public List<String> sortedSha256s() {
        return sha256s.stream().sorted().toList();
    }

    public List<String> sortedMd5s() {
        return md5s.stream().sorted().toList();
    }

    public List<Long> sortedTotals() {
        return totals.stream().sorted().toList();
    }

    /** True when a title names one of the datasets on token boundaries ("MS-Celeb-1M (aligned)" does, "pms celebration" does not). */
    public boolean titleMentions(String title) {
        if (title == null) {
            return false;
        }
        String folded = " " + fold(title) + " ";
        for (String name : names) {
            if (folded.contains(" " + fold(name) + " ")) {
                return true;
            }
        }
        return false;
    }

    /** Changes whenever the terms do. */
    public String fingerprint() {
        return Integer.toHexString((sortedNames() + "|" + sortedFileNames() + "|" + sortedBtihs() + "|" + sortedSizes()
                        + "|" + sortedSha256s() + "|" + sortedMd5s() + "|" + sortedTotals())
                .hashCode());
    }

    static String fold(String s) {
        String n = Normalizer.normalize(s, Normalizer.Form.NFKC).toLowerCase(Locale.ROOT);
        return FOLD.matcher(n).replaceAll(" ").strip();
    }

    private static List<String> concat(String first, List<String> rest) {
        ArrayList<String> all = new ArrayList<>();
        all.add(first);
        if (rest != null) {
            all.addAll(rest);
        }
        return all;
    }
}
