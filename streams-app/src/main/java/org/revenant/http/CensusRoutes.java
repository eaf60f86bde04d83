package org.revenant.http;

import static org.revenant.http.HttpReplies.error;
import static org.revenant.http.HttpReplies.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.state.HostInfo;
import org.revenant.detect.DetectConfig;
import org.revenant.detect.census.CensusTally;
import org.revenant.detect.match.Scoring;
import org.revenant.detect.registry.RegistryView;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /api/census}: the census of every dataset and platform (decision 019). The census
 * store is partitioned by census key, so every instance is asked and the answers merged, like the
 * alert list; {@code partial} says one did not answer.
 */
final class CensusRoutes {

    private static final Logger LOG = LoggerFactory.getLogger(CensusRoutes.class);

    private final LocalState local;
    private final ClusterRouter router;
    private final DetectConfig config;
    private final RegistryView registry;

    CensusRoutes(LocalState local, ClusterRouter router, DetectConfig config, RegistryView registry) {
        this.local = local;
        this.router = router;
        this.config = config;
        this.registry = registry;
    }

    void register(Javalin app) {
        app.get("/api/census", this::census);
    }

    private void census(Context ctx) throws Exception {
        String sinceParam = ctx.queryParam("since");
        Instant since;
        try {
            since = sinceParam == null || sinceParam.isBlank()
                    ? null
                    : LocalDate.parse(sinceParam).atStartOfDay(ZoneOffset.UTC).toInstant();
        } catch (DateTimeParseException e) {
            error(ctx, 400, "since must be a date (YYYY-MM-DD)");
            return;
        }
        String dataset = ctx.queryParam("dataset");
        List<JsonNode> found = new ArrayList<>();
        boolean partial = false;
        try {
            local.census(false).forEach(s -> found.add(CensusJson.of(s, since)));
        } catch (LocalState.NotReady rebalancing) {
            partial = true;
            try {
                local.census(true).forEach(s -> found.add(CensusJson.of(s, since)));
            } catch (LocalState.NotReady stillMoving) {
                LOG.debug("no local census while rebalancing: {}", stillMoving.getMessage());
            }
        }
        if (ctx.header(ClusterRouter.FORWARDED) == null) {
            String query = sinceParam == null ? "" : "?since=" + URLEncoder.encode(sinceParam, StandardCharsets.UTF_8);
            for (HostInfo host : router.otherHosts()) {
                try {
                    ClusterRouter.Remote remote = router.get(host, "/api/census" + query);
                    if (remote.status() != 200) {
                        partial = true;
                        continue;
                    }
                    JsonNode body = ApiJson.MAPPER.readTree(remote.body());
                    body.path("datasets").forEach(found::add);
                    body.path("platforms").forEach(found::add);
                } catch (IOException e) {
                    LOG.debug(
                            "instance {}:{} did not answer for the census: {}", host.host(), host.port(), e.toString());
                    partial = true;
                }
            }
        }
        // During a rebalance two instances can both hold a census: the newer wins.
        Map<String, JsonNode> unique = new LinkedHashMap<>();
        for (JsonNode n : found) {
            unique.merge(n.path("key").asText(), n, (a, b) -> newer(a, b));
        }
        List<JsonNode> sorted = new ArrayList<>(unique.values());
        sorted.sort(Comparator.comparing((JsonNode n) -> n.path("name").asText()));
        ObjectNode body = ApiJson.MAPPER.createObjectNode();
        body.put("partial", partial);
        body.put("since", since == null ? null : sinceParam);
        ArrayNode datasets = body.putArray("datasets");
        ArrayNode platforms = body.putArray("platforms");
        for (JsonNode n : sorted) {
            if (dataset != null && !dataset.equals(n.path("name").asText())) {
                continue;
            }
            switch (n.path("scope").asText()) {
                case "DATASET" -> datasets.add(n);
                case "PLATFORM" -> {
                    if (dataset == null) {
                        platforms.add(n);
                    }
                }
                default -> {} // a scope of a newer release: not shown
            }
        }
        body.set("methods", methods());
        body.put("generatedAt", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        json(ctx, 200, body);
    }

    /** What a report's methods paragraph says: what is watched, and the thresholds that decide what counts. */
    private ObjectNode methods() {
        ObjectNode m = ApiJson.MAPPER.createObjectNode();
        m.put("registryDatasets", registry.current().datasets().size());
        ArrayNode platforms = m.putArray("platforms");
        PlatformRoutes.platforms().forEach(platforms::add);
        m.put("alertThreshold", config.alertThreshold());
        m.put("likelyFrom", Scoring.LIKELY);
        m.put("confirmedFrom", Scoring.CONFIRMED);
        m.put("takedownOverdueAfter", config.takedownOverdueAfter().toString());
        m.put("samplesPerMedian", CensusTally.SAMPLE_CAP);
        m.put("weeksKept", CensusTally.WEEK_CAP);
        return m;
    }

    private static JsonNode newer(JsonNode a, JsonNode b) {
        return a.path("updatedAt").asText().compareTo(b.path("updatedAt").asText()) >= 0 ? a : b;
    }
}
