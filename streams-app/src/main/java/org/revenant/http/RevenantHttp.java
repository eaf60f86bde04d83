package org.revenant.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.staticfiles.Location;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.revenant.avro.AlertState;
import org.revenant.avro.AnalystDecision;
import org.revenant.avro.DecisionKind;
import org.revenant.avro.RetractedDataset;
import org.revenant.detect.RevenantStreams;
import org.revenant.detect.registry.RegistryView;
import org.revenant.health.Component;
import org.revenant.health.ComponentState;
import org.revenant.health.Components;
import org.revenant.http.metrics.RevenantMetrics;
import org.revenant.wire.AlertJson;
import org.revenant.wire.Topics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Revenant's HTTP server (architecture section 10): the REST API over interactive queries, the live
 * Server-Sent Events feed, Prometheus metrics, health, and the dashboard. Any instance answers for
 * all: a key that lives elsewhere is forwarded to its owner through {@code application.server}.
 * Reading is open; actions need the admin token.
 */
public final class RevenantHttp implements AutoCloseable {

    /** Where to listen and the admin token (null: actions are refused). */
    public record Settings(String host, int port, String adminToken) {
        public Settings {
            Objects.requireNonNull(host, "host");
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("HTTP port out of range: " + port);
            }
        }

        @Override
        public String toString() {
            return "Settings[host=" + host + ", port=" + port + ", adminToken=" + (adminToken == null ? "none" : "set") + "]";
        }
    }

    static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
    static final Map<String, String> SECURITY_HEADERS = Map.of(
            "Content-Security-Policy", CSP,
            "X-Content-Type-Options", "nosniff",
            "X-Frame-Options", "DENY",
            "Referrer-Policy", "no-referrer",
            "Cross-Origin-Opener-Policy", "same-origin",
            "Cross-Origin-Resource-Policy", "same-origin",
            "Permissions-Policy", "camera=(), microphone=(), geolocation=()");
    private static final Logger LOG = LoggerFactory.getLogger(RevenantHttp.class);
    private static final List<String> FILTERS = List.of("state", "severity", "dataset", "platform");
    private static final int DEFAULT_LIMIT = 500;
    private static final int MAX_LIMIT = 5000;
    private static final int MIRROR_FILES = 200;
    private static final Duration UNREACHABLE_LOG_INTERVAL = Duration.ofMinutes(1);
    private final Map<String, Long> unreachableWarned = new ConcurrentHashMap<>();

    private static final Comparator<JsonNode> NEWEST_FIRST = Comparator
            .comparing((JsonNode n) -> n.path("lastSeen").asText()).reversed()
            .thenComparing(n -> n.path("alertKey").asText());

    private final KafkaStreams streams;
    private final RegistryView registry;
    private final LocalState local;
    private final ClusterRouter router;
    private final RevenantMetrics metrics;
    private final AdminToken token;
    private final DecisionWriter decisions;
    private final LiveFeed feed;
    private final Components components;
    private final Javalin app;

    private RevenantHttp(RevenantStreams revenant, Properties clientProperties, RevenantMetrics metrics, Settings settings,
                         Components components) {
        this.streams = revenant.kafkaStreams();
        this.components = Objects.requireNonNull(components, "components");
        this.registry = revenant.registry();
        this.local = new LocalState(streams);
        this.router = new ClusterRouter(streams, hostInfo(revenant.applicationServer()));
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.token = new AdminToken(settings.adminToken());
        Topics topics = revenant.config().topics();
        this.decisions = new DecisionWriter(clientProperties, topics.decisions);
        this.feed = new LiveFeed(clientProperties, topics, metrics, components);
        this.app = Javalin.create(config -> {
            config.showJavalinBanner = false;
            config.http.maxRequestSize = 64 * 1024;
            config.staticFiles.add(files -> {
                files.hostedPath = "/";
                files.directory = "/org/revenant/http/dashboard";
                files.location = Location.CLASSPATH;
                files.headers = SECURITY_HEADERS;
            });
        });
        routes();
    }

    /**
     * Starts the server and the live feed; the streams app may still be starting. {@code /health},
     * the dashboard's banner and {@code revenant_component_up} show {@code components}: the one
     * set of the process, in which its parts (streams, webhooks, crawlers) report themselves.
     */
    public static RevenantHttp start(RevenantStreams streams, Properties clientProperties, RevenantMetrics metrics, Settings settings,
                                     Components components) {
        return start(new RevenantHttp(streams, clientProperties, metrics, settings, components), settings);
    }

    /** Starts the server for a process whose only part is the streams app: its own components are shown. */
    public static RevenantHttp start(RevenantStreams streams, Properties clientProperties, RevenantMetrics metrics, Settings settings) {
        return start(new RevenantHttp(streams, clientProperties, metrics, settings, streams.components()), settings);
    }

    private static RevenantHttp start(RevenantHttp http, Settings settings) {
        http.metrics.bindComponents(http.components);
        try {
            http.app.start(settings.host(), settings.port());
        } catch (RuntimeException e) {
            http.closeQuietly();
            throw new IllegalStateException("cannot listen on " + settings.host() + ":" + settings.port() + ": " + rootMessage(e), e);
        }
        http.feed.start();
        LOG.info("HTTP API and dashboard on http://{}:{}/ (actions {})", settings.host(), http.port(),
                http.token.configured() ? "enabled with the admin token" : "disabled: REVENANT_ADMIN_TOKEN is not set");
        return http;
    }

    public int port() {
        return app.port();
    }

    public boolean actionsEnabled() {
        return token.configured();
    }

    private void routes() {
        app.before(ctx -> SECURITY_HEADERS.forEach(ctx::header));
        app.exception(LocalState.NotReady.class, (e, ctx) -> {
            ctx.header("Retry-After", "1");
            error(ctx, 503, e.getMessage());
        });
        // A store read that started before a rebalance can fail mid-way: also "retry shortly".
        app.exception(InvalidStateStoreException.class, (e, ctx) -> {
            ctx.header("Retry-After", "1");
            error(ctx, 503, "state is moving between instances (" + e.getMessage() + ")");
        });
        app.exception(IllegalArgumentException.class, (e, ctx) -> error(ctx, 400, e.getMessage()));
        app.exception(Exception.class, (e, ctx) -> {
            LOG.warn("{} {} failed: {}", ctx.method(), ctx.path(), e.toString());
            error(ctx, 500, "internal error");
        });
        app.error(404, ctx -> {
            if (ctx.result() == null) {
                error(ctx, 404, "not found");
            }
        });

        app.get("/health", this::health);
        app.get("/health/live", ctx -> {
            boolean live = live(overall());
            json(ctx, live ? 200 : 503, ApiJson.MAPPER.createObjectNode().put("live", live));
        });
        app.get("/health/ready", ctx -> {
            boolean ready = ready(overall());
            json(ctx, ready ? 200 : 503, ApiJson.MAPPER.createObjectNode().put("ready", ready));
        });
        app.get("/metrics", ctx -> {
            overall();
            ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(metrics.scrape());
        });
        app.get("/api/alerts", this::listAlerts);
        app.get("/api/alerts/<key>", this::oneAlert);
        app.get("/api/mirrors/<key>", this::oneMirror);
        app.get("/api/datasets", this::datasets);
        app.get("/api/datasets/{id}", this::dataset);
        feed.serve(app, "/api/events");
        app.post("/api/decisions", this::decide);
        app.get("/vendor/chart.umd.js", this::chartJs);
    }

    /**
     * The process's health from its components: 200 when UP or DEGRADED (working, perhaps
     * badly), 503 when STARTING or DOWN. Reasons may quote crawled text; they are JSON strings
     * here and text on the dashboard.
     */
    private void health(Context ctx) {
        List<Component.Snapshot> snapshots = snapshots();
        ComponentState overall = Components.overall(snapshots);
        ObjectNode node = ApiJson.MAPPER.createObjectNode();
        node.put("status", overall.name());
        node.put("live", live(overall));
        node.put("ready", ready(overall));
        ArrayNode array = node.putArray("components");
        for (Component.Snapshot c : snapshots) {
            ObjectNode item = array.addObject();
            item.put("name", c.name());
            item.put("state", c.state().name());
            item.put("critical", c.critical());
            item.put("reason", c.reason());
            item.put("since", c.since().toString());
            item.put("failures", c.failures());
        }
        node.put("streams", streams.state().name());
        node.put("registryDatasets", registry.current().size());
        node.put("liveFeedClients", feed.clients());
        node.put("actionsEnabled", token.configured());
        json(ctx, ready(overall) ? 200 : 503, node);
    }

    private List<Component.Snapshot> snapshots() {
        return components.snapshots();
    }

    private ComponentState overall() {
        return Components.overall(snapshots());
    }

    /** Alive unless something critical is down (a restart is what helps then). */
    private static boolean live(ComponentState overall) {
        return overall != ComponentState.DOWN;
    }

    /** Serving: everything up, or working with some part degraded. */
    private static boolean ready(ComponentState overall) {
        return overall == ComponentState.UP || overall == ComponentState.DEGRADED;
    }

    private void listAlerts(Context ctx) throws Exception {
        Predicate<AlertState> filter = alertFilter(ctx);
        int limit = limit(ctx);
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
                    ClusterRouter.Remote remote = router.get(host, "/api/alerts?" + forwardedFilters(ctx) + "limit=" + MAX_LIMIT);
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
                .collect(Collectors.toMap(n -> n.path("alertKey").asText(), n -> n, RevenantHttp::newer, LinkedHashMap::new))
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
            LOG.warn("instance {} did not answer for alerts ({}); lists are partial until it is back or its partitions move",
                    key, e.toString());
        }
    }

    private static JsonNode newer(JsonNode a, JsonNode b) {
        return NEWEST_FIRST.compare(a, b) <= 0 ? a : b;
    }

    private void oneAlert(Context ctx) throws Exception {
        String alertKey = ctx.pathParam("key");
        int bar = alertKey.indexOf('|');
        if (bar <= 0 || bar == alertKey.length() - 1) {
            throw new IllegalArgumentException("an alert key is <datasetId>|<mirrorKey>: " + alertKey);
        }
        String datasetId = alertKey.substring(0, bar);
        String mirrorKey = alertKey.substring(bar + 1);
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
        ObjectNode node = record.map(ApiJson::mirror).orElseGet(() -> ApiJson.MAPPER.createObjectNode().put("mirrorKey", mirrorKey));
        if (file != null) {
            local.file(mirrorKey, file).ifPresentOrElse(e -> node.set("file", ApiJson.entry(e)), () -> node.putNull("file"));
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

    private void datasets(Context ctx) {
        ArrayNode array = ApiJson.MAPPER.createArrayNode();
        registry.current().datasets().stream()
                .sorted(Comparator.comparing(RetractedDataset::getId))
                .forEach(d -> array.add(ApiJson.dataset(d)));
        ObjectNode body = ApiJson.MAPPER.createObjectNode();
        body.put("total", array.size());
        body.set("datasets", array);
        json(ctx, 200, body);
    }

    private void dataset(Context ctx) {
        RetractedDataset dataset = registry.current().dataset(ctx.pathParam("id"));
        if (dataset == null) {
            error(ctx, 404, "no dataset " + ctx.pathParam("id"));
            return;
        }
        json(ctx, 200, ApiJson.dataset(dataset));
    }

    private void decide(Context ctx) throws Exception {
        switch (token.check(ctx.header("Authorization"))) {
            case NOT_CONFIGURED -> {
                error(ctx, 403, "actions are disabled: start Revenant with REVENANT_ADMIN_TOKEN set");
                return;
            }
            case MISSING -> {
                ctx.header("WWW-Authenticate", "Bearer");
                error(ctx, 401, "this action needs Authorization: Bearer <REVENANT_ADMIN_TOKEN>");
                return;
            }
            case WRONG -> {
                LOG.warn("refused a decision with a wrong admin token from {}", ctx.ip());
                ctx.header("WWW-Authenticate", "Bearer error=\"invalid_token\"");
                error(ctx, 401, "wrong admin token");
                return;
            }
            case ALLOWED -> { }
        }
        JsonNode body;
        try {
            body = ApiJson.MAPPER.readTree(ctx.body());
        } catch (IOException e) {
            throw new IllegalArgumentException("the body must be JSON: {\"alertKey\": ..., \"decision\": ..., \"note\": ...}");
        }
        String alertKey = body.path("alertKey").asText("");
        int bar = alertKey.indexOf('|');
        if (bar <= 0 || bar == alertKey.length() - 1) {
            throw new IllegalArgumentException("alertKey must be <datasetId>|<mirrorKey>");
        }
        DecisionKind kind = decisionKind(body.path("decision").asText(""));
        String note = body.hasNonNull("note") ? body.get("note").asText() : null;
        if (note != null && note.length() > DecisionWriter.MAX_NOTE) {
            throw new IllegalArgumentException("note longer than " + DecisionWriter.MAX_NOTE + " characters");
        }
        AnalystDecision decision = decisions.write(alertKey, kind, note, "dashboard");
        ObjectNode answer = ApiJson.MAPPER.createObjectNode();
        answer.put("alertKey", decision.getAlertKey());
        answer.put("decision", decision.getDecision().name());
        answer.put("at", decision.getAt().toString());
        json(ctx, 202, answer);
    }

    private void chartJs(Context ctx) throws IOException {
        Properties pom = new Properties();
        try (InputStream in = getClass().getResourceAsStream("/META-INF/maven/org.webjars.npm/chart.js/pom.properties")) {
            if (in == null) {
                error(ctx, 404, "the Chart.js WebJar is not on the classpath");
                return;
            }
            pom.load(in);
        }
        InputStream script = getClass().getResourceAsStream(
                "/META-INF/resources/webjars/chart.js/" + pom.getProperty("version") + "/dist/chart.umd.js");
        if (script == null) {
            error(ctx, 404, "chart.umd.js is missing from the Chart.js WebJar");
            return;
        }
        ctx.contentType("text/javascript; charset=utf-8").header("Cache-Control", "public, max-age=86400").result(script);
    }

    static DecisionKind decisionKind(String text) {
        try {
            return DecisionKind.valueOf(text.strip().toUpperCase(Locale.ROOT).replace('-', '_'));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("decision must be one of FALSE_POSITIVE, CONFIRMED, TAKEDOWN_REQUESTED, ALLOWLISTED");
        }
    }

    private static Predicate<AlertState> alertFilter(Context ctx) {
        Set<String> states = values(ctx, "state");
        Set<String> severities = values(ctx, "severity");
        Set<String> datasets = values(ctx, "dataset");
        Set<String> platforms = values(ctx, "platform");
        return a -> (states.isEmpty() || states.contains(a.getStatus().name().toLowerCase(Locale.ROOT)))
                && (severities.isEmpty() || severities.contains(a.getSeverity().name().toLowerCase(Locale.ROOT)))
                && (datasets.isEmpty() || datasets.contains(a.getDatasetId().toLowerCase(Locale.ROOT)))
                && (platforms.isEmpty() || platforms.contains(a.getPlatform().toLowerCase(Locale.ROOT)));
    }

    /** A filter's values, repeated or comma-separated, case-insensitive. */
    private static Set<String> values(Context ctx, String name) {
        return ctx.queryParams(name).stream()
                .flatMap(v -> java.util.Arrays.stream(v.split(",")))
                .map(v -> v.strip().toLowerCase(Locale.ROOT))
                .filter(v -> !v.isEmpty())
                .collect(Collectors.toSet());
    }

    private static int limit(Context ctx) {
        String text = ctx.queryParam("limit");
        if (text == null) {
            return DEFAULT_LIMIT;
        }
        try {
            int limit = Integer.parseInt(text);
            if (limit < 1 || limit > MAX_LIMIT) {
                throw new NumberFormatException();
            }
            return limit;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("limit must be a number from 1 to " + MAX_LIMIT);
        }
    }

    /**
     * The list filters to pass on to another instance, rebuilt from the parsed parameters and
     * encoded again: the client's raw query string never reaches another request.
     */
    static String forwardedFilters(Context ctx) {
        StringBuilder query = new StringBuilder();
        for (String name : FILTERS) {
            for (String value : new java.util.TreeSet<>(values(ctx, name))) {
                query.append(name).append('=').append(URLEncoder.encode(value, StandardCharsets.UTF_8)).append('&');
            }
        }
        return query.toString();
    }

    /** A key as a path segment for forwarding: slashes stay, everything else reserved is encoded. */
    static String pathSegment(String key) {
        return java.util.Arrays.stream(key.split("/", -1))
                .map(part -> URLEncoder.encode(part, StandardCharsets.UTF_8).replace("+", "%20"))
                .collect(Collectors.joining("/"));
    }

    private static HostInfo hostInfo(String applicationServer) {
        return applicationServer == null || applicationServer.isBlank() ? null : HostInfo.buildFromEndpoint(applicationServer);
    }

    private static void json(Context ctx, int status, JsonNode node) {
        try {
            ctx.status(status).contentType("application/json").result(ApiJson.MAPPER.writeValueAsString(node));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void error(Context ctx, int status, String message) {
        json(ctx, status, ApiJson.MAPPER.createObjectNode().put("error", message).put("status", status));
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }

    private void closeQuietly() {
        try {
            close();
        } catch (RuntimeException e) {
            LOG.warn("error while stopping the HTTP server: {}", e.toString());
        }
    }

    @Override
    public void close() {
        feed.close();
        app.stop();
        decisions.close();
    }
}
