package org.revenant.cli.export;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.revenant.cli.ApiClient;
import org.revenant.cli.UserError;

/**
 * The alerts of a running Revenant, from its HTTP API ({@code GET /api/alerts}, every instance's
 * alerts merged by whichever instance answers), read up to {@value #MAX_BYTES} bytes.
 */
final class AlertSource {

    static final int MAX_BYTES = 256 * 1024 * 1024;
    /** The API's largest page: the exports take at most this many alerts, newest first. */
    static final int MAX_ALERTS = 5000;

    private AlertSource() {}

    static List<JsonNode> fetch(URI url) {
        ApiClient.Reply reply = new ApiClient(url)
                .get("/api/alerts?limit=" + MAX_ALERTS, "application/json", MAX_BYTES, Duration.ofSeconds(60));
        if (reply.status() != 200) {
            throw new UserError("Revenant at " + url + " answered " + reply.status());
        }
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(reply.body());
        } catch (IOException e) {
            throw new UserError("cannot read alerts from Revenant at " + url + ": " + e.getMessage());
        }
        if (root.path("partial").asBoolean()) {
            throw new UserError("Revenant at " + url
                    + " answered with a partial alert list (an instance did not answer); try again");
        }
        List<JsonNode> alerts = new ArrayList<>();
        root.path("alerts").forEach(alerts::add);
        return alerts;
    }
}
