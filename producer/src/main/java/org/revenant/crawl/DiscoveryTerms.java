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
 * infohashes. Rebuilt from the registry whenever it changes; {@link #fingerprint()} tells when.
 */
public record DiscoveryTerms(Set<String> names, Set<String> fileNames, Set<String> btihs) {

    private static final Pattern FOLD = Pattern.compile("[\\s._-]+");
    private static final Pattern HEX40 = Pattern.compile("[0-9a-f]{40}");
    /** Names shorter than this make searches that return half the platform. */
    private static final int MIN_NAME_CHARS = 4;

    public DiscoveryTerms {
        names = Set.copyOf(names);
        fileNames = Set.copyOf(fileNames);
        btihs = Set.copyOf(btihs);
    }

    public static DiscoveryTerms empty() {
        return new DiscoveryTerms(Set.of(), Set.of(), Set.of());
    }

    public static DiscoveryTerms from(Collection<RetractedDataset> registry) {
        Set<String> names = new LinkedHashSet<>();
        Set<String> files = new LinkedHashSet<>();
        Set<String> btihs = new LinkedHashSet<>();
        Set<String> seen = new LinkedHashSet<>();
        for (RetractedDataset d : registry) {
            for (String name : concat(d.getName(), d.getAliases())) {
                if (name != null && name.strip().length() >= MIN_NAME_CHARS && seen.add(fold(name))) {
                    names.add(name.strip());
                }
            }
            for (Signature s : d.getSignatures()) {
                String value = s.getValue() == null ? null : s.getValue().strip();
                if (value == null || value.isEmpty()) {
                    continue;
                }
                if (s.getKind() == SignatureKind.FILE_NAME || s.getKind() == SignatureKind.FILE_NAME_SIZE) {
                    files.add(value);
                } else if (s.getKind() == SignatureKind.BTIH
                        && HEX40.matcher(value.toLowerCase(Locale.ROOT)).matches()) {
                    btihs.add(value.toLowerCase(Locale.ROOT));
                }
            }
        }
        return new DiscoveryTerms(names, files, btihs);
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
        return Integer.toHexString((sortedNames() + "|" + sortedFileNames() + "|" + sortedBtihs()).hashCode());
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
