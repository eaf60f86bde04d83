package org.revenant.registry;

import com.fasterxml.jackson.core.JsonToken;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import org.revenant.registry.YamlTree.Field;
import org.revenant.registry.YamlTree.Mapping;
import org.revenant.registry.YamlTree.Node;
import org.revenant.registry.YamlTree.Scalar;
import org.revenant.registry.YamlTree.Sequence;

/**
 * Typed reads from a {@link YamlTree} that record a problem (with the node's line) instead of
 * throwing, so one pass over a file reports everything wrong with it.
 */
final class FileChecker {
    private final String file;
    private final List<RegistryProblem> problems = new ArrayList<>();

    FileChecker(String file) {
        this.file = file;
    }

    String file() {
        return file;
    }

    List<RegistryProblem> problems() {
        return problems;
    }

    void problem(int line, String message) {
        problems.add(new RegistryProblem(file, line, message));
    }

    /** Reports every key of {@code map} outside {@code known}; returns false if there was one. */
    boolean onlyKnownFields(Mapping map, Collection<String> known, String prefix) {
        boolean ok = true;
        for (Field f : map.fields().values()) {
            if (!known.contains(f.key())) {
                problem(
                        f.keyLine(),
                        prefix + "unknown field " + RegistryProblem.quote(f.key()) + "; known fields: "
                                + String.join(", ", known));
                ok = false;
            }
        }
        return ok;
    }

    Mapping mapping(Node node, String what) {
        if (node instanceof Mapping m) {
            return m;
        }
        problem(node.line(), what + " must be a mapping of fields");
        return null;
    }

    /** The text of a required scalar field, or null (after recording why). */
    String requiredText(Mapping map, String key, String prefix) {
        Field f = map.fields().get(key);
        if (f == null) {
            problem(map.line(), prefix + "missing required field " + RegistryProblem.quote(key));
            return null;
        }
        return text(f, prefix);
    }

    /** The text of an optional scalar field; null when absent or wrong. */
    String optionalText(Mapping map, String key, String prefix) {
        Field f = map.fields().get(key);
        return f == null ? null : text(f, prefix);
    }

    private String text(Field f, String prefix) {
        if (f.value() instanceof Scalar s && s.text() != null && !s.text().isBlank()) {
            return s.text().strip();
        }
        problem(f.keyLine(), prefix + RegistryProblem.quote(f.key()) + " must be a non-empty text value");
        return null;
    }

    /** A whole number, or null when absent or wrong. */
    Long optionalLong(Mapping map, String key, String prefix) {
        Field f = map.fields().get(key);
        if (f == null) {
            return null;
        }
        if (f.value() instanceof Scalar s && s.token() == JsonToken.VALUE_NUMBER_INT) {
            try {
                return Long.parseLong(s.text().replace("_", ""));
            } catch (NumberFormatException e) {
                // falls through to the problem below
            }
        }
        problem(f.keyLine(), prefix + RegistryProblem.quote(key) + " must be a whole number");
        return null;
    }

    Double optionalDouble(Mapping map, String key, String prefix) {
        Field f = map.fields().get(key);
        if (f == null) {
            return null;
        }
        if (f.value() instanceof Scalar s
                && (s.token() == JsonToken.VALUE_NUMBER_INT || s.token() == JsonToken.VALUE_NUMBER_FLOAT)) {
            try {
                return Double.parseDouble(s.text().replace("_", ""));
            } catch (NumberFormatException e) {
                // falls through to the problem below
            }
        }
        problem(f.keyLine(), prefix + RegistryProblem.quote(key) + " must be a number");
        return null;
    }

    Boolean optionalBoolean(Mapping map, String key, String prefix) {
        Field f = map.fields().get(key);
        if (f == null) {
            return null;
        }
        if (f.value() instanceof Scalar s
                && (s.token() == JsonToken.VALUE_TRUE || s.token() == JsonToken.VALUE_FALSE)) {
            return s.token() == JsonToken.VALUE_TRUE;
        }
        problem(f.keyLine(), prefix + RegistryProblem.quote(key) + " must be true or false");
        return null;
    }

    /** The items of a list field; empty when absent, null when the field is not a list. */
    List<Node> list(Mapping map, String key, String prefix) {
        Field f = map.fields().get(key);
        if (f == null) {
            return List.of();
        }
        if (f.value() instanceof Sequence seq) {
            return seq.items();
        }
        problem(f.keyLine(), prefix + RegistryProblem.quote(key) + " must be a list");
        return null;
    }

    /** A list of non-empty text items; problems name the item by its 1-based position. */
    List<String> textList(Mapping map, String key) {
        List<Node> items = list(map, key, "");
        if (items == null) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            Node item = items.get(i);
            if (item instanceof Scalar s && s.text() != null && !s.text().isBlank()) {
                out.add(s.text().strip());
            } else {
                problem(item.line(), key + " item " + (i + 1) + " must be a non-empty text value");
            }
        }
        return out;
    }

    static Set<String> fieldNames(Mapping map) {
        return map.fields().keySet();
    }
}
