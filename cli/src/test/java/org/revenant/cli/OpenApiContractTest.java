package org.revenant.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.SpecVersion;
import io.swagger.v3.oas.models.parameters.Parameter;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.revenant.avro.SourceHealthEvent;
import org.revenant.avro.SourceHealthEventType;
import org.revenant.testkit.KafkaBroker;
import org.revenant.wire.TopicSetup;
import org.revenant.wire.Topics;

/**
 * {@code GET /api/openapi.json} against the server that serves it (docs/decisions/022): the
 * document is valid OpenAPI 3.1, it lists exactly the routes the server registers, and every
 * endpoint's real answers (successes and errors, against a real broker with alerts that went
 * through a takedown, a removal, a return and a suppression) are the ones it describes.
 */
@Tag("broker")
@Timeout(300)
class OpenApiContractTest {

    @RegisterExtension
    static final KafkaBroker KAFKA = new KafkaBroker();

    static final String TOKEN = "openapi-admin-token-5678";
    static final ObjectMapper JSON = new ObjectMapper();
    static final List<String> SECURITY_HEADERS = List.of(
            "Content-Security-Policy",
            "X-Content-Type-Options",
            "X-Frame-Options",
            "Referrer-Policy",
            "Cross-Origin-Opener-Policy",
            "Cross-Origin-Resource-Policy",
            "Permissions-Policy");

    @TempDir
    static Path dir;

    static String prefix;
    static RunningRevenant revenant;
    static HttpResponse<String> startingHealth;
    static String documentText;
    static OpenApiContract contract;
    /** Took a takedown request, went, came back: most of the optional fields. */
    static String returned;
    /** Open, to be suppressed by the test's decision. */
    static String plain;

    @BeforeAll
    static void start() throws Exception {
        prefix = KafkaBroker.uniquePrefix("openapi") + ".";
        Topics topics = new Topics(prefix);
        TopicSetup.ensure(KAFKA.admin(), topics, 2, (short) 1);
        RunningRevenant.cli(
                KAFKA, prefix, "registry", "load", Path.of("..", "registry").toString());
        revenant = RunningRevenant.start(KAFKA, topics, prefix + "detect", dir.resolve("a"), TOKEN);
        startingHealth = revenant.get("/health"); // most likely STARTING (503): checked with the rest
        revenant.awaitRunning();

        HttpResponse<String> served = revenant.get("/api/openapi.json");
        assertEquals(200, served.statusCode(), served.body());
        documentText = served.body();
        contract = new OpenApiContract(documentText);

        String locator = "contract/returned-" + System.nanoTime();
        returned = "ms-celeb-1m|github:" + locator;
        publish(locator, "PRESENT");
        awaitAlert(returned, a -> a.path("state").asText().equals("OPEN"));
        RunningRevenant.cli(
                KAFKA,
                prefix,
                "decide",
                returned,
                "--takedown-requested",
                "--reference",
                "DMCA #1",
                "--requested-on",
                "2026-12-01");
        awaitAlert(returned, a -> a.hasNonNull("takedownRequestedAt"));
        publish(locator, "GONE");
        awaitAlert(returned, a -> a.path("state").asText().equals("RESOLVED"));
        publish(locator, "PRESENT");
        awaitAlert(returned, a -> a.path("returnedAfterRemoval").asBoolean(false));

        // What a crawler tells when a source goes blind (SourceHealth in the producer).
        try (KafkaProducer<String, SourceHealthEvent> producer = new KafkaProducer<>(
                Map.of("bootstrap.servers", KAFKA.bootstrapServers()),
                new StringSerializer(),
                topics.sourceHealth.valueSerde().serializer())) {
            producer.send(new ProducerRecord<>(
                            topics.sourceHealth.name(),
                            "github",
                            SourceHealthEvent.newBuilder()
                                    .setEventId("github|degraded|1")
                                    .setSource("github")
                                    .setEvent(SourceHealthEventType.SOURCE_DEGRADED)
                                    .setAt(Instant.parse("2026-12-01T10:05:00Z"))
                                    .setFailingSince(Instant.parse("2026-12-01T10:00:00Z"))
                                    .setConsecutiveFailures(5)
                                    .setLastError("HTTP 502 from api.github.com")
                                    .setReportedBy("crawler-contract")
                                    .build()))
                    .get();
        }

        String other = "contract/plain-" + System.nanoTime();
        plain = "ms-celeb-1m|github:" + other;
        publish(other, "PRESENT");
        awaitAlert(plain, a -> true);
    }

    @AfterAll
    static void stop() {
        Stream.of(revenant).filter(Objects::nonNull).forEach(RunningRevenant::close);
    }

    @Test
    void theDocumentIsValidOpenApi31AndEverySchemaCompiles() {
        ParseOptions options = new ParseOptions();
        options.setResolve(true);
        SwaggerParseResult parsed = new OpenAPIV3Parser().readContents(documentText, null, options);
        assertEquals(List.of(), parsed.getMessages(), "the parser's complaints");
        assertEquals(SpecVersion.V31, parsed.getOpenAPI().getSpecVersion());
        assertEquals("3.1.0", parsed.getOpenAPI().getOpenapi());
        assertTrue(
                parsed.getOpenAPI().getComponents().getSecuritySchemes().containsKey("adminToken"),
                "the bearer scheme of the actions");
        // What the parser lets pass: path parameters that match their templates, and answers for each operation.
        Components components = parsed.getOpenAPI().getComponents();
        Set<String> operationIds = new TreeSet<>();
        parsed.getOpenAPI()
                .getPaths()
                .forEach((template, item) -> item.readOperationsMap().forEach((method, operation) -> {
                    String where = method + " " + template;
                    assertTrue(operationIds.add(operation.getOperationId()), where + ": a unique operationId");
                    Set<String> inTemplate = new TreeSet<>();
                    Matcher names = Pattern.compile("\\{([^}]+)}").matcher(template);
                    while (names.find()) {
                        inTemplate.add(names.group(1));
                    }
                    List<Parameter> parameters =
                            operation.getParameters() == null ? List.of() : operation.getParameters();
                    Set<String> declared = new TreeSet<>();
                    for (Parameter maybeRef : parameters) {
                        Parameter parameter = component(maybeRef, maybeRef.get$ref(), components.getParameters());
                        assertTrue(parameter != null, where + ": " + maybeRef.get$ref() + " resolves");
                        assertTrue(
                                Set.of("path", "query", "header").contains(parameter.getIn()),
                                where + ": " + parameter.getName() + " in " + parameter.getIn());
                        if (parameter.getIn().equals("path")) {
                            assertEquals(
                                    Boolean.TRUE, parameter.getRequired(), where + ": path parameters are required");
                            declared.add(parameter.getName());
                        }
                    }
                    assertEquals(inTemplate, declared, where + ": path parameters");
                    assertFalse(operation.getResponses().isEmpty(), where + ": its answers");
                    operation.getResponses().forEach((status, maybeRef) -> {
                        ApiResponse answer = component(maybeRef, maybeRef.get$ref(), components.getResponses());
                        assertTrue(
                                answer != null
                                        && answer.getDescription() != null
                                        && !answer.getDescription().isBlank(),
                                where + " " + status + ": a description");
                    });
                    assertTrue(
                            operation.getResponses().keySet().stream().anyMatch(status -> status.startsWith("2")),
                            where + ": a success");
                }));
        // Every $ref of every schema must resolve: compiling the validator follows them all.
        for (String name : contract.componentSchemas()) {
            contract.schemaAt("/components/schemas/" + name);
        }
    }

    @Test
    void theDocumentListsExactlyTheRoutesTheServerRegisters() {
        Set<String> registered = revenant.http.routes().stream()
                .map(OpenApiContract::normalize)
                .collect(Collectors.toCollection(TreeSet::new));
        assertTrue(registered.contains("GET /api/alerts/{}"), registered.toString());
        assertEquals(registered, contract.operations());
    }

    @Test
    void realAnswersOfEveryEndpointAreTheOnesDocumented() throws Exception {
        Calls calls = new Calls();
        String returnedPath = returned.replace("|", "%7C");
        String returnedMirror = returned.substring(returned.indexOf('|') + 1);

        calls.check("GET", "/health", startingHealth);
        calls.get("/api/openapi.json", "/api/openapi.json", 200);
        JsonNode list = calls.get(
                "/api/alerts",
                "/api/alerts?state=open&severity=confirmed,likely&dataset=MS-CELEB-1M&platform=github&limit=100",
                200);
        assertTrue(list.path("alerts").size() >= 2, list.toString());
        calls.get("/api/alerts", "/api/alerts?limit=0", 400);
        JsonNode alert = calls.get("/api/alerts/{alertKey}", "/api/alerts/" + returnedPath, 200);
        assertTrue(
                alert.has("timeToRemoval") && alert.path("returnedAfterRemoval").asBoolean(), alert.toString());
        calls.get("/api/alerts/{alertKey}", "/api/alerts/no-key-here", 400);
        calls.get("/api/alerts/{alertKey}", "/api/alerts/ms-celeb-1m%7Cgithub:nobody/nothing", 404);

        JsonNode mirror =
                calls.get("/api/mirrors/{mirrorKey}", "/api/mirrors/" + returnedMirror + "?file=data/aligned.tsv", 200);
        assertEquals(91124295076L, mirror.path("file").path("size").asLong(), mirror.toString());
        assertTrue(mirror.path("changes").size() >= 3, mirror.toString());
        calls.get("/api/mirrors/{mirrorKey}", "/api/mirrors/" + returnedMirror + "?file=no/such/file", 200);
        calls.get("/api/mirrors/{mirrorKey}", "/api/mirrors/github:nobody/nothing", 404);

        JsonNode bundle = calls.get("/api/evidence/{alertKey}", "/api/evidence/" + returnedPath, 200);
        assertEquals("GitHub", bundle.path("reportingRoute").path("name").asText(), bundle.toString());
        calls.get("/api/evidence/{alertKey}", "/api/evidence/" + returnedPath + "?format=md", 200);
        calls.get("/api/evidence/{alertKey}", "/api/evidence/" + returnedPath + "?format=html", 200);
        calls.get("/api/evidence/{alertKey}", "/api/evidence/" + returnedPath + "?format=pdf", 400);
        calls.get("/api/evidence/{alertKey}", "/api/evidence/ms-celeb-1m%7Cgithub:nobody/nothing", 404);

        JsonNode events = calls.get("/api/alert-events", "/api/alert-events?dataset=ms-celeb-1m&limit=50", 200);
        assertTrue(
                events.findValuesAsText("event").containsAll(List.of("OPENED", "RESOLVED", "REAPPEARED")),
                events.toString());
        calls.get("/api/alert-events", "/api/alert-events?limit=many", 400);
        calls.get("/feeds/alerts.atom", "/feeds/alerts.atom?dataset=ms-celeb-1m&state=open", 200);
        calls.get("/feeds/alerts.atom", "/feeds/alerts.atom?limit=1001", 400);

        calls.get("/api/datasets", "/api/datasets", 200);
        calls.get("/api/datasets/{id}", "/api/datasets/ms-celeb-1m", 200);
        calls.get("/api/datasets/{id}", "/api/datasets/no-such-dataset", 404);
        calls.get("/api/platforms", "/api/platforms", 200);
        RunningRevenant.await(
                Duration.ofSeconds(30),
                () -> {
                    try {
                        return revenant.get("/api/sources").body().contains("SOURCE_DEGRADED");
                    } catch (IOException | InterruptedException e) {
                        return false;
                    }
                },
                "the degraded source on /api/sources");
        JsonNode sources = calls.get("/api/sources", "/api/sources", 200);
        assertEquals("DEGRADED", sources.path("sources").get(0).path("state").asText(), sources.toString());

        JsonNode census = calls.get("/api/census", "/api/census", 200);
        assertFalse(census.path("platforms").isEmpty(), census.toString());
        calls.get("/api/census", "/api/census?since=2026-11-01&dataset=ms-celeb-1m", 200);
        calls.get("/api/census", "/api/census?since=last-week", 400);

        calls.get("/health", "/health", 200);
        calls.get("/health/live", "/health/live", 200);
        calls.get("/health/ready", "/health/ready", 200);
        calls.get("/metrics", "/metrics", 200);
        calls.get("/vendor/chart.umd.js", "/vendor/chart.umd.js", 200);

        String plainDecision = "{\"alertKey\": \"" + plain
                + "\", \"decision\": \"FALSE_POSITIVE\", \"note\": \"another dataset's files\"}";
        calls.post("/api/decisions", plainDecision, null, 401);
        calls.post("/api/decisions", plainDecision, "Bearer wrong", 401);
        calls.post("/api/decisions", "{\"alertKey\": \"x\", \"decision\": \"CONFIRMED\"}", "Bearer " + TOKEN, 400);
        calls.post(
                "/api/decisions",
                "{\"alertKey\": \"" + plain + "\", \"note\": \"" + "x".repeat(70 * 1024) + "\"}",
                "Bearer " + TOKEN,
                413);
        calls.post("/api/decisions", plainDecision, "Bearer " + TOKEN, 202);
        awaitAlert(plain, a -> a.path("state").asText().equals("SUPPRESSED"));
        JsonNode suppressed = calls.get("/api/alerts/{alertKey}", "/api/alerts/" + plain.replace("|", "%7C"), 200);
        assertEquals("FALSE_POSITIVE", suppressed.path("decision").asText());
        try (RunningRevenant readOnly =
                RunningRevenant.start(KAFKA, new Topics(prefix), prefix + "read-only", dir.resolve("r"), null)) {
            // Still starting, most likely: /health and /health/ready answer 503 then, in the same shapes.
            calls.check("GET", "/health", readOnly.get("/health"));
            calls.check("GET", "/health/ready", readOnly.get("/health/ready"));
            calls.check(
                    "POST", "/api/decisions", readOnly.post("/api/decisions", plainDecision, "Bearer anything"), 403);
        }

        liveFeedEventsAreAlertEvents(calls);

        assertEquals(List.of(), calls.problems, "answers the document does not describe");
        assertEquals(
                contract.operations(),
                calls.exercised,
                "every documented operation is called: an endpoint the test skips is unchecked");
        assertTrue(
                calls.statuses.containsAll(Set.of(200, 202, 400, 401, 403, 404, 413)),
                "successes and each error the API can be made to give: " + calls.statuses);
    }

    /** The SSE feed's {@code data} is an alert event: one published while connected must match AlertEvent. */
    private void liveFeedEventsAreAlertEvents(Calls calls) throws Exception {
        List<String> lines = new CopyOnWriteArrayList<>();
        HttpResponse<Stream<String>> response = RunningRevenant.CLIENT
                .sendAsync(
                        HttpRequest.newBuilder(URI.create(revenant.url("/api/events")))
                                .header("Accept", "text/event-stream")
                                .GET()
                                .build(),
                        HttpResponse.BodyHandlers.ofLines())
                .get(20, TimeUnit.SECONDS);
        assertEquals(200, response.statusCode());
        calls.check("GET", "/api/events", response.statusCode(), response.headers(), null);
        Thread reader = new Thread(() -> {
            try {
                response.body().forEach(lines::add);
            } catch (UncheckedIOException closedByTheTest) {
                // the test closes the stream when it is done
            }
        });
        reader.setDaemon(true);
        reader.start();
        Thread.sleep(1000); // the feed starts from the end of the topic
        String locator = "contract/live-" + System.nanoTime();
        publish(locator, "PRESENT");
        RunningRevenant.await(
                Duration.ofSeconds(60),
                () -> lines.stream().anyMatch(l -> l.startsWith("data:") && l.contains(locator)),
                "the live feed's event");
        String data = lines.stream()
                .filter(l -> l.startsWith("data:") && l.contains(locator))
                .findFirst()
                .orElseThrow()
                .substring("data:".length())
                .strip();
        calls.problems.addAll(contract.check("AlertEvent", JSON.readTree(data)));
        response.body().close();
    }

    @Test
    void answersThatDriftFromTheDocumentFailValidation() throws Exception {
        HttpResponse<String> real = revenant.get("/api/alerts/" + returned.replace("|", "%7C"));
        assertEquals(List.of(), contract.check("GET", "/api/alerts/{alertKey}", real), "the real answer passes");
        ObjectNode alert = (ObjectNode) JSON.readTree(real.body());

        assertInvalid("AlertWithTimeline", alert.deepCopy().without("severity"), "a required field dropped");
        assertInvalid("AlertWithTimeline", alert.deepCopy().without("timeline"), "the one alert's timeline dropped");
        assertInvalid("AlertWithTimeline", alert.deepCopy().put("colour", "red"), "a field the document does not know");
        assertInvalid("AlertWithTimeline", alert.deepCopy().put("state", "ARCHIVED"), "a state outside the enum");
        assertInvalid(
                "AlertWithTimeline", alert.deepCopy().put("lastSeen", "yesterday"), "a time that is not RFC 3339");
        assertInvalid("AlertWithTimeline", alert.deepCopy().put("reappearances", "1"), "a number as a string");
        assertInvalid(
                "AlertWithTimeline",
                alert.deepCopy().without("timeToRemoval"),
                "a takedown without its time to removal");
        assertEquals(List.of(), contract.check("ListedAlert", alert.deepCopy().without("timeline")));
        assertInvalid("ListedAlert", alert, "a listed alert carrying its timeline");
        ObjectNode event = (ObjectNode) alert.path("timeline").get(0).deepCopy();
        assertEquals(List.of(), contract.check("AlertEvent", event));
        assertInvalid("AlertEvent", event.deepCopy().without("eventId"), "an event without its id");
        assertInvalid("AlertEvent", event.deepCopy().put("event", "EXPLODED"), "an event type outside the enum");
        assertEquals(
                List.of(),
                contract.check("AlertEvent", event.deepCopy().put("event", "SUPPRESSION_LAPSED")),
                "the event type being added on main");
        assertEquals(
                List.of(),
                contract.check("Alert", alert.deepCopy().put("suppressedUntil", "2027-01-01T00:00:00Z")),
                "the suppression end being added on main");
        assertInvalid("Alert", alert.deepCopy().put("suppressedUntil", "2027-01-01"), "suppressedUntil is an instant");

        JsonNode error = JSON.readTree(revenant.get("/api/datasets/nope").body());
        assertEquals(List.of(), contract.check("Error", error));
        assertInvalid("Error", ((ObjectNode) error.deepCopy()).without("status"), "an error without its status");

        assertEquals(
                List.of(),
                contract.check(
                        "DecisionRequest",
                        JSON.readTree(
                                "{\"alertKey\": \"a|b:c\", \"decision\": \"ALLOWLISTED\", \"until\": \"2027-01-31\"}")));
        assertInvalid(
                "DecisionRequest",
                JSON.readTree("{\"alertKey\": \"a|b:c\", \"decision\": \"ALLOWLISTED\", \"until\": \"next month\"}"),
                "until is a date or an instant");
    }

    /** {@code item} itself, or the component its {@code $ref} names (null when there is none). */
    private static <T> T component(T item, String ref, Map<String, T> components) {
        return ref == null ? item : components.get(ref.substring(ref.lastIndexOf('/') + 1));
    }

    private static void assertInvalid(String schema, JsonNode json, String why) {
        assertFalse(contract.check(schema, json).isEmpty(), why + " must fail validation: " + json);
    }

    /** The requests of the walk-through, each checked against the document as it is made. */
    private static final class Calls {
        final List<String> problems = new ArrayList<>();
        final Set<String> exercised = new TreeSet<>();
        final Set<Integer> statuses = new TreeSet<>();

        JsonNode get(String template, String path, int expected) throws Exception {
            HttpResponse<String> response = revenant.get(path);
            check("GET", template, response, expected);
            String type = response.headers().firstValue("Content-Type").orElse("");
            return type.startsWith("application/json") ? JSON.readTree(response.body()) : JSON.nullNode();
        }

        void post(String template, String body, String authorization, int expected) throws Exception {
            HttpResponse<String> response = revenant.post(template, body, authorization);
            check("POST", template, response, expected);
            if (expected == 202) {
                problems.addAll(contract.check("DecisionRequest", JSON.readTree(body)));
            }
        }

        void check(String method, String template, HttpResponse<String> response, int expected) {
            assertEquals(expected, response.statusCode(), method + " " + template + ": " + response.body());
            check(method, template, response);
        }

        void check(String method, String template, HttpResponse<String> response) {
            check(method, template, response.statusCode(), response.headers(), response.body());
        }

        void check(String method, String template, int status, HttpHeaders headers, String body) {
            exercised.add(method + " " + OpenApiContract.normalize(template));
            statuses.add(status);
            problems.addAll(contract.check(method, template, status, headers, body));
            for (String header : SECURITY_HEADERS) {
                if (headers.firstValue(header).isEmpty()) {
                    problems.add(method + " " + template + " " + status + ": no " + header);
                }
            }
        }
    }

    private static void publish(String locator, String status) throws Exception {
        RunningRevenant.publishManifest(
                KAFKA, prefix, dir, RunningRevenant.msCelebCopy(locator, status, "faces " + locator, "copy"));
    }

    private static JsonNode awaitAlert(String alertKey, Predicate<JsonNode> condition) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            HttpResponse<String> response = revenant.get("/api/alerts/" + alertKey.replace("|", "%7C"));
            last = response.statusCode() + " " + response.body();
            if (response.statusCode() == 200) {
                JsonNode alert = JSON.readTree(response.body());
                if (condition.test(alert)) {
                    return alert;
                }
            }
            Thread.sleep(200);
        }
        throw new AssertionError("alert " + alertKey + " not as expected within 60 s; last answer: " + last);
    }
}
