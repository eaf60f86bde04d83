package org.revenant.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Pattern;
import org.revenant.avro.SourceHealthEvent;
import org.revenant.avro.SourceHealthEventType;
import org.revenant.health.Component;
import org.revenant.health.Components;
import org.revenant.wire.LatestByKey;
import org.revenant.wire.SourceHealthJson;
import org.revenant.wire.Topics;

/**
 * What the crawlers last said of each source (docs/decisions/026), from the compacted source-health
 * topic: {@code GET /api/sources}, and a component {@code source.<name>} in this process's health
 * while a source is degraded, so {@code /health}, the dashboard's banner and
 * {@code revenant_component_up} say the crawler is blind there. Records are data written by any
 * client with access to the topic: a source name outside {@code [A-Za-z0-9._-]{1,64}} is ignored.
 */
final class SourceHealthView implements AutoCloseable {

    static final int MAX_SOURCES = 1_000;
    /** A source name as the crawlers write it; records naming anything else are ignored. */
    static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    private final Components components;
    private final LatestByKey<SourceHealthEvent> latest;

    SourceHealthView(Properties client, Topics topics, Components components) {
        this.components = components;
        this.latest = new LatestByKey<>(client, topics.sourceHealth, MAX_SOURCES, "revenant-source-health")
                .values(SourceHealthView::plausible)
                .onChange(this::changed);
    }

    SourceHealthView start() {
        latest.start();
        return this;
    }

    private void changed(String key, SourceHealthEvent event) {
        if (event == null || !NAME.matcher(key).matches() || !key.equals(event.getSource())) {
            return;
        }
        if (event.getEvent() == SourceHealthEventType.SOURCE_DEGRADED) {
            components.register(componentName(key), false).degraded(reason(event));
        } else if (event.getEvent() == SourceHealthEventType.SOURCE_RECOVERED) {
            Component c = components.register(componentName(key), false);
            c.up();
        }
    }

    /**
     * What a crawler writes (a source name, a reason of at most 500 characters, a process name):
     * anything bigger is not kept, so 1,000 hostile records cannot hold a megabyte each.
     */
    static boolean plausible(SourceHealthEvent e) {
        return NAME.matcher(e.getSource()).matches()
                && e.getEventId().length() <= 512
                && (e.getLastError() == null || e.getLastError().length() <= 1_000)
                && e.getReportedBy().length() <= 200;
    }

    static String componentName(String source) {
        return "source." + source.toLowerCase(Locale.ROOT); // a component name /metrics can carry
    }

    /** One line for an operator: how long, how often, and the last reason (crawled text: shown as text). */
    static String reason(SourceHealthEvent e) {
        String error = e.getLastError() == null ? "" : ": " + e.getLastError();
        return "crawler blind since " + e.getFailingSince() + " (" + e.getConsecutiveFailures()
                + " failed crawl(s) in a row" + (e.getRateLimited() ? ", rate-limited" : "") + ")" + error;
    }

    /** {@code {"sources": [...], "reader": null | why it stopped}}, sorted by source. */
    ObjectNode json() {
        ObjectNode node = ApiJson.MAPPER.createObjectNode();
        ArrayNode array = node.putArray("sources");
        for (Map.Entry<String, SourceHealthEvent> entry : latest.snapshot().entrySet()) {
            SourceHealthEvent e = entry.getValue();
            if (!NAME.matcher(entry.getKey()).matches()
                    || !entry.getKey().equals(e.getSource())
                    || e.getEvent() == SourceHealthEventType.UNKNOWN) {
                continue;
            }
            ObjectNode item = SourceHealthJson.toNode(e);
            item.remove("eventId");
            array.add(item);
        }
        node.put("reader", latest.failure());
        return node;
    }

    @Override
    public void close() {
        latest.close();
    }
}
