package org.revenant.registry;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.revenant.avro.RetractedDataset;
import org.revenant.avro.Signature;
import org.revenant.avro.Source;

/**
 * The rules a registry dataset must satisfy, on the record itself. {@code registry load} applies
 * them while reading YAML (with file and line); a consumer of the registry topic applies them to
 * what it reads, because anyone with write access to the topic can bypass the loader. The rules
 * that need the whole registry (parents that exist, no parent cycles) are not per record and are
 * left to the loader.
 */
public final class DatasetRules {

    static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9-]*");
    static final Pattern MIRROR_KEY = Pattern.compile("[a-z][a-z0-9-]*:\\S+");

    private DatasetRules() {}

    /**
     * Everything wrong with a dataset as a registry record keyed by {@code key}; empty when
     * {@code registry load} would accept it. Never throws, whatever the record holds.
     */
    public static List<String> problems(String key, RetractedDataset dataset) {
        List<String> problems = new ArrayList<>();
        if (dataset == null) {
            problems.add("no dataset");
            return problems;
        }
        String id = dataset.getId();
        add(problems, idProblem(id));
        if (key != null && id != null && !key.equals(id)) {
            problems.add(
                    "record key " + RegistryProblem.quote(key) + " is not the dataset id " + RegistryProblem.quote(id));
        }
        if (blank(dataset.getName())) {
            problems.add("missing required field 'name'");
        }
        for (String alias : nullSafe(dataset.getAliases())) {
            if (blank(alias)) {
                problems.add("aliases must be non-empty text values");
                break;
            }
        }
        add(problems, parentProblem(dataset.getParent(), id));
        add(problems, statusProblem(dataset.getStatus(), dataset.getParent()));
        add(problems, retractedOnProblem(dataset.getRetractedOn()));
        problems.addAll(reasonProblems(nullSafe(dataset.getReasons())));
        List<Source> sources = nullSafe(dataset.getSources());
        add(problems, sourceCountProblem(sources.size()));
        for (Source source : sources) {
            if (source == null || blank(source.getTitle()) || blank(source.getUrl())) {
                problems.add("a source needs a title and a url");
            } else {
                add(problems, sourceUrlProblem(source.getUrl()));
            }
        }
        for (String mirror : nullSafe(dataset.getAllowedMirrors())) {
            add(problems, allowedMirrorProblem(mirror));
        }
        List<Signature> signatures = nullSafe(dataset.getSignatures());
        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < signatures.size(); i++) {
            Signature s = signatures.get(i);
            String p =
                    "signature " + (i + 1) + (s == null || s.getKind() == null ? "" : " (" + s.getKind() + ")") + ": ";
            if (s == null) {
                problems.add(p + "empty");
                continue;
            }
            List<String> own = SignatureRules.problems(s);
            own.forEach(problem -> problems.add(p + problem));
            if (own.isEmpty()) {
                add(problems, repeatProblem(seen, SignatureRules.identity(s), i + 1));
            }
        }
        return problems;
    }

    static String idProblem(String id) {
        if (blank(id)) {
            return "missing required field 'id'";
        }
        return ID.matcher(id).matches()
                ? null
                : "id " + RegistryProblem.quote(id)
                        + " must be lower-case letters, digits and '-', starting with a letter or digit";
    }

    static String parentProblem(String parent, String id) {
        if (parent != null && !ID.matcher(parent).matches()) {
            return "parent " + RegistryProblem.quote(parent) + " is not a dataset id";
        } else if (parent != null && parent.equals(id)) {
            return "a dataset cannot be its own parent";
        }
        return null;
    }

    static String statusProblem(String status, String parent) {
        if (blank(status)) {
            return "missing required field 'status'";
        }
        if (!RegistryVocabulary.STATUSES.contains(status)) {
            return "status " + RegistryProblem.quote(status) + " is not one of: "
                    + String.join(", ", RegistryVocabulary.STATUSES);
        }
        return "derived".equals(status) && parent == null ? "status 'derived' needs a 'parent'" : null;
    }

    static String retractedOnProblem(String retractedOn) {
        return retractedOn != null && !RegistryFile.isDate(retractedOn)
                ? "retractedOn " + RegistryProblem.quote(retractedOn) + " is not a date (YYYY-MM-DD, YYYY-MM or YYYY)"
                : null;
    }

    static List<String> reasonProblems(List<String> reasons) {
        List<String> problems = new ArrayList<>();
        if (reasons.isEmpty()) {
            problems.add("'reasons' must name at least one reason");
        }
        for (String r : reasons) {
            if (!RegistryVocabulary.REASONS.contains(r)) {
                problems.add("reason " + RegistryProblem.quote(r) + " is not one of: "
                        + String.join(", ", RegistryVocabulary.REASONS));
            }
        }
        return problems;
    }

    static String sourceCountProblem(int sources) {
        return sources == 0 ? "'sources' must list at least one source" : null;
    }

    static String sourceUrlProblem(String url) {
        return RegistryFile.isWebUrl(url) ? null : "url " + RegistryProblem.quote(url) + " is not an http(s) URL";
    }

    static String allowedMirrorProblem(String key) {
        return key != null && MIRROR_KEY.matcher(key).matches()
                ? null
                : "allowed mirror " + RegistryProblem.quote(key)
                        + " is not a mirror key '<platform>:<locator>' ('*' matches any text)";
    }

    /** {@code seen} maps signature identities to their 1-based position. */
    static String repeatProblem(Map<String, Integer> seen, String identity, int position) {
        Integer first = seen.putIfAbsent(identity, position);
        return first == null ? null : "repeats signature " + first;
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    private static <T> List<T> nullSafe(List<T> list) {
        return list == null ? List.of() : list;
    }

    private static void add(List<String> problems, String problem) {
        if (problem != null) {
            problems.add(problem);
        }
    }
}
