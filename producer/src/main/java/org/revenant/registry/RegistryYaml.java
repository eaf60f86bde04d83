package org.revenant.registry;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.revenant.avro.ReferenceFile;
import org.revenant.avro.RetractedDataset;
import org.revenant.avro.Signature;
import org.revenant.avro.Source;

/**
 * Writes a {@link RetractedDataset} back as a registry file, in the layout people write by hand
 * (block fields, one flow mapping per source and signature), so an export can be reviewed and
 * committed as is. {@link RegistryFile#parse} of the output gives back an equal record.
 */
public final class RegistryYaml {

    /** Text that YAML reads back as the same string when written without quotes. */
    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9][A-Za-z0-9 ._/()+-]*");

    private static final Pattern NUMBER_LIKE = Pattern.compile("[-+]?[0-9][0-9_.eE+-]*|0[xXbBoO].*");
    private static final Pattern DATE = Pattern.compile("\\d{4}(-\\d{2}){0,2}");
    private static final Set<String> YAML_WORDS =
            Set.of("y", "n", "yes", "no", "true", "false", "on", "off", "null", "~");

    private RegistryYaml() {}

    public static String write(RetractedDataset d) {
        StringBuilder out = new StringBuilder();
        out.append("# ")
                .append(oneLine(d.getName()))
                .append(": Revenant registry entry (format: docs/registry-format.md)\n");
        field(out, "id", d.getId());
        field(out, "name", d.getName());
        out.append("aliases: ").append(flowList(d.getAliases())).append('\n');
        if (d.getParent() != null) {
            field(out, "parent", d.getParent());
        }
        field(out, "status", d.getStatus());
        if (d.getRetractedOn() != null) {
            field(out, "retractedOn", d.getRetractedOn());
        }
        if (d.getRetractedBy() != null) {
            field(out, "retractedBy", d.getRetractedBy());
        }
        out.append("reasons: ").append(flowList(d.getReasons())).append('\n');
        if (d.getSeverity() != null) {
            field(out, "severity", d.getSeverity().name());
        }
        out.append("sources:\n");
        for (Source s : d.getSources()) {
            out.append("  - {title: ")
                    .append(scalar(s.getTitle()))
                    .append(", url: ")
                    .append(scalar(s.getUrl()))
                    .append("}\n");
        }
        out.append("allowedMirrors: ").append(flowList(d.getAllowedMirrors())).append('\n');
        if (d.getSignatures().isEmpty()) {
            out.append("signatures: []\n");
        } else {
            out.append("signatures:\n");
            for (Signature s : d.getSignatures()) {
                out.append("  - ").append(signature(s)).append('\n');
            }
        }
        if (d.getNotes() != null) {
            field(out, "notes", d.getNotes());
        }
        return out.toString();
    }

    private static String signature(Signature s) {
        StringBuilder b = new StringBuilder("{kind: ").append(s.getKind().name());
        if (s.getValue() != null) {
            b.append(", value: ").append(scalar(s.getValue()));
        }
        if (s.getSize() != null) {
            b.append(", size: ").append(s.getSize());
        }
        if (s.getMinSize() != null) {
            b.append(", minSize: ").append(s.getMinSize());
        }
        if (s.getMaxSize() != null) {
            b.append(", maxSize: ").append(s.getMaxSize());
        }
        if (s.getMinCount() != null) {
            b.append(", minCount: ").append(s.getMinCount());
        }
        if (!s.getFiles().isEmpty()) {
            b.append(", files: [")
                    .append(s.getFiles().stream()
                            .map(RegistryYaml::referenceFile)
                            .collect(Collectors.joining(", ")))
                    .append(']');
        }
        if (s.getWeight() != null) {
            b.append(", weight: ").append(s.getWeight());
        }
        if (!s.getVerified()) {
            b.append(", verified: false");
        }
        if (s.getNote() != null) {
            b.append(", note: ").append(scalar(s.getNote()));
        }
        return b.append('}').toString();
    }

    private static String referenceFile(ReferenceFile f) {
        return "{name: " + scalar(f.getName()) + ", size: " + f.getSize() + "}";
    }

    private static void field(StringBuilder out, String key, String value) {
        out.append(key).append(": ").append(scalar(value)).append('\n');
    }

    private static String flowList(List<String> items) {
        return items.stream().map(RegistryYaml::scalar).collect(Collectors.joining(", ", "[", "]"));
    }

    /** Plain when safe, single-quoted when printable, double-quoted (JSON escapes) otherwise. */
    static String scalar(String text) {
        boolean plain = PLAIN.matcher(text).matches()
                && !text.endsWith(" ")
                && (DATE.matcher(text).matches() || !NUMBER_LIKE.matcher(text).matches())
                && !YAML_WORDS.contains(text.toLowerCase(Locale.ROOT));
        if (plain) {
            return text;
        }
        if (text.chars().noneMatch(c -> c < 0x20 || c == 0x7f)) {
            return "'" + text.replace("'", "''") + "'";
        }
        return "\"" + new String(JsonStringEncoder.getInstance().quoteAsString(text)) + "\"";
    }

    private static String oneLine(String text) {
        return text.replaceAll("\\s+", " ");
    }
}
