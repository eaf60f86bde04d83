package org.revenant.cli.export;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
        String scheme = url.getScheme() == null ? "" : url.getScheme();
        if (!scheme.equals("http") && !scheme.equals("https") || url.getHost() == null) {
            throw new UserError("--url must be an http(s) URL: " + url);
        }
        URI target = URI.create(url.toString().replaceAll("/+$", "") + "/api/alerts?limit=" + MAX_ALERTS);
        HttpClient client =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        try {
            HttpResponse<InputStream> response = client.send(
                    HttpRequest.newBuilder(target)
                            .timeout(Duration.ofSeconds(60))
                            .header("Accept", "application/json")
                            .GET()
                            .build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            byte[] body;
            try (InputStream in = response.body()) {
                body = in.readNBytes(MAX_BYTES + 1);
            }
            if (body.length > MAX_BYTES) {
                throw new UserError("Revenant at " + url + " answered more than " + MAX_BYTES + " bytes");
            }
            if (response.statusCode() != 200) {
                throw new UserError("Revenant at " + url + " answered " + response.statusCode());
            }
            JsonNode root = new ObjectMapper().readTree(body);
            if (root.path("partial").asBoolean()) {
                throw new UserError("Revenant at " + url
                        + " answered with a partial alert list (an instance did not answer); try again");
            }
            List<JsonNode> alerts = new ArrayList<>();
            root.path("alerts").forEach(alerts::add);
            return alerts;
        } catch (IOException e) {
            throw new UserError("cannot read alerts from Revenant at " + url + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UserError("interrupted while reading alerts from " + url);
        }
    }
}
