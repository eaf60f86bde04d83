package org.revenant.registry;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;

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
    public record Scalar(String text, JsonToken token, int line) implements Node {}

    public record Sequence(List<Node> items, int line) implements Node {}

    /** A field of a mapping: the key's line is where "unknown field" errors point. */
    public record Field(String key, int keyLine, Node value) {}

    public record Mapping(Map<String, Field> fields, int line) implements Node {}

    /** Thrown for YAML the parser cannot read, or duplicate keys; carries the line. */
    public static final class SyntaxError extends Exception {
        private static final long serialVersionUID = 1L;
        public final int line;

        SyntaxError(int line, String message) {
            super(message);
            this.line = line;
        }
    }

    /**
     * Registry files and the crawler configuration are a few kilobytes; these caps leave room for
     * far larger ones while keeping a hostile file cheap to refuse. The YAML scanner slows down
     * more than linearly on very long lines (seconds for a megabyte on one line), hence the cap on
     * lines as well as on the whole file.
     */
    public static final int MAX_CHARS = 1 << 20;

    public static final int MAX_LINE_CHARS = 1 << 16;
    /** The registry needs five levels (file, signatures, signature, files, file). */
    public static final int MAX_DEPTH = 32;

    private static final YAMLFactory FACTORY = YAMLFactory.builder()
            .loaderOptions(loaderOptions())
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(MAX_DEPTH)
                    .maxStringLength(MAX_CHARS)
                    .maxNameLength(MAX_LINE_CHARS)
                    .build())
            .build();

    private YamlTree() {}

    /** Longest piece of a file's text that an error repeats; the rest is elided. */
    public static final int MAX_QUOTED_CHARS = 120;

    private static final char LINE_SEPARATOR = 0x2028;
    private static final char PARAGRAPH_SEPARATOR = 0x2029;

    /** A value from a file as an error quotes it: in single quotes, shortened, on one line. */
    public static String quote(String value) {
        String shown = value;
        if (value.length() > MAX_QUOTED_CHARS) {
            int cut = Character.isHighSurrogate(value.charAt(MAX_QUOTED_CHARS - 1))
                    ? MAX_QUOTED_CHARS - 1
                    : MAX_QUOTED_CHARS;
            shown = value.substring(0, cut) + "…(" + value.length() + " characters)";
        }
        return "'" + printable(shown) + "'";
    }

    /** Text from a file as it may appear in an error: control characters and line separators escaped. */
    public static String printable(String text) {
        if (text == null) {
            return null;
        }
        StringBuilder out = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean escape = Character.isISOControl(c) || c == LINE_SEPARATOR || c == PARAGRAPH_SEPARATOR;
            if (escape && out == null) {
                out = new StringBuilder(text.length() + 16).append(text, 0, i);
            }
            if (escape) {
                out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
            } else if (out != null) {
                out.append(c);
            }
        }
        return out == null ? text : out.toString();
    }

    private static LoaderOptions loaderOptions() {
        LoaderOptions options = new LoaderOptions();
        options.setCodePointLimit(MAX_CHARS + 1);
        options.setMaxAliasesForCollections(0);
        options.setNestingDepthLimit(MAX_DEPTH);
        options.setAllowRecursiveKeys(false);
        return options;
    }

    /**
     * Reads a file as UTF-8 text, refusing one larger than {@link #read} accepts before reading it,
     * so a stray multi-gigabyte file costs nothing.
     */
    public static String readFile(Path file) throws IOException, SyntaxError {
        long bytes = Files.size(file);
        // UTF-8 takes at most 4 bytes a character; a file under that bound is read and counted exactly.
        if (bytes > 4L * MAX_CHARS) {
            throw new SyntaxError(0, "the file is " + bytes + " bytes, more than " + MAX_CHARS + " characters");
        }
        return Files.readString(file, StandardCharsets.UTF_8);
    }

    /** Reads one document; returns null for an empty document. */
    public static Node read(String text) throws SyntaxError {
        checkSize(text);
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

    private static void checkSize(String text) throws SyntaxError {
        if (text.length() > MAX_CHARS) {
            throw new SyntaxError(
                    0, "the file has " + text.length() + " characters, more than " + MAX_CHARS + " characters");
        }
        int line = 1;
        int lineStart = 0;
        for (int i = 0; i <= text.length(); i++) {
            if (i == text.length() || text.charAt(i) == '\n') {
                if (i - lineStart > MAX_LINE_CHARS) {
                    throw new SyntaxError(line, "the line is longer than " + MAX_LINE_CHARS + " characters");
                }
                line++;
                lineStart = i + 1;
            }
        }
    }

    private static Node readNode(JsonParser parser) throws IOException, SyntaxError {
        int line = line(parser);
        JsonToken token = parser.currentToken();
        if (parser instanceof YAMLParser yaml && yaml.isCurrentAlias()) {
            // Jackson would hand back the anchor's name as if it were the value.
            throw new SyntaxError(
                    line,
                    "aliases (*" + quote(yaml.getText()).replace("'", "") + ") are not supported; write the value out");
        }
        switch (token) {
            case START_OBJECT: {
                Map<String, Field> fields = new LinkedHashMap<>();
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    String key = parser.currentName();
                    int keyLine = line(parser);
                    parser.nextToken();
                    Node value = readNode(parser);
                    if (fields.containsKey(key)) {
                        throw new SyntaxError(keyLine, "field " + quote(key) + " appears twice");
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
