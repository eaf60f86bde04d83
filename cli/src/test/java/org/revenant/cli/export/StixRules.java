package org.revenant.cli.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * STIX 2.1 rules checked in test code, beside the OASIS schemas ({@link StixSchemas}): the
 * properties each object type requires (STIX 2.1 sections 3, 4 and 5), identifiers
 * {@code <type>--<RFC 4122 UUID>} unique in the bundle, every reference pointing at an object of
 * the bundle and of the right type, {@code modified} not before {@code created}, and patterns of
 * the shapes Revenant writes (a comparison of a file hash or a magnet URL, one hex value).
 */
final class StixRules {

    static final Pattern ID = Pattern.compile(
            "([a-z][a-z0-9-]+)--[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
    static final Pattern TIMESTAMP = Pattern.compile("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?Z");
    static final Pattern PATTERN = Pattern.compile("\\[(file:hashes\\.(MD5|'SHA-1'|'SHA-256') = '[0-9a-f]+'"
            + "|url:value LIKE 'magnet:\\?xt=urn:btih:[0-9a-f]+%')\\]");
    static final Map<String, List<String>> REQUIRED = Map.of(
            "indicator", List.of("name", "pattern", "pattern_type", "valid_from"),
            "grouping", List.of("context", "object_refs"),
            "identity", List.of("name"),
            "sighting", List.of("sighting_of_ref"));

    private StixRules() {}

    static void check(JsonNode bundle) {
        assertEquals("bundle", bundle.path("type").asText());
        assertTrue(ID.matcher(bundle.path("id").asText()).matches(), "bundle id");
        assertTrue(bundle.path("spec_version").isMissingNode(), "a 2.1 bundle has no spec_version");
        Map<String, String> types = new java.util.HashMap<>();
        Set<String> ids = new HashSet<>();
        for (JsonNode o : bundle.path("objects")) {
            String id = o.path("id").asText();
            var m = ID.matcher(id);
            assertTrue(m.matches(), "identifier: " + id);
            assertEquals(o.path("type").asText(), m.group(1), "the id starts with the type");
            assertTrue(ids.add(id), "unique id " + id);
            types.put(id, o.path("type").asText());
        }
        for (JsonNode o : bundle.path("objects")) {
            String type = o.path("type").asText();
            assertEquals("2.1", o.path("spec_version").asText(), type);
            for (String p : List.of("created", "modified")) {
                assertTrue(TIMESTAMP.matcher(o.path(p).asText()).matches(), type + "." + p);
            }
            assertTrue(o.path("modified").asText().compareTo(o.path("created").asText()) >= 0, "modified >= created");
            assertTrue(REQUIRED.containsKey(type), "only the types Revenant writes: " + type);
            for (String p : REQUIRED.get(type)) {
                assertTrue(o.hasNonNull(p), type + " requires " + p);
            }
            if (o.has("created_by_ref")) {
                assertEquals("identity", types.get(o.path("created_by_ref").asText()), "created_by_ref is an identity");
            }
            switch (type) {
                case "indicator" -> {
                    assertEquals("stix", o.path("pattern_type").asText());
                    assertTrue(
                            PATTERN.matcher(o.path("pattern").asText()).matches(),
                            o.path("pattern").asText());
                    assertTrue(TIMESTAMP.matcher(o.path("valid_from").asText()).matches());
                }
                case "grouping" -> {
                    assertTrue(o.path("object_refs").size() > 0);
                    o.path("object_refs").forEach(r -> assertTrue(types.containsKey(r.asText()), "ref " + r));
                }
                case "sighting" -> {
                    String of = types.get(o.path("sighting_of_ref").asText());
                    assertTrue(
                            of != null && !List.of("relationship", "sighting").contains(of),
                            "sighting_of_ref is an SDO");
                    o.path("where_sighted_refs")
                            .forEach(r -> assertEquals("identity", types.get(r.asText()), "where_sighted_refs"));
                    assertTrue(o.path("first_seen")
                                    .asText()
                                    .compareTo(o.path("last_seen").asText())
                            <= 0);
                    int count = o.path("count").asInt(-1);
                    assertTrue(count >= 0 && count <= 999_999_999, "count");
                }
                case "identity" -> assertTrue(o.hasNonNull("identity_class"));
                default -> {}
            }
            for (JsonNode ref : o.path("external_references")) {
                assertTrue(ref.hasNonNull("source_name"), "external_references have a source_name");
            }
        }
    }
}
