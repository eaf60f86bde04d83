package org.revenant.registry;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.Year;
import java.time.YearMonth;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.revenant.avro.RetractedDataset;
import org.revenant.avro.Severity;
import org.revenant.avro.Signature;
import org.revenant.avro.Source;
import org.revenant.registry.YamlTree.Mapping;
import org.revenant.registry.YamlTree.Node;

/**
 * Reads one registry file ({@code registry/<id>.yaml}, format in docs/registry-format.md) into a
 * {@link RetractedDataset}, checking every rule of the format. All problems of the file are
 * reported together, each with the file name and line.
 */
public final class RegistryFile {

    static final List<String> FIELDS = List.of(
            "id",
            "name",
            "aliases",
            "parent",
            "status",
            "retractedOn",
            "retractedBy",
            "reasons",
            "sources",
            "severity",
            "allowedMirrors",
            "signatures",
            "notes");

    private static final Pattern DATE = Pattern.compile("\\d{4}(-\\d{2}(-\\d{2})?)?");

    private RegistryFile() {}

    /** Parses a file; problems name it as given. */
    public static RetractedDataset parse(Path file) {
        String display = file.toString().replace('\\', '/');
        String text;
        try {
            text = YamlTree.readFile(file);
        } catch (IOException e) {
            throw new RegistryException(List.of(new RegistryProblem(display, 0, "cannot read: " + e)));
        } catch (YamlTree.SyntaxError e) {
            throw new RegistryException(List.of(new RegistryProblem(display, e.line, e.getMessage())));
        }
        return parse(display, text);
    }

    /**
     * Parses registry text. {@code displayName} names the file in problems, and its base name
     * (without {@code .yaml}/{@code .yml}) must equal the dataset id.
     */
    public static RetractedDataset parse(String displayName, String yaml) {
        FileChecker check = new FileChecker(displayName);
        Parsed parsed = read(check, yaml);
        if (!check.problems().isEmpty()) {
            throw new RegistryException(check.problems());
        }
        return parsed.dataset();
    }

    /** A parsed file with the lines that cross-file checks point at. */
    record Parsed(String file, RetractedDataset dataset, int idLine, int parentLine) {}

    /** Parses without throwing: problems go to the returned list, the dataset is null if any. */
    static Parsed parseCollecting(String displayName, String yaml, List<RegistryProblem> problems) {
        FileChecker check = new FileChecker(displayName);
        Parsed parsed = read(check, yaml);
        problems.addAll(check.problems());
        return check.problems().isEmpty() ? parsed : null;
    }

    private static Parsed read(FileChecker check, String yaml) {
        Node root;
        try {
            root = YamlTree.read(yaml);
        } catch (YamlTree.SyntaxError e) {
            check.problem(e.line, e.getMessage());
            return null;
        }
        if (root == null) {
            check.problem(0, "file is empty");
            return null;
        }
        Mapping map = check.mapping(root, "the file");
        if (map == null) {
            return null;
        }
        check.onlyKnownFields(map, FIELDS, "");

        String id = check.requiredText(map, "id", "");
        if (id != null) {
            checkId(check, map, id);
        }
        String name = check.requiredText(map, "name", "");
        List<String> aliases = check.textList(map, "aliases");
        String parent = check.optionalText(map, "parent", "");
        problem(check, line(map, "parent"), DatasetRules.parentProblem(parent, id));
        String status = check.requiredText(map, "status", "");
        if (status != null) {
            // A 'parent' field that is present but wrong has its own problem already.
            String parentForStatus = parent == null && map.fields().containsKey("parent") ? "" : parent;
            problem(check, line(map, "status"), DatasetRules.statusProblem(status, parentForStatus));
        }
        String retractedOn = check.optionalText(map, "retractedOn", "");
        problem(check, line(map, "retractedOn"), DatasetRules.retractedOnProblem(retractedOn));
        String retractedBy = check.optionalText(map, "retractedBy", "");
        List<String> reasons = reasons(check, map);
        List<Source> sources = sources(check, map);
        Severity severity = severity(check, map);
        List<String> allowed = check.textList(map, "allowedMirrors");
        for (String key : allowed) {
            problem(check, line(map, "allowedMirrors"), DatasetRules.allowedMirrorProblem(key));
        }
        List<Signature> signatures = signatures(check, map);
        String notes = check.optionalText(map, "notes", "");

        if (!check.problems().isEmpty()) {
            return null;
        }
        RetractedDataset dataset = RetractedDataset.newBuilder()
                .setId(id)
                .setName(name)
                .setAliases(aliases)
                .setParent(parent)
                .setStatus(status)
                .setRetractedOn(retractedOn)
                .setRetractedBy(retractedBy)
                .setReasons(reasons)
                .setSources(sources)
                .setSeverity(severity)
                .setAllowedMirrors(allowed)
                .setSignatures(signatures)
                .setNotes(notes)
                .build();
        return new Parsed(check.file(), dataset, line(map, "id"), line(map, "parent"));
    }

    private static void checkId(FileChecker check, Mapping map, String id) {
        String idProblem = DatasetRules.idProblem(id);
        if (idProblem != null) {
            check.problem(line(map, "id"), idProblem);
            return;
        }
        String base = check.file().substring(check.file().lastIndexOf('/') + 1);
        String stem = base.replaceFirst("\\.ya?ml$", "");
        if (!stem.equals(id)) {
            check.problem(
                    line(map, "id"),
                    "id " + RegistryProblem.quote(id) + " does not match the file name '" + base + "' (expected " + id
                            + ".yaml)");
        }
    }

    static boolean isDate(String text) {
        if (!DATE.matcher(text).matches()) {
            return false;
        }
        try {
            switch (text.length()) {
                case 4 -> Year.parse(text);
                case 7 -> YearMonth.parse(text);
                default -> LocalDate.parse(text);
            }
            return true;
        } catch (DateTimeParseException e) {
            return false;
        }
    }

    private static List<String> reasons(FileChecker check, Mapping map) {
        if (!map.fields().containsKey("reasons")) {
            check.problem(map.line(), "missing required field 'reasons'");
            return List.of();
        }
        List<String> reasons = check.textList(map, "reasons");
        for (String problem : DatasetRules.reasonProblems(reasons)) {
            check.problem(line(map, "reasons"), problem);
        }
        return reasons;
    }

    private static List<Source> sources(FileChecker check, Mapping map) {
        if (!map.fields().containsKey("sources")) {
            check.problem(map.line(), "missing required field 'sources'");
            return List.of();
        }
        List<Node> items = check.list(map, "sources", "");
        if (items == null) {
            return List.of();
        }
        problem(check, line(map, "sources"), DatasetRules.sourceCountProblem(items.size()));
        List<Source> out = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            String p = "source " + (i + 1) + ": ";
            Mapping s = check.mapping(items.get(i), "source " + (i + 1));
            if (s == null || !check.onlyKnownFields(s, List.of("title", "url"), p)) {
                continue;
            }
            String title = check.requiredText(s, "title", p);
            String url = check.requiredText(s, "url", p);
            String urlProblem = url == null ? null : DatasetRules.sourceUrlProblem(url);
            if (urlProblem != null) {
                check.problem(s.line(), p + urlProblem);
            } else if (title != null && url != null) {
                out.add(new Source(title, url));
            }
        }
        return out;
    }

    static boolean isWebUrl(String url) {
        try {
            URI uri = new URI(url);
            return ("https".equals(uri.getScheme()) || "http".equals(uri.getScheme()))
                    && uri.getHost() != null
                    && !uri.getHost().isEmpty();
        } catch (URISyntaxException e) {
            return false;
        }
    }

    private static Severity severity(FileChecker check, Mapping map) {
        String text = check.optionalText(map, "severity", "");
        if (text == null) {
            return null;
        }
        try {
            return Severity.valueOf(text);
        } catch (IllegalArgumentException e) {
            check.problem(
                    line(map, "severity"),
                    "severity " + RegistryProblem.quote(text) + " is not one of: "
                            + Arrays.stream(Severity.values()).map(Enum::name).collect(Collectors.joining(", ")));
            return null;
        }
    }

    private static List<Signature> signatures(FileChecker check, Mapping map) {
        List<Node> items = check.list(map, "signatures", "");
        if (items == null) {
            return List.of();
        }
        SignatureRules rules = new SignatureRules(check);
        Map<String, Integer> seen = new HashMap<>();
        List<Signature> out = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            Signature sig = rules.read(items.get(i), i + 1);
            if (sig == null) {
                continue;
            }
            String repeat = DatasetRules.repeatProblem(seen, SignatureRules.identity(sig), i + 1);
            if (repeat != null) {
                check.problem(items.get(i).line(), "signature " + (i + 1) + " (" + sig.getKind() + "): " + repeat);
            }
            out.add(sig);
        }
        return out;
    }

    private static void problem(FileChecker check, int line, String problem) {
        if (problem != null) {
            check.problem(line, problem);
        }
    }

    private static int line(Mapping map, String key) {
        YamlTree.Field f = map.fields().get(key);
        return f == null ? map.line() : f.keyLine();
    }
}
