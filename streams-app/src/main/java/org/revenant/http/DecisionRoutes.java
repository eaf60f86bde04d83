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
import org.revenant.detect.decide.DecisionDates;
import org.revenant.detect.state.AlertKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code POST /api/decisions}: an analyst's decision, behind their token (docs/decisions/025). */
final class DecisionRoutes {

    private static final Logger LOG = LoggerFactory.getLogger(DecisionRoutes.class);

    private final Analysts analysts;
    private final DecisionWriter decisions;

    DecisionRoutes(Analysts analysts, DecisionWriter decisions) {
        this.analysts = analysts;
        this.decisions = decisions;
    }

    void register(Javalin app) {
        app.post("/api/decisions", this::decide);
    }

    private void decide(Context ctx) throws Exception {
        Analysts.Check check = analysts.check(ctx.header("Authorization"));
        switch (check.verdict()) {
            case NOT_CONFIGURED -> {
                error(
                        ctx,
                        403,
                        "actions are disabled: start Revenant with --analysts FILE or REVENANT_ADMIN_TOKEN set");
                return;
            }
            case MISSING -> {
                ctx.header("WWW-Authenticate", "Bearer");
                error(ctx, 401, "this action needs Authorization: Bearer <your analyst token>");
                return;
            }
            case WRONG -> {
                LOG.warn("refused a decision with an unknown token from {}", ctx.ip());
                ctx.header("WWW-Authenticate", "Bearer error=\"invalid_token\"");
                error(ctx, 401, "unknown token");
                return;
            }
            case READ_ONLY -> {
                String name = check.who().orElseThrow().name();
                LOG.info("refused a decision by {}, who has the read-only role", name);
                error(ctx, 403, name + " has the read-only role: decisions need the analyst role");
                return;
            }
            case ALLOWED -> {}
        }
        String by = check.who().orElseThrow().name();
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
        Instant requestedAt = date(body, "requestedAt");
        if ((reference != null || requestedAt != null) && kind != DecisionKind.TAKEDOWN_REQUESTED) {
            throw new IllegalArgumentException("reference and requestedAt go with TAKEDOWN_REQUESTED only");
        }
        Instant until = date(body, "until");
        if (until != null) {
            if (kind != DecisionKind.FALSE_POSITIVE && kind != DecisionKind.ALLOWLISTED) {
                throw new IllegalArgumentException("until goes with FALSE_POSITIVE and ALLOWLISTED only");
            }
            if (!until.isAfter(Instant.now())) {
                throw new IllegalArgumentException("until must be in the future");
            }
        }
        AnalystDecision decision = decisions.write(alertKey, kind, note, by, reference, requestedAt, until);
        ObjectNode answer = ApiJson.MAPPER.createObjectNode();
        answer.put("alertKey", decision.getAlertKey());
        answer.put("decision", decision.getDecision().name());
        answer.put("by", decision.getBy());
        answer.put("at", decision.getAt().toString());
        if (until != null) {
            answer.put("until", until.toString());
        }
        json(ctx, 202, answer);
    }

    private static Instant date(JsonNode body, String field) {
        if (!body.hasNonNull(field)) {
            return null;
        }
        try {
            return DecisionDates.parse(body.get(field).asText());
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(
                    field
                            + " must be a day (2026-12-01, from its start in UTC) or an ISO-8601 instant (2026-12-01T09:00:00Z)");
        }
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
