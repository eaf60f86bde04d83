package org.revenant.wire;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.avro.Schema;

/**
 * Every released version of every value schema, as shipped in {@code /org/revenant/schema-history}.
 * A released version never leaves this list: bytes written by it must decode forever.
 */
public final class SchemaHistory {

    static final String INDEX = "/org/revenant/schema-history/INDEX";

    private static final Map<String, List<Schema>> VERSIONS = load();

    private SchemaHistory() {}

    /** The released writer schemas of one record, oldest first (empty if none released yet). */
    public static List<Schema> versionsOf(String fullName) {
        return VERSIONS.getOrDefault(fullName, List.of());
    }

    /** All released versions, by full record name. */
    public static Map<String, List<Schema>> all() {
        return VERSIONS;
    }

    private static Map<String, List<Schema>> load() {
        Map<String, List<Schema>> versions = new TreeMap<>();
        for (String file : read(INDEX).split("\n")) {
            file = file.strip();
            if (file.isEmpty() || file.startsWith("#")) {
                continue;
            }
            Schema schema = new Schema.Parser().parse(read("/org/revenant/schema-history/" + file));
            versions.computeIfAbsent(schema.getFullName(), k -> new ArrayList<>())
                    .add(schema);
        }
        versions.replaceAll((k, v) -> List.copyOf(v));
        return Map.copyOf(versions);
    }

    private static String read(String resource) {
        try (InputStream in = SchemaHistory.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing schema history resource " + resource);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
