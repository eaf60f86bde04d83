package org.revenant.http;

import static org.revenant.http.HttpReplies.error;

import io.javalin.Javalin;
import io.javalin.http.HandlerType;
import io.javalin.http.HttpResponseException;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.revenant.detect.RevenantStreams;
import org.revenant.health.Components;
import org.revenant.http.metrics.RevenantMetrics;
import org.revenant.wire.Topics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Revenant's HTTP server (architecture section 10), put together from its parts: the alert and
 * mirror API with cross-instance fan-out ({@link AlertRoutes}), the registry ({@link DatasetRoutes}),
 * the platforms ({@link PlatformRoutes}), alert events as JSON and Atom ({@link FeedRoutes}),
 * decisions ({@link DecisionRoutes}), health and metrics ({@link HealthRoutes}), the live feed
 * ({@link LiveFeed}), the OpenAPI document ({@link OpenApiRoutes}) and the dashboard's files
 * ({@link AssetRoutes}). Reading is open; actions need an analyst's token ({@link Analysts}).
 * Every answer carries {@link SecurityHeaders}.
 */
public final class RevenantHttp implements AutoCloseable {

    /** Where to listen and who may act (nobody: actions are refused). */
    public record Settings(String host, int port, Analysts analysts) {
        public Settings {
            Objects.requireNonNull(host, "host");
            Objects.requireNonNull(analysts, "analysts");
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("HTTP port out of range: " + port);
            }
        }

        /** Only the admin token (null: actions are refused). */
        public Settings(String host, int port, String adminToken) {
            this(host, port, Analysts.ofAdminToken(adminToken));
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(RevenantHttp.class);
    private static final Set<HandlerType> ROUTE_METHODS =
            EnumSet.of(HandlerType.GET, HandlerType.POST, HandlerType.PUT, HandlerType.PATCH, HandlerType.DELETE);

    /** Every route as registered ({@code GET /api/alerts/<key>}), for the OpenAPI document's test. */
    private final List<String> routes = new CopyOnWriteArrayList<>();

    private final RevenantMetrics metrics;
    private final Analysts analysts;
    private final DecisionWriter decisions;
    private final LiveFeed feed;
    private final SourceHealthView sources;
    private final CrawlCoverage coverage;
    private final Components components;
    private final Javalin app;

    private RevenantHttp(
            RevenantStreams revenant,
            Properties clientProperties,
            RevenantMetrics metrics,
            Settings settings,
            Components components) {
        KafkaStreams streams = revenant.kafkaStreams();
        this.components = Objects.requireNonNull(components, "components");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.analysts = settings.analysts();
        Topics topics = revenant.config().topics();
        this.decisions = new DecisionWriter(clientProperties, topics.decisions);
        this.feed = new LiveFeed(clientProperties, topics, metrics, components);
        this.sources = new SourceHealthView(clientProperties, topics, components);
        this.coverage = new CrawlCoverage(clientProperties, topics);
        metrics.bindCoverage(coverage::coverage);
        this.app = Javalin.create(config -> {
            config.showJavalinBanner = false;
            config.http.maxRequestSize = 64 * 1024;
            AssetRoutes.configure(config);
            config.events.handlerAdded(handler -> {
                if (ROUTE_METHODS.contains(handler.getHttpMethod())) {
                    routes.add(handler.getHttpMethod().name() + " " + handler.getPath());
                }
            });
        });
        errors();
        new HealthRoutes(streams, revenant.registry(), components, metrics, feed, analysts).register(app);
        LocalState local = new LocalState(streams);
        ClusterRouter router = new ClusterRouter(streams, hostInfo(revenant.applicationServer()));
        new AlertRoutes(local, router, revenant.registry(), ReportingRoutes.bundled()).register(app);
        new FeedRoutes(local, router).register(app);
        new DatasetRoutes(revenant.registry()).register(app);
        new CensusRoutes(local, router, revenant.config(), revenant.registry()).register(app);
        PlatformRoutes.register(app);
        feed.serve(app, "/api/events");
        app.get("/api/sources", ctx -> {
            var node = sources.json();
            coverage.putJson(node.putArray("coverage"));
            HttpReplies.json(ctx, 200, node);
        });
        new DecisionRoutes(analysts, decisions).register(app);
        OpenApiRoutes.register(app);
        AssetRoutes.register(app);
    }

    /**
     * Starts the server and the live feed; the streams app may still be starting. {@code /health},
     * the dashboard's banner and {@code revenant_component_up} show {@code components}: the one
     * set of the process, in which its parts (streams, webhooks, crawlers) report themselves.
     */
    public static RevenantHttp start(
            RevenantStreams streams,
            Properties clientProperties,
            RevenantMetrics metrics,
            Settings settings,
            Components components) {
        return start(new RevenantHttp(streams, clientProperties, metrics, settings, components), settings);
    }

    /** Starts the server for a process whose only part is the streams app: its own components are shown. */
    public static RevenantHttp start(
            RevenantStreams streams, Properties clientProperties, RevenantMetrics metrics, Settings settings) {
        return start(new RevenantHttp(streams, clientProperties, metrics, settings, streams.components()), settings);
    }

    private static RevenantHttp start(RevenantHttp http, Settings settings) {
        http.metrics.bindComponents(http.components);
        try {
            http.app.start(settings.host(), settings.port());
        } catch (RuntimeException e) {
            http.closeQuietly();
            throw new IllegalStateException(
                    "cannot listen on " + settings.host() + ":" + settings.port() + ": " + rootMessage(e), e);
        }
        http.feed.start();
        http.sources.start();
        http.coverage.start();
        LOG.info(
                "HTTP API and dashboard on http://{}:{}/ (actions {})",
                settings.host(),
                http.port(),
                http.analysts.configured()
                        ? "enabled for " + http.analysts.describe()
                        : "disabled: no --analysts file and no REVENANT_ADMIN_TOKEN");
        return http;
    }

    public int port() {
        return app.port();
    }

    /**
     * Every route this server answers, as {@code METHOD path} with Javalin's path parameters
     * ({@code {id}}, {@code <key>}); the dashboard's static files are not routes.
     */
    public List<String> routes() {
        return List.copyOf(routes);
    }

    public boolean actionsEnabled() {
        return analysts.configured();
    }

    /** Security headers on every answer, and errors as JSON with the status that fits. */
    private void errors() {
        app.before(ctx -> SecurityHeaders.ALL.forEach(ctx::header));
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
        // Javalin's own refusals (a body over maxRequestSize: 413) in the API's error shape, not its plain text.
        app.exception(HttpResponseException.class, (e, ctx) -> error(ctx, e.getStatus(), e.getMessage()));
        app.exception(Exception.class, (e, ctx) -> {
            LOG.warn("{} {} failed: {}", ctx.method(), ctx.path(), e.toString());
            error(ctx, 500, "internal error");
        });
        app.error(404, ctx -> {
            if (ctx.result() == null) {
                error(ctx, 404, "not found");
            }
        });
    }

    private static HostInfo hostInfo(String applicationServer) {
        return applicationServer == null || applicationServer.isBlank()
                ? null
                : HostInfo.buildFromEndpoint(applicationServer);
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
        sources.close();
        coverage.close();
        app.stop();
        decisions.close();
    }
}
