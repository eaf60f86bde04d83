package org.revenant.crawl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class HttpFetcherTest {

    final FixtureServer server = new FixtureServer();
    final List<Duration> waits = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        server.close();
    }

    HttpFetcher fetcher(Duration timeout, int maxBytes) {
        FetchSettings s = new FetchSettings(
                Duration.ofSeconds(2), timeout, maxBytes, 3, Duration.ofSeconds(1), Duration.ofMinutes(2), 2, "1.2.3");
        return new HttpFetcher(s, waits::add, Clock.systemUTC());
    }

    HttpFetcher fetcher() {
        return fetcher(Duration.ofSeconds(5), 1024 * 1024);
    }

    @Test
    void namesItselfAndSendsTheTokenOnlyInTheAuthorizationHeader() throws Exception {
        server.on("/x", req -> FixtureServer.json(200, "{}"));
        Secret token = Secret.ofNullable("ghp_secretvalue");
        HttpResult r = fetcher().get(HttpFetcher.Request.get(server.uri("/x")).token(token));
        assertEquals(200, r.status());
        FixtureServer.Seen seen = server.requests().get(0);
        assertEquals("Revenant/1.2.3 (+https://github.com/revenant-monitor/revenant)", seen.header("User-Agent"));
        assertEquals("Bearer ghp_secretvalue", seen.header("Authorization"));
        assertFalse(token.toString().contains("secret"), token.toString());
    }

    @Test
    void aSpentRequestBudgetFailsAsRateLimitedWithoutAskingTheHostAndSparesOtherHosts() throws Exception {
        server.on("/x", req -> FixtureServer.json(200, "{}"));
        HttpFetcher http = fetcher();
        http.budget(server.uri("/"), 2, "sources.github.budget");
        assertEquals(200, http.get(HttpFetcher.Request.get(server.uri("/x"))).status());
        assertEquals(200, http.get(HttpFetcher.Request.get(server.uri("/x"))).status());
        CrawlException spent =
                assertThrows(CrawlException.class, () -> http.get(HttpFetcher.Request.get(server.uri("/x"))));
        assertTrue(spent.rateLimited(), "retried later, like a platform's own limit");
        assertTrue(
                spent.getMessage().startsWith("request budget of 2 an hour for 127.0.0.1:")
                        && spent.getMessage().contains("(sources.github.budget); next request at "),
                spent.getMessage());
        assertEquals(2, server.requests().size(), "the third never reached the host");
        assertEquals(1L, http.counters().get("overBudget"));
        try (FixtureServer other = new FixtureServer()) {
            other.on("/y", req -> FixtureServer.json(200, "{}"));
            assertEquals(200, http.get(HttpFetcher.Request.get(other.uri("/y"))).status(), "another host has its own");
        }
    }

    @Test
    void conditionalRequestWithAMatchingEtagIsNotModified() throws Exception {
        server.on(
                "/repo",
                req -> "\"abc\"".equals(req.header("If-None-Match"))
                        ? new FixtureServer.Response(304, Map.of("ETag", "\"abc\""), new byte[0], 0)
                        : FixtureServer.json(200, "{}", "ETag", "\"abc\""));
        HttpResult first = fetcher().get(HttpFetcher.Request.get(server.uri("/repo")));
        assertEquals("\"abc\"", first.etag());
        HttpResult second =
                fetcher().get(HttpFetcher.Request.get(server.uri("/repo")).ifNoneMatch(first.etag()));
        assertTrue(second.notModified());
    }

    @Test
    void primaryRateLimitWaitsUntilTheAnnouncedResetThenRetries() throws Exception {
        server.sequence(
                "/limited", server.load("github/rate-limit-exceeded.http"), FixtureServer.json(200, "{\"ok\":true}"));
        HttpResult r = fetcher().get(HttpFetcher.Request.get(server.uri("/limited")));
        assertEquals(200, r.status());
        assertEquals(2, server.count("/limited"));
        assertEquals(1, waits.size(), "one wait: " + waits);
        long seconds = waits.get(0).toSeconds();
        assertTrue(seconds >= 25 && seconds <= 32, "waited until the reset about 30 s ahead: " + seconds);
    }

    @Test
    void secondaryRateLimitHonoursRetryAfter() throws Exception {
        server.sequence("/busy", server.load("github/secondary-limit.http"), FixtureServer.json(200, "{}"));
        assertEquals(
                200, fetcher().get(HttpFetcher.Request.get(server.uri("/busy"))).status());
        assertEquals(1, waits.size(), "one wait: " + waits);
        assertTrue(
                waits.get(0).toMillis() > 6_000 && waits.get(0).toMillis() <= 7_000,
                "the 7 s of Retry-After: " + waits);
    }

    @Test
    void aResetTooFarAheadFailsTheCrawlAsRateLimitedWithoutHammering() {
        server.file("/search/code*", "github/rate-limit-hour.http");
        HttpFetcher f = fetcher();
        CrawlException e = assertThrows(
                CrawlException.class, () -> f.get(HttpFetcher.Request.get(server.uri("/search/code?q=x"))));
        assertTrue(e.rateLimited());
        assertTrue(e.getMessage().startsWith("rate limited by 127.0.0.1:"), e.getMessage());
        CrawlException again = assertThrows(
                CrawlException.class, () -> f.get(HttpFetcher.Request.get(server.uri("/search/code?q=y"))));
        assertTrue(again.rateLimited());
        assertEquals(1, server.count("/search/code"), "the second request waits for the reset instead of being sent");
    }

    @Test
    void aForbiddenThatIsNotARateLimitGoesBackToTheSource() throws Exception {
        server.file("/repos/a/b", "github/tos-blocked.http");
        HttpResult r = fetcher().get(HttpFetcher.Request.get(server.uri("/repos/a/b")));
        assertEquals(403, r.status());
        assertTrue(waits.isEmpty());
    }

    @Test
    void serverErrorsAreRetriedABoundedNumberOfTimes() {
        server.on("/flaky", req -> FixtureServer.json(503, "{\"message\":\"Service Unavailable\"}"));
        CrawlException e =
                assertThrows(CrawlException.class, () -> fetcher().get(HttpFetcher.Request.get(server.uri("/flaky"))));
        assertEquals(3, server.count("/flaky"));
        assertTrue(
                e.getMessage().contains("HTTP 503") && e.getMessage().contains("gave up after 3 attempts"),
                e.getMessage());
        assertEquals(List.of(Duration.ofSeconds(1), Duration.ofSeconds(2)), waits, "exponential backoff");
    }

    @Test
    void aResponseSlowerThanTheTimeoutFailsWithTheReason() {
        server.on("/slow", req -> FixtureServer.json(200, "{}").delayed(1500));
        CrawlException e = assertThrows(
                CrawlException.class,
                () -> fetcher(Duration.ofMillis(200), 1024).get(HttpFetcher.Request.get(server.uri("/slow"))));
        assertTrue(e.getMessage().startsWith("timed out after 200 ms"), e.getMessage());
        assertEquals(3, server.count("/slow"));
    }

    @Test
    void aHugeBodyIsAbandonedWhileStreaming() {
        byte[] big = new byte[6 * 1024 * 1024];
        Arrays.fill(big, (byte) '[');
        server.on("/huge", req -> FixtureServer.bytes(200, big, "application/json"));
        CrawlException e = assertThrows(
                CrawlException.class,
                () -> fetcher(Duration.ofSeconds(5), 256 * 1024).get(HttpFetcher.Request.get(server.uri("/huge"))));
        assertTrue(e.getMessage().contains("larger than the limit of 262144 bytes"), e.getMessage());
        assertEquals(1, server.count("/huge"), "not retried");
    }

    @Test
    void anUnreachableHostFailsFastAfterItsRetriesAreSpent() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        HttpFetcher f = fetcher();
        URI down = URI.create("http://127.0.0.1:" + port + "/repos/a/b");
        CrawlException first = assertThrows(CrawlException.class, () -> f.get(HttpFetcher.Request.get(down)));
        assertTrue(first.getMessage().startsWith("cannot connect to 127.0.0.1:" + port), first.getMessage());
        assertEquals(2, waits.size(), "retried with backoff: " + waits);
        CrawlException second = assertThrows(CrawlException.class, () -> f.get(HttpFetcher.Request.get(down)));
        assertTrue(second.getMessage().endsWith("backing off"), second.getMessage());
        assertEquals(2, waits.size(), "no new attempts while backing off");
    }

    @Test
    void malformedJsonIsACrawlErrorWithTheLocation() throws Exception {
        server.on("/bad", req -> FixtureServer.json(200, "{\"items\": [1, 2,"));
        HttpResult r = fetcher().get(HttpFetcher.Request.get(server.uri("/bad")));
        CrawlException e = assertThrows(CrawlException.class, () -> Json.parse(r));
        assertTrue(e.getMessage().startsWith("malformed JSON from http://127.0.0.1:"), e.getMessage());
    }

    @Test
    void nextPageComesFromTheLinkHeader() throws Exception {
        server.on(
                "/p",
                req -> FixtureServer.json(
                        200,
                        "[]",
                        "Link",
                        "<https://api.github.com/x?page=2>; rel=\"next\", <https://api.github.com/x?page=5>; rel=\"last\""));
        assertEquals(
                "https://api.github.com/x?page=2",
                Json.nextLink(fetcher().get(HttpFetcher.Request.get(server.uri("/p")))));
        server.on(
                "/q", req -> FixtureServer.json(200, "[]", "Link", "<https://api.github.com/x?page=1>; rel=\"prev\""));
        assertEquals(null, Json.nextLink(fetcher().get(HttpFetcher.Request.get(server.uri("/q")))));
    }
}
