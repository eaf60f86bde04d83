package org.revenant.http;

import static org.revenant.http.HttpReplies.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.TreeSet;
import java.util.function.Predicate;
import org.apache.kafka.streams.state.HostInfo;
import org.revenant.avro.AlertEvent;
import org.revenant.avro.AlertState;
import org.revenant.wire.AlertJson;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Alert events rather than alerts: {@code GET /api/alert-events} (JSON) and
 * {@code GET /feeds/alerts.atom} (Atom, {@link AlertFeed}), with the filters of
 * {@code /api/alerts}. The events are the alerts' histories (the last 100 events of each alert),
 * which live with the mirror's partition, so every instance is asked as for the alert list
 * (architecture section 10).
 */
final class FeedRoutes {

    private static final Logger LOG = LoggerFactory.getLogger(FeedRoutes.class);
    static final int DEFAULT_LIMIT = 100;
    static final int MAX_LIMIT = 1000;
    private static final Comparator<JsonNode> NEWEST_FIRST = Comparator.comparing(FeedRoutes::time)
            .reversed()
            .thenComparing(n -> n.path("eventId").asText());

    /** Events newest first, and whether an instance did not answer. */
    record Gathered(List<JsonNode> events, boolean partial) {}

    private final LocalState local;
    private final ClusterRouter router;

    FeedRoutes(LocalState local, ClusterRouter router) {
        this.local = local;
        this.router = router;
    }

    void register(Javalin app) {
        app.get("/api/alert-events", this::events);
        app.get("/feeds/alerts.atom", this::atom);
    }

    private void events(Context ctx) throws Exception {
        Gathered gathered = gather(ctx, HttpReplies.limit(ctx, DEFAULT_LIMIT, MAX_LIMIT));
        ObjectNode body = ApiJson.MAPPER.createObjectNode();
        body.put("total", gathered.events().size());
        body.put("partial", gathered.partial());
        ArrayNode array = body.putArray("events");
        gathered.events().forEach(array::add);
        json(ctx, 200, body);
    }

    private void atom(Context ctx) throws Exception {
        int limit = HttpReplies.limit(ctx, DEFAULT_LIMIT, MAX_LIMIT);
        Gathered gathered = gather(ctx, limit);
        String filters = AlertRoutes.forwardedFilters(ctx);
        String canonical = filters.isEmpty() ? "" : filters.substring(0, filters.length() - 1);
        String self = "/feeds/alerts.atom" + (canonical.isEmpty() ? "" : "?" + canonical)
                + (limit == DEFAULT_LIMIT ? "" : (canonical.isEmpty() ? "?" : "&") + "limit=" + limit);
        AlertFeed.Meta meta = new AlertFeed.Meta(
                ctx.scheme() + "://" + (ctx.host() == null ? "localhost" : ctx.host()),
                self,
                canonical.isEmpty() ? "" : "?" + canonical,
                describe(ctx));
        if (gathered.partial()) {
            // A reader caches what it got; say that this answer may lack another instance's events.
            ctx.header("X-Revenant-Partial", "true");
        }
        ctx.status(200)
                .contentType(AlertFeed.CONTENT_TYPE)
                .result(AlertFeed.render(meta, canonical, gathered.events()));
    }

    /** This instance's events and, unless this request was forwarded, every other instance's. */
    private Gathered gather(Context ctx, int limit) throws Exception {
        Predicate<AlertState> filter = AlertRoutes.alertFilter(ctx);
        List<JsonNode> events = new ArrayList<>();
        boolean partial = false;
        try {
            events.addAll(localEvents(filter, limit, false));
        } catch (LocalState.NotReady rebalancing) {
            partial = true;
            try {
                events.addAll(localEvents(filter, limit, true));
            } catch (LocalState.NotReady stillMoving) {
                LOG.debug("no local events while rebalancing: {}", stillMoving.getMessage());
            }
        }
        if (ctx.header(ClusterRouter.FORWARDED) == null) {
            for (HostInfo host : router.otherHosts()) {
                try {
                    ClusterRouter.Remote remote = router.get(
                            host, "/api/alert-events?" + AlertRoutes.forwardedFilters(ctx) + "limit=" + limit);
                    if (remote.status() != 200) {
                        partial = true;
                        continue;
                    }
                    ApiJson.MAPPER.readTree(remote.body()).path("events").forEach(events::add);
                } catch (IOException e) {
                    LOG.debug(
                            "instance {}:{} did not answer for alert events: {}",
                            host.host(),
                            host.port(),
                            e.toString());
                    partial = true;
                }
            }
        }
        // During a rebalance a stale local read and another instance can both hold an event.
        Map<String, JsonNode> unique = new LinkedHashMap<>();
        events.forEach(e -> unique.putIfAbsent(e.path("eventId").asText(), e));
        return new Gathered(
                unique.values().stream().sorted(NEWEST_FIRST).limit(limit).toList(), partial);
    }

    /** The newest {@code limit} events of this instance's alerts that pass {@code filter}. */
    private List<JsonNode> localEvents(Predicate<AlertState> filter, int limit, boolean stale) {
        // A bounded heap, oldest on top: memory stays at {@code limit} events whatever the number of alerts.
        PriorityQueue<JsonNode> newest = new PriorityQueue<>(NEWEST_FIRST.reversed());
        for (AlertState alert : local.alerts(filter, stale)) {
            for (AlertEvent event : local.timeline(alert.getMirrorKey(), alert.getDatasetId())) {
                newest.add(AlertJson.toNode(event));
                if (newest.size() > limit) {
                    newest.poll();
                }
            }
        }
        return new ArrayList<>(newest);
    }

    private static Instant time(JsonNode event) {
        try {
            return Instant.parse(event.path("observedAt").asText());
        } catch (DateTimeParseException e) {
            return Instant.EPOCH;
        }
    }

    /** The filters in words for the feed's title: {@code dataset ms-celeb-1m; state open}. */
    private static String describe(Context ctx) {
        List<String> parts = new ArrayList<>();
        for (String name : AlertRoutes.FILTERS) {
            TreeSet<String> values = new TreeSet<>(AlertRoutes.values(ctx, name));
            if (!values.isEmpty()) {
                parts.add(name + " " + String.join(", ", values));
            }
        }
        return String.join("; ", parts);
    }
}
