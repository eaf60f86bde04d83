package org.revenant.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * How to ask each platform to take a copy down, from {@code registry/reporting/routes.yaml}
 * (shipped in the jar; docs/decisions/018), by the platform part of the mirror key.
 */
final class ReportingRoutes {

    static final String RESOURCE = "/org/revenant/http/evidence/routes.yaml";

    private final Map<String, JsonNode> byPlatform;

    private ReportingRoutes(Map<String, JsonNode> byPlatform) {
        this.byPlatform = Map.copyOf(byPlatform);
    }

    /** The routes shipped with this release. */
    static ReportingRoutes bundled() {
        try (InputStream in = ReportingRoutes.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("missing " + RESOURCE + " (built from registry/reporting/routes.yaml)");
            }
            return parse(new YAMLMapper().readTree(in));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
    }

    static ReportingRoutes parse(JsonNode root) {
        Map<String, JsonNode> routes = new LinkedHashMap<>();
        for (JsonNode route : root.path("routes")) {
            String platform = route.path("platform").asText("");
            if (platform.isEmpty()
                    || !route.hasNonNull("route")
                    || !route.path("sources").isArray()
                    || route.path("sources").isEmpty()) {
                throw new IllegalStateException(
                        "a reporting route needs a platform, a route and its sources: " + route);
            }
            routes.put(platform, route);
        }
        return new ReportingRoutes(routes);
    }

    Optional<JsonNode> forPlatform(String platform) {
        return Optional.ofNullable(byPlatform.get(platform));
    }

    int size() {
        return byPlatform.size();
    }
}
