package org.revenant.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.InputFormat;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import com.networknt.schema.oas.OpenApi31;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpHeaders;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The served OpenAPI document as a contract: which operations it lists, and whether a real answer
 * (status, media type, required headers, JSON body) is one it describes. Bodies are checked by a
 * JSON Schema 2020-12 validator with the OpenAPI 3.1 base dialect and format assertions on, the
 * schemas read in place from the document so their {@code $ref}s resolve as a client's would.
 */
final class OpenApiContract {

    /** Where the document is registered for the validator; never fetched. */
    static final String BASE = "https://revenant.invalid/api/openapi.json";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> METHODS = List.of("get", "post", "put", "patch", "delete");

    private final JsonNode document;
    private final JsonSchemaFactory factory;
    private final SchemaValidatorsConfig config;

    OpenApiContract(String documentText) {
        try {
            this.document = JSON.readTree(documentText);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.factory = JsonSchemaFactory.getInstance(
                SpecVersion.VersionFlag.V202012,
                builder -> builder.metaSchema(OpenApi31.getInstance())
                        .defaultMetaSchemaIri(OpenApi31.getInstance().getIri())
                        .schemaLoaders(loaders -> loaders.schemas(Map.of(BASE, documentText))));
        this.config =
                SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build();
    }

    JsonNode document() {
        return document;
    }

    /** Every operation as {@code METHOD /path/{}} (parameter names dropped, as {@link #normalize} does). */
    Set<String> operations() {
        Set<String> operations = new TreeSet<>();
        document.path("paths").fields().forEachRemaining(path -> {
            for (String method : METHODS) {
                if (path.getValue().has(method)) {
                    operations.add(method.toUpperCase(Locale.ROOT) + " " + normalize(path.getKey()));
                }
            }
        });
        return operations;
    }

    /** A route or documented path with its parameters as {@code {}}: Javalin's {@code <key>} and {@code {id}} alike. */
    static String normalize(String route) {
        return route.replaceAll("\\{[^}]*}|<[^>]*>", "{}");
    }

    /** The names of the component schemas. */
    List<String> componentSchemas() {
        List<String> names = new ArrayList<>();
        document.path("components").path("schemas").fieldNames().forEachRemaining(names::add);
        return names;
    }

    /** The validator of a schema somewhere in the document, by JSON pointer. */
    JsonSchema schemaAt(String pointer) {
        JsonNode node = document.at(pointer);
        if (node.isMissingNode()) {
            throw new AssertionError("the document has nothing at " + pointer);
        }
        // Loaded by location, not as a detached node, so that "#/components/..." means this document.
        JsonSchema schema = factory.getSchema(SchemaLocation.of(BASE + "#" + pointer), config);
        schema.initializeValidators();
        return schema;
    }

    /** What is wrong with {@code json} against the component schema {@code name}; empty when nothing. */
    List<String> check(String name, JsonNode json) {
        return messages(schemaAt("/components/schemas/" + name).validate(json));
    }

    /**
     * What is wrong with a real answer to {@code method template}: an undocumented status or media
     * type, a missing required header, a JSON body its schema rejects. Empty when it is as documented.
     */
    List<String> check(String method, String template, HttpResponse<String> response) {
        return check(method, template, response.statusCode(), response.headers(), response.body());
    }

    /** As {@link #check(String, String, HttpResponse)}; a null body is not read (a stream). */
    List<String> check(String method, String template, int status, HttpHeaders headers, String body) {
        List<String> problems = new ArrayList<>();
        String where = method + " " + template + " " + status;
        String opPointer = "/paths/" + escape(template) + "/" + method.toLowerCase(Locale.ROOT);
        if (document.at(opPointer).isMissingNode()) {
            return List.of(method + " " + template + " is not documented");
        }
        String responsePointer = opPointer + "/responses/" + status;
        JsonNode answer = document.at(responsePointer);
        if (answer.isMissingNode()) {
            return List.of(where + ": status not documented");
        }
        if (answer.has("$ref")) {
            responsePointer = answer.get("$ref").asText().substring(1);
            answer = document.at(responsePointer);
        }
        Iterator<Map.Entry<String, JsonNode>> documented =
                answer.path("headers").fields();
        while (documented.hasNext()) {
            Map.Entry<String, JsonNode> header = documented.next();
            JsonNode spec = header.getValue().has("$ref")
                    ? document.at(header.getValue().get("$ref").asText().substring(1))
                    : header.getValue();
            if (spec.path("required").asBoolean(false)
                    && headers.firstValue(header.getKey()).isEmpty()) {
                problems.add(where + ": no " + header.getKey() + " header");
            }
        }
        String mediaType = headers.firstValue("Content-Type")
                .map(t -> t.split(";")[0].strip().toLowerCase(Locale.ROOT))
                .orElse("");
        if (!answer.path("content").has(mediaType)) {
            problems.add(where + ": media type '" + mediaType + "' not documented");
            return problems;
        }
        if (mediaType.equals("application/json") && body != null) {
            JsonSchema schema = schemaAt(responsePointer + "/content/" + escape(mediaType) + "/schema");
            for (String message : messages(schema.validate(body, InputFormat.JSON))) {
                problems.add(where + ": " + message);
            }
        }
        return problems;
    }

    private static List<String> messages(Set<ValidationMessage> messages) {
        return messages.stream().map(ValidationMessage::toString).sorted().toList();
    }

    /** A JSON pointer token (RFC 6901). */
    static String escape(String token) {
        return token.replace("~", "~0").replace("/", "~1");
    }
}
