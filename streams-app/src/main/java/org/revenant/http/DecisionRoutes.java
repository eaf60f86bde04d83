package org.revenant.http;

import static org.revenant.http.HttpReplies.error;
import static org.revenant.http.HttpReplies.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import org.revenant.avro.AnalystDecision;
import org.revenant.avro.DecisionKind;
import org.revenant.detect.state.AlertKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code POST /api/decisions}: an analyst's decision, behind the admin token. */
final class DecisionRoutes {

    private static final Logger LOG = LoggerFactory.getLogger(DecisionRoutes.class);

    private final AdminToken token;
    private final DecisionWriter decisions;

    DecisionRoutes(AdminToken token, DecisionWriter decisions) {
        this.token = token;
        this.decisions = decisions;
    }

    void register(Javalin app) {
        app.post("/api/decisions", this::decide);
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
            case ALLOWED -> {}
        }
        JsonNode body;
        try {
            body = ApiJson.MAPPER.readTree(ctx.body());
        } catch (IOException e) {
            throw new IllegalArgumentException(
                    "the body must be JSON: {\"alertKey\": ..., \"decision\": ..., \"note\": ...}");
        }
        String alertKey = body.path("alertKey").asText("");
        if (AlertKey.parse(alertKey).isEmpty()) {
            throw new IllegalArgumentException("alertKey must be <datasetId>|<mirrorKey>");
        }
        DecisionKind kind = decisionKind(body.path("decision").asText(""));
        String note = body.hasNonNull("note") ? body.get("note").asText() : null;
        if (note != null && note.length() > DecisionWriter.MAX_NOTE) {
            throw new IllegalArgumentException("note longer than " + DecisionWriter.MAX_NOTE + " characters");
        }
        String reference = body.hasNonNull("reference") ? body.get("reference").asText() : null;
        if (reference != null && reference.length() > DecisionWriter.MAX_NOTE) {
            throw new IllegalArgumentException("reference longer than " + DecisionWriter.MAX_NOTE + " characters");
        }
        Instant requestedAt = null;
        if (body.hasNonNull("requestedAt")) {
            try {
                requestedAt = Instant.parse(body.get("requestedAt").asText());
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException(
                        "requestedAt must be an ISO-8601 instant, e.g. 2026-12-01T09:00:00Z");
            }
        }
        if ((reference != null || requestedAt != null) && kind != DecisionKind.TAKEDOWN_REQUESTED) {
            throw new IllegalArgumentException("reference and requestedAt go with TAKEDOWN_REQUESTED only");
        }
        AnalystDecision decision = decisions.write(alertKey, kind, note, "dashboard", reference, requestedAt);
        ObjectNode answer = ApiJson.MAPPER.createObjectNode();
        answer.put("alertKey", decision.getAlertKey());
        answer.put("decision", decision.getDecision().name());
        answer.put("at", decision.getAt().toString());
        json(ctx, 202, answer);
    }

    static DecisionKind decisionKind(String text) {
        String name = text.strip().toUpperCase(Locale.ROOT).replace('-', '_');
        // UNKNOWN is what a reader makes of a kind from a newer release, never a choice.
        for (DecisionKind kind : DecisionKind.values()) {
            if (kind != DecisionKind.UNKNOWN && kind.name().equals(name)) {
                return kind;
            }
        }
        throw new IllegalArgumentException(
                "decision must be one of FALSE_POSITIVE, CONFIRMED, TAKEDOWN_REQUESTED, ALLOWLISTED");
    }
}
