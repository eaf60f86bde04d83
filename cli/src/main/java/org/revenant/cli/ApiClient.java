package org.revenant.cli;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A GET against a running Revenant's HTTP API for the commands that read it ({@code evidence},
 * {@code export}, {@code report}): only an http(s) base URL, bounded connect and request time, a
 * body read up to a cap, and every failure one {@link UserError} line naming the URL.
 */
public final class ApiClient {

    /** What came back: the status and the body, never more than the cap. */
    public record Reply(int status, byte[] body) {
        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private final URI base;

    public ApiClient(URI base) {
        String scheme = base.getScheme() == null ? "" : base.getScheme();
        if (!scheme.equals("http") && !scheme.equals("https") || base.getHost() == null) {
            throw new UserError("--url must be an http(s) URL: " + base);
        }
        this.base = base;
    }

    /**
     * @param pathAndQuery already encoded, starting with {@code /}
     * @param accept       the Accept header
     * @param maxBytes     the longest body read; a longer one is an error
     * @param timeout      for the whole request
     */
    public Reply get(String pathAndQuery, String accept, int maxBytes, Duration timeout) {
        URI target = URI.create(base.toString().replaceAll("/+$", "") + pathAndQuery);
        HttpClient client =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        try {
            HttpResponse<InputStream> response = client.send(
                    HttpRequest.newBuilder(target)
                            .timeout(timeout)
                            .header("Accept", accept)
                            .GET()
                            .build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            byte[] body;
            try (InputStream in = response.body()) {
                body = in.readNBytes(maxBytes + 1);
            }
            if (body.length > maxBytes) {
                throw new UserError("Revenant at " + base + " answered more than " + maxBytes + " bytes");
            }
            return new Reply(response.statusCode(), body);
        } catch (IOException e) {
            throw new UserError("cannot reach Revenant at " + base + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UserError("interrupted while reading from Revenant at " + base);
        }
    }

    public URI base() {
        return base;
    }
}
