package org.revenant.crawl;

import java.time.Clock;
import java.time.Duration;
import java.util.List;

/** Settings the source tests share: short timeouts, few retries, waits recorded instead of slept. */
public final class TestSources {

    private TestSources() {}

    public static SourceConfig config(String name, FixtureServer server) {
        return new SourceConfig(name, true, Duration.ofHours(6), server.uri(""), true, List.of(), null);
    }

    public static HttpFetcher fetcher(List<Duration> waits) {
        return fetcher(waits, Duration.ofSeconds(2));
    }

    public static HttpFetcher fetcher(List<Duration> waits, Duration timeout) {
        FetchSettings settings = new FetchSettings(
                Duration.ofSeconds(2),
                timeout,
                1024 * 1024,
                3,
                Duration.ofMillis(1),
                Duration.ofMinutes(10),
                2,
                "test");
        return new HttpFetcher(settings, waits::add, Clock.systemUTC());
    }
}
