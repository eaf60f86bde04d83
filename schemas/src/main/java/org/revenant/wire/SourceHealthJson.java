package org.revenant.wire;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import org.revenant.avro.SourceHealthEvent;
import org.revenant.avro.SourceHealthEventType;

/**
 * The public JSON of a source's health (docs/decisions/026), the same in {@code GET /api/sources},
 * webhooks, CloudEvents' {@code data} and e-mail: {@code source}, {@code state} ({@code DEGRADED}
 * or {@code OK}), {@code event}, {@code eventId}, {@code at}, {@code failingSince},
 * {@code consecutiveFailures}, {@code rateLimited}, {@code lastError} (crawled text: show it as
 * text), {@code lastSuccessAt}, {@code reportedBy}.
 */
public final class SourceHealthJson {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private SourceHealthJson() {}

    public static ObjectNode toNode(SourceHealthEvent e) {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("source", e.getSource());
        node.put("state", e.getEvent() == SourceHealthEventType.SOURCE_DEGRADED ? "DEGRADED" : "OK");
        node.put("event", e.getEvent().name());
        node.put("eventId", e.getEventId());
        node.put("at", time(e.getAt()));
        node.put("failingSince", time(e.getFailingSince()));
        node.put("consecutiveFailures", e.getConsecutiveFailures());
        node.put("rateLimited", e.getRateLimited());
        node.put("lastError", e.getLastError());
        node.put("lastSuccessAt", time(e.getLastSuccessAt()));
        node.put("reportedBy", e.getReportedBy());
        return node;
    }

    public static String toJson(SourceHealthEvent e) {
        try {
            return MAPPER.writeValueAsString(toNode(e));
        } catch (JsonProcessingException ex) {
            throw new IllegalStateException(ex);
        }
    }

    private static String time(Instant t) {
        return t == null ? null : t.toString();
    }
}
