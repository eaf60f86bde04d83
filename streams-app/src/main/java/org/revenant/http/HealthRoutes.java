package org.revenant.http;

import static org.revenant.http.HttpReplies.json;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.util.List;
import org.apache.kafka.streams.KafkaStreams;
import org.revenant.detect.registry.RegistryView;
import org.revenant.health.Component;
import org.revenant.health.ComponentState;
import org.revenant.health.Components;
import org.revenant.http.metrics.RevenantMetrics;

/** {@code /health}, its live and ready probes, and {@code /metrics}. */
final class HealthRoutes {

    private final KafkaStreams streams;
    private final RegistryView registry;
    private final Components components;
    private final RevenantMetrics metrics;
    private final LiveFeed feed;
    private final Analysts analysts;

    HealthRoutes(
            KafkaStreams streams,
            RegistryView registry,
            Components components,
            RevenantMetrics metrics,
            LiveFeed feed,
            Analysts analysts) {
        this.streams = streams;
        this.registry = registry;
        this.components = components;
        this.metrics = metrics;
        this.feed = feed;
        this.analysts = analysts;
    }

    void register(Javalin app) {
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
        node.put("actionsEnabled", analysts.configured());
        ArrayNode notices = node.putArray("notices"); // not failures: what a part cannot do as configured
        components.notices().forEach(notices::add);
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
}
