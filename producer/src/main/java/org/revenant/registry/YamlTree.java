package org.revenant.registry;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A YAML document read into a small tree that remembers the line of every node. Jackson's own
 * {@code JsonNode} forgets locations, and a registry error without a line number is a guessing game.
 * The crawler configuration reads its file with it too.
 */
public final class YamlTree {

    public sealed interface Node permits Scalar, Sequence, Mapping {
        int line();
    }

    /** A scalar; {@code token} tells how YAML typed it (string, int, float, boolean, null). */
    public record Scalar(String text, JsonToken token, int line) implements Node { }

    public record Sequence(List<Node> items, int line) implements Node { }

    /** A field of a mapping: the key's line is where "unknown field" errors point. */
    public record Field(String key, int keyLine, Node value) { }

    public record Mapping(Map<String, Field> fields, int line) implements Node { }

    /** Thrown for YAML the parser cannot read, or duplicate keys; carries the line. */
    public static final class SyntaxError extends Exception {
        private static final long serialVersionUID = 1L;
        public final int line;

        SyntaxError(int line, String message) {
            super(message);
            this.line = line;
        }
    }

    private static final YAMLFactory FACTORY = new YAMLFactory();

    private YamlTree() { }

    /** Reads one document; returns null for an empty document. */
    public static Node read(String text) throws SyntaxError {
        try (JsonParser parser = FACTORY.createParser(text)) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                return null;
            }
            Node root = readNode(parser);
            if (parser.nextToken() != null) {
                throw new SyntaxError(line(parser), "only one YAML document is allowed per file");
            }
            return root;
        } catch (JsonProcessingException e) {
            JsonLocation where = e.getLocation();
            int line = where == null ? 0 : where.getLineNr();
            throw new SyntaxError(line, "not valid YAML: " + firstLine(e.getOriginalMessage()));
        } catch (IOException e) {
            throw new SyntaxError(0, "cannot read: " + e.getMessage());
        }
    }

    private static Node readNode(JsonParser parser) throws IOException, SyntaxError {
        int line = line(parser);
        JsonToken token = parser.currentToken();
        switch (token) {
            case START_OBJECT: {
                Map<String, Field> fields = new LinkedHashMap<>();
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    String key = parser.currentName();
                    int keyLine = line(parser);
                    parser.nextToken();
                    Node value = readNode(parser);
                    if (fields.containsKey(key)) {
                        throw new SyntaxError(keyLine, "field " + RegistryProblem.quote(key) + " appears twice");
                    }
                    fields.put(key, new Field(key, keyLine, value));
                }
                return new Mapping(fields, line);
            }
            case START_ARRAY: {
                List<Node> items = new ArrayList<>();
                while (parser.nextToken() != JsonToken.END_ARRAY) {
                    items.add(readNode(parser));
                }
                return new Sequence(items, line);
            }
            default:
                return new Scalar(token == JsonToken.VALUE_NULL ? null : parser.getText(), token, line);
        }
    }

    private static int line(JsonParser parser) {
        return parser.currentTokenLocation().getLineNr();
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unreadable";
        }
        String trimmed = message.strip();
        int newline = trimmed.indexOf('\n');
        return newline < 0 ? trimmed : trimmed.substring(0, newline).strip();
    }
}
