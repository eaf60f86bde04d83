package org.revenant.crawl;

import java.time.Duration;

/**
 * How the crawler talks HTTP.
 *
 * @param connectTimeout     to open a connection
 * @param requestTimeout     for one whole exchange, body included (a server that drips its body fails too)
 * @param maxBodyBytes       responses larger than this are abandoned while streaming
 * @param maxAttempts        per request, for 5xx, timeouts and rate limits (1 = no retry)
 * @param initialBackoff     before the first retry; doubles each time
 * @param maxRateLimitWait   longest wait for a rate limit to reset inside one request; longer ones fail
 *                           the crawl (the job is retried later) instead of blocking a worker for an hour
 * @param perHostConcurrency requests in flight to one host at a time
 * @param version            Revenant's version, for the User-Agent
 */
public record FetchSettings(
        Duration connectTimeout,
        Duration requestTimeout,
        int maxBodyBytes,
        int maxAttempts,
        Duration initialBackoff,
        Duration maxRateLimitWait,
        int perHostConcurrency,
        String version) {

    public static final String PROJECT_URL = "https://github.com/revenant-monitor/revenant";

    public FetchSettings {
        positive(connectTimeout, "connectTimeout");
        positive(requestTimeout, "requestTimeout");
        if (initialBackoff == null || initialBackoff.isNegative()) {
            throw new IllegalArgumentException("initialBackoff must not be negative");
        }
        if (maxRateLimitWait == null || maxRateLimitWait.isNegative()) {
            throw new IllegalArgumentException("maxRateLimitWait must not be negative");
        }
        if (maxBodyBytes < 1 || maxAttempts < 1 || perHostConcurrency < 1) {
            throw new IllegalArgumentException("maxBodyBytes, maxAttempts and perHostConcurrency must be positive");
        }
        if (version == null || version.isBlank()) {
            throw new IllegalArgumentException("version");
        }
    }

    public static FetchSettings defaults() {
        String version = FetchSettings.class.getPackage().getImplementationVersion();
        return new FetchSettings(
                Duration.ofSeconds(10),
                Duration.ofSeconds(60),
                64 * 1024 * 1024,
                4,
                Duration.ofSeconds(2),
                Duration.ofMinutes(2),
                4,
                version != null ? version : "dev");
    }

    public FetchSettings withRequestTimeout(Duration timeout) {
        return new FetchSettings(
                connectTimeout,
                timeout,
                maxBodyBytes,
                maxAttempts,
                initialBackoff,
                maxRateLimitWait,
                perHostConcurrency,
                version);
    }

    public FetchSettings withMaxBodyBytes(int bytes) {
        return new FetchSettings(
                connectTimeout,
                requestTimeout,
                bytes,
                maxAttempts,
                initialBackoff,
                maxRateLimitWait,
                perHostConcurrency,
                version);
    }

    public FetchSettings withVersion(String v) {
        return new FetchSettings(
                connectTimeout,
                requestTimeout,
                maxBodyBytes,
                maxAttempts,
                initialBackoff,
                maxRateLimitWait,
                perHostConcurrency,
                v);
    }

    /** The honest User-Agent: who we are and where to read about us. */
    public String userAgent() {
        return "Revenant/" + version + " (+" + PROJECT_URL + ")";
    }

    private static void positive(Duration d, String name) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive");
        }
    }
}
