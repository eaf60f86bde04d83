package org.revenant.http;

import static org.revenant.http.HttpReplies.error;
import static org.revenant.http.HttpReplies.json;
import static org.revenant.http.HttpReplies.pathSegment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.apache.kafka.streams.state.HostInfo;
import org.revenant.avro.AlertState;
import org.revenant.detect.registry.RegistryView;
import org.revenant.detect.state.AlertKey;
import org.revenant.wire.AlertJson;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The alert and mirror API. Any instance answers for all: lists gather every instance's alerts
 * (flagged partial when one does not answer), and a single alert or mirror is forwarded to the
 * instance that holds its partition (architecture section 10).
 */
final class AlertRoutes {

    private static final Logger LOG = LoggerFactory.getLogger(AlertRoutes.class);
    static final List<String> FILTERS = List.of("state", "severity", "dataset", "platform");
    private static final int DEFAULT_LIMIT = 500;
    private static final int MAX_LIMIT = 5000;
    private static final int MIRROR_FILES = 200;
    private static final Duration UNREACHABLE_LOG_INTERVAL = Duration.ofMinutes(1);
    private static final Comparator<JsonNode> NEWEST_FIRST = Comparator.comparing(
                    (JsonNode n) -> n.path("lastSeen").asText())
            .reversed()
            .thenComparing(n -> n.path("alertKey").asText());

    private final Map<String, Long> unreachableWarned = new ConcurrentHashMap<>();
    private final LocalState local;
    private final ClusterRouter router;
    private final RegistryView registry;
    private final ReportingRoutes reporting;

    AlertRoutes(LocalState local, ClusterRouter router, RegistryView registry, ReportingRoutes reporting) {
        this.local = local;
        this.router = router;
        this.registry = registry;
        this.reporting = reporting;
    }

    void register(Javalin app) {
        app.get("/api/alerts", this::listAlerts);
        app.get("/api/alerts/<key>", this::oneAlert);
        app.get("/api/mirrors/<key>", this::oneMirror);
        app.get("/api/evidence/<key>", this::evidence);
    }

    /**
     * The evidence bundle of one alert (docs/decisions/018): {@code ?format=json} (default),
     * {@code md} or {@code html}. The owner of the mirror builds the JSON; this instance renders it.
     */
    private void evidence(Context ctx) throws Exception {
        String alertKey = ctx.pathParam("key");
        AlertKey key = AlertKey.parse(alertKey)
                .orElseThrow(
                        () -> new IllegalArgumentException("an alert key is <datasetId>|<mirrorKey>: " + alertKey));
        String format = ctx.queryParam("format") == null ? "json" : ctx.queryParam("format");
        if (!List.of("json", "md", "html").contains(format)) {
            throw new IllegalArgumentException("format is json, md or html");
        }
        JsonNode bundle;
        ClusterRouter.Owner owner =
                ctx.header(ClusterRouter.FORWARDED) != null ? null : router.ownerOfMirror(key.mirrorKey());
        if (owner instanceof ClusterRouter.Unknown) {
            throw new LocalState.NotReady(
                    "the partition of " + key.mirrorKey() + " has no active instance right now", null);
        }
        if (owner instanceof ClusterRouter.There there) {
            ClusterRouter.Remote remote;
            try {
                remote = router.get(there.host(), "/api/evidence/" + pathSegment(alertKey));
            } catch (IOException e) {
                warnUnreachable(there.host(), e);
                ctx.header("Retry-After", "1");
                error(ctx, 503, "the instance that holds this mirror did not answer; try again shortly");
                return;
            }
            if (remote.status() != 200) {
                ctx.status(remote.status()).contentType("application/json").result(remote.body());
                return;
            }
            bundle = ApiJson.MAPPER.readTree(remote.body());
        } else {
            AlertState state = local.alert(key.mirrorKey(), key.datasetId()).orElse(null);
            if (state == null) {
                error(ctx, 404, "no alert " + alertKey);
                return;
            }
            bundle = EvidenceBundle.build(
                    state,
                    local.timeline(key.mirrorKey(), key.datasetId()),
                    registry.current().dataset(key.datasetId()),
                    local.mirror(key.mirrorKey()),
                    path -> local.file(key.mirrorKey(), path),
                    reporting.forPlatform(state.getPlatform()),
                    Instant.now());
        }
        switch (format) {
            case "md" -> ctx.contentType("text/markdown; charset=utf-8").result(EvidenceBundle.markdown(bundle));
            case "html" -> ctx.contentType("text/html; charset=utf-8").result(EvidenceBundle.html(bundle));
            default -> json(ctx, 200, bundle);
        }
    }

    private void listAlerts(Context ctx) throws Exception {
        Predicate<AlertState> filter = alertFilter(ctx);
        int limit = HttpReplies.limit(ctx, DEFAULT_LIMIT, MAX_LIMIT);
        List<JsonNode> alerts = new ArrayList<>();
        boolean partial = false;
        try {
            local.alerts(filter, false).forEach(a -> alerts.add(ApiJson.alert(a)));
        } catch (LocalState.NotReady rebalancing) {
            // Partitions are moving (an instance joined or died): answer with what this instance
            // still holds, flagged partial, rather than refuse while the list is being rebuilt.
            partial = true;
            try {
                local.alerts(filter, true).forEach(a -> alerts.add(ApiJson.alert(a)));
            } catch (LocalState.NotReady stillMoving) {
                LOG.debug("no local alerts while rebalancing: {}", stillMoving.getMessage());
            }
        }
        if (ctx.header(ClusterRouter.FORWARDED) == null) {
            for (HostInfo host : router.otherHosts()) {
                try {
                    ClusterRouter.Remote remote =
                            router.get(host, "/api/alerts?" + forwardedFilters(ctx) + "limit=" + MAX_LIMIT);
                    if (remote.status() != 200) {
                        partial = true;
                        continue;
                    }
                    ApiJson.MAPPER.readTree(remote.body()).path("alerts").forEach(alerts::add);
                } catch (IOException e) {
                    warnUnreachable(host, e);
                    partial = true;
                }
            }
        }
        // During a rebalance a stale local read and another instance can both hold an alert.
        List<JsonNode> unique = new ArrayList<>(alerts.stream()
                .collect(Collectors.toMap(
                        n -> n.path("alertKey").asText(), n -> n, AlertRoutes::newer, LinkedHashMap::new))
                .values());
        unique.sort(NEWEST_FIRST);
        ObjectNode body = ApiJson.MAPPER.createObjectNode();
        body.put("total", unique.size());
        body.put("partial", partial);
        ArrayNode array = body.putArray("alerts");
        unique.stream().limit(limit).forEach(array::add);
        json(ctx, 200, body);
    }

    /** Logs an unreachable instance once a minute, not on every request the dashboard makes. */
    private void warnUnreachable(HostInfo host, IOException e) {
        long now = System.nanoTime();
        String key = host.host() + ":" + host.port();
        Long last = unreachableWarned.get(key);
        if (last == null || now - last > UNREACHABLE_LOG_INTERVAL.toNanos()) {
            unreachableWarned.put(key, now);
            LOG.warn(
                    "instance {} did not answer for alerts ({}); lists are partial until it is back or its partitions move",
                    key,
                    e.toString());
        }
    }

    private static JsonNode newer(JsonNode a, JsonNode b) {
        return NEWEST_FIRST.compare(a, b) <= 0 ? a : b;
    }

    private void oneAlert(Context ctx) throws Exception {
        String alertKey = ctx.pathParam("key");
        AlertKey key = AlertKey.parse(alertKey)
                .orElseThrow(
                        () -> new IllegalArgumentException("an alert key is <datasetId>|<mirrorKey>: " + alertKey));
        String datasetId = key.datasetId();
        String mirrorKey = key.mirrorKey();
        if (forwarded(ctx, mirrorKey, "/api/alerts/" + pathSegment(alertKey))) {
            return;
        }
        AlertState state = local.alert(mirrorKey, datasetId).orElse(null);
        if (state == null) {
            error(ctx, 404, "no alert " + alertKey);
            return;
        }
        ObjectNode node = ApiJson.alert(state);
        ArrayNode timeline = node.putArray("timeline");
        local.timeline(mirrorKey, datasetId).forEach(e -> timeline.add(AlertJson.toNode(e)));
        json(ctx, 200, node);
    }

    private void oneMirror(Context ctx) throws Exception {
        String mirrorKey = ctx.pathParam("key");
        String file = ctx.queryParam("file");
        String query = file == null ? "" : "?file=" + URLEncoder.encode(file, StandardCharsets.UTF_8);
        if (forwarded(ctx, mirrorKey, "/api/mirrors/" + pathSegment(mirrorKey) + query)) {
            return;
        }
        var record = local.mirror(mirrorKey);
        var changes = local.changes(mirrorKey);
        if (record.isEmpty() && changes.isEmpty()) {
            error(ctx, 404, "no mirror " + mirrorKey);
            return;
        }
        ObjectNode node = record.map(ApiJson::mirror)
                .orElseGet(() -> ApiJson.MAPPER.createObjectNode().put("mirrorKey", mirrorKey));
        if (file != null) {
            local.file(mirrorKey, file)
                    .ifPresentOrElse(e -> node.set("file", ApiJson.entry(e)), () -> node.putNull("file"));
        }
        ArrayNode files = node.putArray("files");
        local.files(mirrorKey, MIRROR_FILES).forEach(e -> files.add(ApiJson.entry(e)));
        ArrayNode alerts = node.putArray("alerts");
        local.alertsOfMirror(mirrorKey).forEach(a -> alerts.add(ApiJson.alert(a)));
        ArrayNode history = node.putArray("changes");
        changes.forEach(c -> history.add(ApiJson.change(c)));
        json(ctx, 200, node);
    }

    /** Answers from the owner of the mirror when it is another instance; true when the answer was sent. */
    private boolean forwarded(Context ctx, String mirrorKey, String pathAndQuery) throws Exception {
        if (ctx.header(ClusterRouter.FORWARDED) != null) {
            return false;
        }
        ClusterRouter.Owner owner = router.ownerOfMirror(mirrorKey);
        if (owner instanceof ClusterRouter.Unknown) {
            throw new LocalState.NotReady("the partition of " + mirrorKey + " has no active instance right now", null);
        }
        if (owner instanceof ClusterRouter.There there) {
            try {
                ClusterRouter.Remote remote = router.get(there.host(), pathAndQuery);
                ctx.status(remote.status()).contentType("application/json").result(remote.body());
            } catch (IOException e) {
                // The peer's address is logged, never answered: it is internal.
                warnUnreachable(there.host(), e);
                ctx.header("Retry-After", "1");
                error(ctx, 503, "the instance that holds this mirror did not answer; try again shortly");
            }
            return true;
        }
        return false;
    }

    /** The list filters of a request as one predicate. */
    static Predicate<AlertState> alertFilter(Context ctx) {
        Set<String> states = values(ctx, "state");
        Set<String> severities = values(ctx, "severity");
        Set<String> datasets = values(ctx, "dataset");
        Set<String> platforms = values(ctx, "platform");
        return a -> (states.isEmpty() || states.contains(a.getStatus().name().toLowerCase(Locale.ROOT)))
                && (severities.isEmpty()
                        || severities.contains(a.getSeverity().name().toLowerCase(Locale.ROOT)))
                && (datasets.isEmpty() || datasets.contains(a.getDatasetId().toLowerCase(Locale.ROOT)))
                && (platforms.isEmpty() || platforms.contains(a.getPlatform().toLowerCase(Locale.ROOT)));
    }

    /** A filter's values, repeated or comma-separated, case-insensitive. */
    static Set<String> values(Context ctx, String name) {
        return ctx.queryParams(name).stream()
                .flatMap(v -> Arrays.stream(v.split(",")))
                .map(v -> v.strip().toLowerCase(Locale.ROOT))
                .filter(v -> !v.isEmpty())
                .collect(Collectors.toSet());
    }

    /**
     * The list filters to pass on to another instance, rebuilt from the parsed parameters and
     * encoded again: the client's raw query string never reaches another request.
     */
    static String forwardedFilters(Context ctx) {
        StringBuilder query = new StringBuilder();
        for (String name : FILTERS) {
            for (String value : new TreeSet<>(values(ctx, name))) {
                query.append(name)
                        .append('=')
                        .append(URLEncoder.encode(value, StandardCharsets.UTF_8))
                        .append('&');
            }
        }
        return query.toString();
    }
}
