package org.revenant.crawl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Rate-limit headers and JSON bodies written to break the crawler: every one is a bounded wait or
 * a {@link CrawlException} with a reason, never an unchecked exception that would end a worker.
 */
@Timeout(60)
class HostileResponsesTest {

    final FixtureServer server = new FixtureServer();
    final List<Duration> waits = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        server.close();
    }

    HttpFetcher fetcher() {
        FetchSettings s = new FetchSettings(
                Duration.ofSeconds(2),
                Duration.ofSeconds(5),
                32 * 1024 * 1024,
                3,
                Duration.ofMillis(1),
                Duration.ofMinutes(2),
                2,
                "test");
        return new HttpFetcher(s, waits::add, Clock.systemUTC());
    }

    CrawlException rateLimitedBy(String... headers) {
        server.on("/limited", req -> FixtureServer.json(429, "{\"message\":\"API rate limit exceeded\"}", headers));
        HttpFetcher f = fetcher();
        CrawlException e =
                assertThrows(CrawlException.class, () -> f.get(HttpFetcher.Request.get(server.uri("/limited"))));
        assertTrue(e.rateLimited(), e.getMessage());
        return e;
    }

    @Test
    void aRetryAfterOfLongMaxSecondsFailsTheJobAsRateLimited() {
        CrawlException e = rateLimitedBy("Retry-After", "9223372036854775807");
        assertEquals(1, server.count("/limited"), "no retry: the wait is far beyond what a worker waits");
        assertTrue(e.getMessage().contains("until "), e.getMessage());
    }

    @Test
    void anOverflowingResetFailsTheJobAsRateLimited() {
        rateLimitedBy("x-ratelimit-remaining", "0", "x-ratelimit-reset", "9223372036854775807");
        server.remove("/limited");
        rateLimitedBy("x-ratelimit-remaining", "0", "x-ratelimit-reset", "999999999999999999999999999999");
    }

    @Test
    void anOverflowingHuggingFaceResetFailsTheJobAsRateLimited() {
        rateLimitedBy("RateLimit", "\"api\";r=0;t=99999999999999999999999999");
    }

    @Test
    void aRetryAfterDateInTheYear9999IsABoundedWait() {
        rateLimitedBy("Retry-After", "Fri, 31 Dec 9999 23:59:59 GMT");
    }

    @Test
    void aSpentBudgetWithAnOverflowingResetOnASuccessHoldsTheHostNotTheWorker() throws Exception {
        server.on(
                "/ok",
                req -> FixtureServer.json(
                        200, "{}", "x-ratelimit-remaining", "0", "x-ratelimit-reset", "9223372036854775807"));
        HttpFetcher f = fetcher();
        assertEquals(200, f.get(HttpFetcher.Request.get(server.uri("/ok"))).status());
        CrawlException next =
                assertThrows(CrawlException.class, () -> f.get(HttpFetcher.Request.get(server.uri("/ok"))));
        assertTrue(next.rateLimited(), next.getMessage());
    }

    @Test
    void generatedRateLimitHeadersGiveBoundedWaitsAndNoExceptions() {
        long seed = System.nanoTime();
        System.out.println(
                "HostileResponsesTest.generatedRateLimitHeadersGiveBoundedWaitsAndNoExceptions seed=" + seed);
        Random random = new Random(seed);
        HttpFetcher f = fetcher();
        Duration max = HttpFetcher.MAX_ANNOUNCED_WAIT;
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
            for (int i = 0; i < 20_000; i++) {
                String retryAfter = hostileValue(random);
                String reset = hostileValue(random);
                String hf = "\"api\";r=" + hostileValue(random) + ";t=" + hostileValue(random);
                HttpResult r = result(
                        random.nextBoolean() ? 429 : 403,
                        Map.of(
                                "retry-after",
                                retryAfter,
                                "x-ratelimit-remaining",
                                random.nextBoolean() ? "0" : hostileValue(random),
                                "x-ratelimit-reset",
                                reset,
                                "ratelimit",
                                hf));
                String where = "seed " + seed + ", retry-after '" + retryAfter + "', reset '" + reset + "', ratelimit '"
                        + hf + "'";
                Duration wait = f.rateLimitWait(r);
                assertTrue(wait == null || !wait.isNegative() && wait.compareTo(max) <= 0, where + ": " + wait);
                Duration after = f.retryAfter(r);
                assertTrue(after == null || !after.isNegative() && after.compareTo(max) <= 0, where + ": " + after);
                Duration t = HttpFetcher.hfReset(r);
                assertTrue(t == null || !t.isNegative() && t.compareTo(max) <= 0, where + ": " + t);
            }
        });
    }

    @Test
    void headerWaitsAreReadAsBefore() {
        HttpFetcher f = fetcher();
        assertEquals(Duration.ofSeconds(7), f.rateLimitWait(result(429, Map.of("retry-after", "7"))));
        assertEquals(Duration.ofSeconds(55), HttpFetcher.hfReset(result(429, Map.of("ratelimit", "\"api\";r=0;t=55"))));
        assertEquals(HttpFetcher.MAX_ANNOUNCED_WAIT, f.retryAfter(result(429, Map.of("retry-after", "86401"))));
        assertEquals(Duration.ZERO, f.retryAfter(result(429, Map.of("retry-after", "Thu, 01 Jan 1970 00:00:00 GMT"))));
        Duration dated = f.retryAfter(result(
                503,
                Map.of(
                        "retry-after",
                        DateTimeFormatter.RFC_1123_DATE_TIME.format(
                                ZonedDateTime.now(ZoneOffset.UTC).plusMinutes(10)))));
        assertTrue(dated.toSeconds() > 500 && dated.toSeconds() <= 600, "about ten minutes: " + dated);
        long reset = Instant.now().getEpochSecond() + 30;
        Duration toReset = f.rateLimitWait(
                result(403, Map.of("x-ratelimit-remaining", "0", "x-ratelimit-reset", Long.toString(reset))));
        assertTrue(toReset.toSeconds() >= 25 && toReset.toSeconds() <= 32, "until the reset: " + toReset);
        assertEquals(null, f.retryAfter(result(429, Map.of("retry-after", "-5"))), "not a delta-seconds or a date");
    }

    private static String hostileValue(Random random) {
        return switch (random.nextInt(9)) {
            case 0 -> Long.toString(random.nextLong());
            case 1 -> "9".repeat(1 + random.nextInt(60));
            case 2 -> Long.toString(Long.MAX_VALUE - random.nextInt(1000));
            case 3 -> "-" + random.nextInt(Integer.MAX_VALUE);
            case 4 ->
                DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.of(
                        1 + random.nextInt(9998),
                        1 + random.nextInt(12),
                        1 + random.nextInt(28),
                        random.nextInt(24),
                        0,
                        0,
                        0,
                        ZoneOffset.UTC));
            case 5 -> " " + random.nextInt(100) + " ";
            case 6 -> "";
            case 7 -> Integer.toString(random.nextInt(300));
            default -> {
                StringBuilder b = new StringBuilder();
                int n = random.nextInt(80);
                for (int i = 0; i < n; i++) {
                    b.append((char) (0x20 + random.nextInt(0x5f)));
                }
                yield b.toString();
            }
        };
    }

    static HttpResult result(int status, Map<String, String> headers) {
        Map<String, List<String>> multi = new HashMap<>();
        headers.forEach((k, v) -> multi.put(k, List.of(v)));
        return new HttpResult(
                URI.create("http://127.0.0.1/x"),
                status,
                HttpHeaders.of(multi, (a, b) -> true),
                "{\"message\":\"rate limit\"}".getBytes(StandardCharsets.UTF_8));
    }

    static HttpResult body(String text) {
        return body(text.getBytes(StandardCharsets.UTF_8));
    }

    static HttpResult body(byte[] bytes) {
        return new HttpResult(URI.create("http://127.0.0.1/x"), 200, HttpHeaders.of(Map.of(), (a, b) -> true), bytes);
    }

    @Test
    void jsonThatBreaksTheReadConstraintsIsAFailedCrawlWithAReason() throws Exception {
        String deep = "[".repeat(100_000) + "]".repeat(100_000);
        String deepObject = "{\"a\":".repeat(50_000) + "1" + "}".repeat(50_000);
        String hugeNumber = "{\"size\": " + "9".repeat(100_000) + "}";
        String hugeFraction = "{\"size\": 1." + "1".repeat(100_000) + "e999999999}";
        String hugeString = "{\"content\": \"" + "A".repeat(Json.MAX_STRING_CHARS + 10) + "\"}";
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
            for (String hostile : List.of(deep, deepObject, hugeNumber, hugeFraction, hugeString)) {
                CrawlException e = assertThrows(CrawlException.class, () -> Json.parse(body(hostile)));
                assertTrue(e.getMessage().startsWith("malformed JSON from http://127.0.0.1/x: "), e.getMessage());
                assertTrue(
                        e.getMessage().length() < 600,
                        "one short line: " + e.getMessage().length());
            }
        });
        assertEquals(12, Json.parse(body("{\"size\": 12}")).path("size").asLong(), "ordinary JSON still reads");
    }

    @Test
    void generatedBytesNeverEscapeAsUncheckedExceptions() {
        long seed = System.nanoTime();
        System.out.println("HostileResponsesTest.generatedBytesNeverEscapeAsUncheckedExceptions seed=" + seed);
        Random random = new Random(seed);
        String alphabet = "{}[]\":,0123456789.eE+-tfnul \\\u00e9";
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
            for (int i = 0; i < 5_000; i++) {
                StringBuilder b = new StringBuilder();
                int n = random.nextInt(400);
                for (int k = 0; k < n; k++) {
                    b.append(alphabet.charAt(random.nextInt(alphabet.length())));
                }
                try {
                    Json.parse(body(b.toString()));
                } catch (CrawlException expected) {
                    assertTrue(
                            expected.getMessage() != null
                                    && !expected.getMessage().isBlank(),
                            "seed " + seed);
                } catch (RuntimeException e) {
                    throw new AssertionError("seed " + seed + ": " + b + " escaped as " + e, e);
                }
            }
        });
    }
}
