package org.revenant.wire;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;

/** Records with every field set, built from a schema alone, for compatibility tests. */
final class Samples {

    private Samples() {}

    /** A datum of the schema: unions take their first non-null branch, collections hold one item. */
    static Object of(Schema schema, Function<Schema, String> enumSymbol) {
        return switch (schema.getType()) {
            case RECORD -> {
                GenericData.Record record = new GenericData.Record(schema);
                for (Schema.Field field : schema.getFields()) {
                    record.put(field.pos(), of(field.schema(), enumSymbol));
                }
                yield record;
            }
            case UNION ->
                of(
                        schema.getTypes().stream()
                                .filter(s -> s.getType() != Schema.Type.NULL)
                                .findFirst()
                                .orElse(schema.getTypes().get(0)),
                        enumSymbol);
            case ARRAY -> new GenericData.Array<>(schema, List.of(of(schema.getElementType(), enumSymbol)));
            case MAP -> Map.of("k", of(schema.getValueType(), enumSymbol));
            case ENUM -> new GenericData.EnumSymbol(schema, enumSymbol.apply(schema));
            case FIXED -> new GenericData.Fixed(schema, new byte[schema.getFixedSize()]);
            case STRING -> "s";
            case BYTES -> ByteBuffer.wrap(new byte[] {1, 2});
            case INT -> 7;
            case LONG -> 1_700_000_000_000L;
            case FLOAT -> 0.5f;
            case DOUBLE -> 0.25;
            case BOOLEAN -> true;
            case NULL -> null;
        };
    }

    /** Every enum reachable from the schema, once each. */
    static List<Schema> enums(Schema schema) {
        Map<String, Schema> found = new LinkedHashMap<>();
        collect(schema, found, new LinkedHashSet<>());
        return new ArrayList<>(found.values());
    }

    private static void collect(Schema schema, Map<String, Schema> found, Set<String> seen) {
        switch (schema.getType()) {
            case RECORD -> {
                if (seen.add(schema.getFullName())) {
                    schema.getFields().forEach(f -> collect(f.schema(), found, seen));
                }
            }
            case UNION -> schema.getTypes().forEach(s -> collect(s, found, seen));
            case ARRAY -> collect(schema.getElementType(), found, seen);
            case MAP -> collect(schema.getValueType(), found, seen);
            case ENUM -> found.putIfAbsent(schema.getFullName(), schema);
            default -> {}
        }
    }

    /** The schema text with a symbol appended to each named enum (where it is defined). */
    static String withSymbol(String schemaJson, List<String> enumNames, String symbol) {
        try {
            ObjectMapper mapper = new ObjectMapper();
            JsonNode root = mapper.readTree(schemaJson);
            addSymbol(root, enumNames, symbol);
            return mapper.writeValueAsString(root);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The writer's schema text where each enum that the reader has without a default keeps only the
     * symbols the reader knows: the records such a reader can take at all.
     */
    static String onlySymbolsKnownTo(String writerJson, Schema reader) {
        Map<String, Schema> readerEnums = new LinkedHashMap<>();
        enums(reader).forEach(e -> readerEnums.put(e.getFullName(), e));
        try {
            ObjectMapper mapper = new ObjectMapper();
            JsonNode root = mapper.readTree(writerJson);
            restrict(root, readerEnums, "");
            return mapper.writeValueAsString(root);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void restrict(JsonNode node, Map<String, Schema> readerEnums, String namespace) {
        if (node instanceof ObjectNode object) {
            String ns = object.path("namespace").asText(namespace);
            if ("enum".equals(object.path("type").asText())) {
                String name = object.path("name").asText();
                Schema known = readerEnums.get(name.contains(".") ? name : ns + "." + name);
                if (known != null && known.getEnumDefault() == null) {
                    ArrayNode symbols = (ArrayNode) object.get("symbols");
                    for (int i = symbols.size() - 1; i >= 0; i--) {
                        if (!known.getEnumSymbols().contains(symbols.get(i).asText())) {
                            symbols.remove(i);
                        }
                    }
                }
            }
            object.forEach(child -> restrict(child, readerEnums, ns));
        } else if (node instanceof ArrayNode array) {
            array.forEach(child -> restrict(child, readerEnums, namespace));
        }
    }

    /** The schema text without a symbol (and without the enum default that names it). */
    static String withoutSymbol(String schemaJson, String symbol) {
        try {
            ObjectMapper mapper = new ObjectMapper();
            JsonNode root = mapper.readTree(schemaJson);
            removeSymbol(root, symbol);
            return mapper.writeValueAsString(root);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void removeSymbol(JsonNode node, String symbol) {
        if (node instanceof ObjectNode object) {
            if ("enum".equals(object.path("type").asText())) {
                ArrayNode symbols = (ArrayNode) object.get("symbols");
                for (int i = symbols.size() - 1; i >= 0; i--) {
                    if (symbols.get(i).asText().equals(symbol)) {
                        symbols.remove(i);
                    }
                }
                if (symbol.equals(object.path("default").asText(null))) {
                    object.remove("default");
                }
            }
            object.forEach(child -> removeSymbol(child, symbol));
        } else if (node instanceof ArrayNode array) {
            array.forEach(child -> removeSymbol(child, symbol));
        }
    }

    private static void addSymbol(JsonNode node, List<String> enumNames, String symbol) {
        if (node instanceof ObjectNode object) {
            if ("enum".equals(object.path("type").asText())
                    && enumNames.contains(object.path("name").asText())) {
                ((ArrayNode) object.get("symbols")).add(symbol);
            }
            object.forEach(child -> addSymbol(child, enumNames, symbol));
        } else if (node instanceof ArrayNode array) {
            array.forEach(child -> addSymbol(child, enumNames, symbol));
        }
    }
}
