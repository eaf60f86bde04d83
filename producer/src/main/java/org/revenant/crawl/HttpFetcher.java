package org.revenant.crawl;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one HTTP client every source uses. It names itself honestly, bounds every exchange in time
 * and size, limits concurrent requests per host, waits out rate limits the platform announces
 * ({@code retry-after}, {@code x-ratelimit-remaining}/{@code reset}, GitHub's 403/429 secondary
 * limits, Hugging Face's {@code ratelimit} header), retries 5xx and timeouts a bounded number of
 * times, and sends {@code If-None-Match} when given an ETag. Statuses other than those are handed
 * back to the source, which knows what a 404 or 451 means on its platform.
 */
public final class HttpFetcher {

    private static final Logger LOG = LoggerFactory.getLogger(HttpFetcher.class);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(60);
    private static final Duration SECONDARY_LIMIT_WAIT = Duration.ofSeconds(60);
    private static final Pattern HF_RATELIMIT_RESET = Pattern.compile(";\\s*t=(\\d{1,40})");
    /**
     * The longest wait any header can announce. Headers come from the platform or whoever stands in
     * for it: a Retry-After of 2^63 seconds or a reset in the year 292278994 must become a bounded
     * wait (and then a rate-limited failure), never an arithmetic overflow.
     */
    static final Duration MAX_ANNOUNCED_WAIT = Duration.ofDays(1);
    /**
     * GitHub's primary limit resets within an hour. A budget announced spent ({@code x-ratelimit-remaining: 0})
     * without a reset time is taken to last that long, which fails the job fast instead of
     * waiting out a guess on a worker (decision 016).
     */
    static final Duration UNANNOUNCED_RESET = Duration.ofHours(1);

    static final int MAX_REDIRECTS = 5;
    private static final Set<Integer> REDIRECTS = Set.of(301, 302, 303, 307, 308);

    /** One GET. {@code etag} makes it conditional; {@code token} is sent as a Bearer token. */
    public record Request(URI uri, String accept, String etag, Secret token, int maxBodyBytes) {
        public static Request get(URI uri) {
            return new Request(uri, "application/json", null, null, 0);
        }

        public Request accept(String value) {
            return new Request(uri, value, etag, token, maxBodyBytes);
        }

        public Request ifNoneMatch(String value) {
            return new Request(uri, accept, value, token, maxBodyBytes);
        }

        public Request token(Secret value) {
            return new Request(uri, accept, etag, value, maxBodyBytes);
        }

        public Request maxBodyBytes(int value) {
            return new Request(uri, accept, etag, token, value);
        }
    }

    private final FetchSettings settings;
    private final HttpClient client;
    private final Sleeper sleeper;
    private final Clock clock;
    private final Map<String, HostGate> hosts = new ConcurrentHashMap<>();
    private final LongAdder requests = new LongAdder();
    private final LongAdder retries = new LongAdder();
    private final LongAdder rateLimited = new LongAdder();
    private final LongAdder overBudget = new LongAdder();
    private final Map<String, Budget> budgets = new ConcurrentHashMap<>();

    public HttpFetcher(FetchSettings settings) {
        this(settings, Sleeper.REAL, Clock.systemUTC());
    }

    public HttpFetcher(FetchSettings settings, Sleeper sleeper, Clock clock) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.client = HttpClient.newBuilder()
                .connectTimeout(settings.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER) // followed in get(), which decides where the token goes
                .version(HttpClient.Version.HTTP_1_1)
                .build();
    }

    public FetchSettings settings() {
        return settings;
    }

    /** Requests sent, retries made, rate-limit waits and requests refused by a budget, for the summary. */
    public Map<String, Long> counters() {
        return Map.of(
                "requests",
                requests.sum(),
                "retries",
                retries.sum(),
                "rateLimited",
                rateLimited.sum(),
                "overBudget",
                overBudget.sum());
    }

    /**
     * At most {@code perHour} requests an hour to the host of {@code base} (decision 027): one more
     * fails as rate-limited, naming when the next is allowed, so the job is retried later instead of
     * spending the platform's limit. Two sources on one host share the smaller budget.
     */
    public void budget(URI base, int perHour, String setting) {
        if (perHour <= 0 || base == null) {
            return;
        }
        budgets.merge(hostOf(base), new Budget(perHour, setting), (a, b) -> a.perHour <= b.perHour ? a : b);
    }

    /** Requests of the last hour to one host, at most {@code perHour} of them. */
    private static final class Budget {
        final int perHour;
        final String setting;
        private final ArrayDeque<Instant> spent = new ArrayDeque<>();

        Budget(int perHour, String setting) {
            this.perHour = perHour;
            this.setting = setting;
        }

        /** Null when a request may go now (and counts it), else when the next one may. */
        synchronized Instant take(Instant now) {
            Instant hourAgo = now.minus(Duration.ofHours(1));
            while (!spent.isEmpty() && !spent.peekFirst().isAfter(hourAgo)) {
                spent.removeFirst();
            }
            if (spent.size() >= perHour) {
                return spent.peekFirst().plus(Duration.ofHours(1));
            }
            spent.addLast(now);
            return null;
        }
    }

    /**
     * @return the final response: 2xx, 304, or any status the source must interpret (3xx not followed, 4xx)
     * @throws CrawlException after timeouts, connection failures, oversized bodies, or 5xx/rate limits
     *                        that outlasted the retries; the message says which
     */
    public HttpResult get(Request request) throws CrawlException {
        Request current = request;
        for (int hop = 0; ; hop++) {
            HttpResult result = getOnce(current);
            Optional<String> location = result.header("location");
            if (!REDIRECTS.contains(result.status()) || location.isEmpty()) {
                return result;
            }
            if (hop >= MAX_REDIRECTS) {
                throw new CrawlException("more than " + MAX_REDIRECTS + " redirects from " + request.uri());
            }
            URI next = redirectTarget(current.uri(), location.get());
            // The token is for the host it was configured for; a redirect elsewhere (a CDN, another
            // site) goes without it, and so does every hop after it (decision 016).
            Secret token = sameOrigin(request.uri(), next) ? current.token() : null;
            current = new Request(next, current.accept(), current.etag(), token, current.maxBodyBytes());
        }
    }

    private static URI redirectTarget(URI from, String location) throws CrawlException {
        String value = location.strip();
        try {
            URI next = value.length() > 8192 ? null : from.resolve(new URI(value));
            if (next != null
                    && next.getHost() != null
                    && ("https".equalsIgnoreCase(next.getScheme()) || "http".equalsIgnoreCase(next.getScheme()))) {
                return next;
            }
        } catch (URISyntaxException | IllegalArgumentException e) {
            // reported below
        }
        throw new CrawlException("unusable redirect from " + from + ": Location "
                + (value.length() > 200 ? value.substring(0, 200) + "…" : value));
    }

    static boolean sameOrigin(URI a, URI b) {
        return a.getScheme() != null
                && a.getScheme().equalsIgnoreCase(b.getScheme())
                && a.getHost() != null
                && a.getHost().equalsIgnoreCase(b.getHost())
                && port(a) == port(b);
    }

    private static int port(URI u) {
        return u.getPort() >= 0 ? u.getPort() : "https".equalsIgnoreCase(u.getScheme()) ? 443 : 80;
    }

    private HttpResult getOnce(Request request) throws CrawlException {
        HostGate gate = hosts.computeIfAbsent(hostOf(request.uri()), h -> new HostGate(settings.perHostConcurrency()));
        String down = gate.unreachable(clock.instant());
        if (down != null) {
            throw new CrawlException("cannot reach " + hostOf(request.uri()) + " (" + down + "): backing off");
        }
        int attempt = 0;
        Budget budget = budgets.get(hostOf(request.uri()));
        while (true) {
            attempt++;
            Instant next = budget == null ? null : budget.take(clock.instant());
            if (next != null) {
                overBudget.increment();
                throw new CrawlException(
                        "request budget of " + budget.perHour + " an hour for " + hostOf(request.uri()) + " spent ("
                                + budget.setting + "); next request at " + next,
                        true,
                        null);
            }
            waitForHost(gate, request.uri());
            HttpResult result;
            try {
                result = exchange(gate, request);
            } catch (TransientFailure e) {
                if (attempt >= settings.maxAttempts()) {
                    if (e.getCause() instanceof ConnectException) {
                        gate.markUnreachable(clock.instant(), message(e.getCause()));
                    }
                    throw new CrawlException(
                            e.getMessage() + " (gave up after " + attempt + " attempts)", e.getCause());
                }
                backoff(attempt, null, request.uri(), e.getMessage());
                continue;
            }
            Duration limitWait = rateLimitWait(result);
            if (limitWait != null) {
                rateLimited.increment();
                Instant until = clock.instant().plus(limitWait);
                gate.blockUntil(until);
                if (attempt >= settings.maxAttempts() || limitWait.compareTo(settings.maxRateLimitWait()) > 0) {
                    throw new CrawlException(
                            "rate limited by " + hostOf(request.uri()) + " (HTTP " + result.status() + ") until "
                                    + until,
                            true,
                            null);
                }
                LOG.info(
                        "rate limited by {} (HTTP {}): waiting {} s",
                        hostOf(request.uri()),
                        result.status(),
                        limitWait.toSeconds());
                continue;
            }
            if (result.status() >= 500 || result.status() == 408) {
                String what = "HTTP " + result.status() + " from " + request.uri();
                if (attempt >= settings.maxAttempts()) {
                    throw new CrawlException(what + " (gave up after " + attempt + " attempts)");
                }
                backoff(attempt, retryAfter(result), request.uri(), what);
                continue;
            }
            gate.reachable();
            noteRemaining(gate, result);
            return result;
        }
    }

    private HttpResult exchange(HostGate gate, Request request) throws CrawlException, TransientFailure {
        HttpRequest.Builder builder = HttpRequest.newBuilder(request.uri())
                .timeout(settings.requestTimeout())
                .header("User-Agent", settings.userAgent())
                .GET();
        if (request.accept() != null) {
            builder.header("Accept", request.accept());
        }
        if (request.etag() != null) {
            builder.header("If-None-Match", request.etag());
        }
        if (request.token() != null) {
            builder.header("Authorization", "Bearer " + request.token().reveal());
        }
        int cap = request.maxBodyBytes() > 0 ? request.maxBodyBytes() : settings.maxBodyBytes();
        try {
            gate.permits.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CrawlException("interrupted", e);
        }
        requests.increment();
        CompletableFuture<HttpResponse<byte[]>> future = client.sendAsync(builder.build(), info -> new CappedBody(cap));
        try {
            HttpResponse<byte[]> response = future.get(settings.requestTimeout().toMillis(), TimeUnit.MILLISECONDS);
            return new HttpResult(response.uri(), response.statusCode(), response.headers(), response.body());
        } catch (TimeoutException e) {
            future.cancel(true);
            throw new TransientFailure(
                    "timed out after " + describe(settings.requestTimeout()) + ": GET " + request.uri(), e);
        } catch (InterruptedException e) {
            future.cancel(true);
            Thread.currentThread().interrupt();
            throw new CrawlException("interrupted: GET " + request.uri(), e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof BodyTooLarge) {
                throw new CrawlException(
                        "response from " + request.uri() + " is larger than the limit of " + cap + " bytes");
            }
            if (cause instanceof HttpTimeoutException) {
                throw new TransientFailure(
                        "timed out after " + describe(settings.requestTimeout()) + ": GET " + request.uri(), cause);
            }
            if (cause instanceof ConnectException) {
                throw new TransientFailure("cannot connect to " + hostOf(request.uri()) + ": " + message(cause), cause);
            }
            if (cause instanceof IOException) {
                throw new TransientFailure("I/O error on GET " + request.uri() + ": " + message(cause), cause);
            }
            throw new CrawlException("GET " + request.uri() + " failed: " + message(cause), cause);
        } finally {
            gate.permits.release();
        }
    }

    private void waitForHost(HostGate gate, URI uri) throws CrawlException {
        Instant until = gate.blockedUntil();
        Instant now = clock.instant();
        if (until == null || !until.isAfter(now)) {
            return;
        }
        Duration wait = Duration.between(now, until);
        if (wait.compareTo(settings.maxRateLimitWait()) > 0) {
            throw new CrawlException("rate limited by " + hostOf(uri) + " until " + until, true, null);
        }
        sleep(wait);
        gate.clear(until);
    }

    private void backoff(int attempt, Duration retryAfter, URI uri, String why) throws CrawlException {
        retries.increment();
        long factor = 1L << Math.min(attempt - 1, 10);
        Duration wait = settings.initialBackoff().multipliedBy(factor);
        if (wait.compareTo(MAX_BACKOFF) > 0) {
            wait = MAX_BACKOFF;
        }
        if (retryAfter != null
                && retryAfter.compareTo(wait) > 0
                && retryAfter.compareTo(settings.maxRateLimitWait()) <= 0) {
            wait = retryAfter;
        }
        LOG.info("{}; retry {} of {} in {}", why, attempt, settings.maxAttempts() - 1, describe(wait));
        sleep(wait);
    }

    private void sleep(Duration wait) throws CrawlException {
        try {
            sleeper.sleep(wait);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CrawlException("interrupted while waiting", e);
        }
    }

    /** Null when the response is not a rate limit; otherwise how long the platform wants us to wait. */
    Duration rateLimitWait(HttpResult r) {
        int status = r.status();
        if (status != 429 && status != 403) {
            return null;
        }
        Duration retryAfter = retryAfter(r);
        String remaining = r.header("x-ratelimit-remaining").orElse(null);
        boolean exhausted = "0".equals(remaining != null ? remaining.strip() : null);
        Duration hfReset = hfReset(r);
        if (status == 403 && retryAfter == null && !exhausted && !mentionsRateLimit(r)) {
            return null; // a real 403: forbidden, blocked by ToS, ...
        }
        if (retryAfter != null) {
            return retryAfter;
        }
        if (exhausted) {
            Optional<String> reset = r.header("x-ratelimit-reset");
            if (reset.isPresent()) {
                Duration wait = untilEpochSecond(reset.get());
                if (wait == null) {
                    return SECONDARY_LIMIT_WAIT;
                }
                wait = clamp(wait.plusSeconds(1));
                return wait.isZero() ? Duration.ofSeconds(1) : wait;
            }
            if (hfReset == null) {
                return UNANNOUNCED_RESET;
            }
        }
        if (hfReset != null) {
            return hfReset;
        }
        return SECONDARY_LIMIT_WAIT;
    }

    /** Retry-After as delta-seconds or an HTTP-date, clamped to [0, {@link #MAX_ANNOUNCED_WAIT}]; null when absent or unreadable. */
    Duration retryAfter(HttpResult r) {
        Optional<String> value = r.header("retry-after");
        if (value.isEmpty()) {
            return null;
        }
        String v = value.get().strip();
        if (!v.isEmpty() && v.length() <= 64 && v.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return seconds(v);
        }
        if (v.length() > 64) {
            return null;
        }
        try {
            Instant at =
                    ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            return clamp(Duration.between(clock.instant(), at));
        } catch (DateTimeException | ArithmeticException e) { // unparseable, or out of range
            return null;
        }
    }

    /** Hugging Face's {@code ratelimit: "api";r=0;t=55}: seconds until the window resets, clamped. */
    static Duration hfReset(HttpResult r) {
        Optional<String> value = r.header("ratelimit");
        if (value.isEmpty() || value.get().length() > 1024) {
            return null;
        }
        Matcher m = HF_RATELIMIT_RESET.matcher(value.get());
        return m.find() ? seconds(m.group(1)) : null;
    }

    /** Decimal digits as a number of seconds, saturating at {@link #MAX_ANNOUNCED_WAIT}. */
    static Duration seconds(String digits) {
        if (digits.length() > 18) {
            return MAX_ANNOUNCED_WAIT;
        }
        return clamp(Duration.ofSeconds(Long.parseLong(digits)));
    }

    static Duration clamp(Duration d) {
        return d.isNegative() ? Duration.ZERO : d.compareTo(MAX_ANNOUNCED_WAIT) > 0 ? MAX_ANNOUNCED_WAIT : d;
    }

    /** From now until an epoch second given as text, clamped; null when it is not a plain number. */
    private Duration untilEpochSecond(String text) {
        String v = text.strip();
        if (v.isEmpty() || v.length() > 64 || !v.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return null;
        }
        long now = clock.instant().getEpochSecond();
        if (v.length() > 18) {
            return MAX_ANNOUNCED_WAIT;
        }
        long at = Long.parseLong(v);
        return clamp(Duration.ofSeconds(at - now)); // both below 10^18: no overflow
    }

    private static boolean mentionsRateLimit(HttpResult r) {
        int n = Math.min(r.body().length, 4096);
        String text = new String(r.body(), 0, n, StandardCharsets.UTF_8).toLowerCase(Locale.ROOT);
        return text.contains("rate limit");
    }

    /** When a success says the budget is spent, later requests to that host wait for the reset. */
    private void noteRemaining(HostGate gate, HttpResult r) {
        String remaining = r.header("x-ratelimit-remaining").orElse("").strip();
        String reset = r.header("x-ratelimit-reset").orElse("").strip();
        if ("0".equals(remaining) && !reset.isEmpty()) {
            Duration wait = untilEpochSecond(reset);
            if (wait != null) { // otherwise not a reset time we understand: the next request will find out
                gate.blockUntil(clock.instant().plus(wait));
            }
        }
    }

    static String hostOf(URI uri) {
        String host = uri.getHost() == null ? String.valueOf(uri.getAuthority()) : uri.getHost();
        return uri.getPort() < 0 ? host : host + ":" + uri.getPort();
    }

    private static String describe(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }

    private static String message(Throwable t) {
        return t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName();
    }

    /** Per host: a concurrency limit and the time until which the host asked us to hold off. */
    private static final class HostGate {
        final Semaphore permits;
        private volatile Instant blockedUntil;
        private Instant unreachableUntil;
        private String unreachableReason;
        private int unreachableTimes;

        HostGate(int concurrency) {
            this.permits = new Semaphore(concurrency, true);
        }

        Instant blockedUntil() {
            return blockedUntil;
        }

        /**
         * A host that refused connections through every retry is not tried again for a while
         * (30 s, doubling to 10 min), so an offline crawler fails fast instead of retrying each job.
         */
        synchronized void markUnreachable(Instant now, String reason) {
            unreachableTimes++;
            long seconds = Math.min(600, 30L << Math.min(unreachableTimes - 1, 5));
            unreachableUntil = now.plusSeconds(seconds);
            unreachableReason = reason;
        }

        synchronized String unreachable(Instant now) {
            return unreachableUntil != null && unreachableUntil.isAfter(now) ? unreachableReason : null;
        }

        synchronized void reachable() {
            unreachableUntil = null;
            unreachableTimes = 0;
        }

        /** The wait until {@code until} is over (whatever the clock says: tests wait without time passing). */
        synchronized void clear(Instant until) {
            if (until.equals(blockedUntil)) {
                blockedUntil = null;
            }
        }

        synchronized void blockUntil(Instant until) {
            if (blockedUntil == null || until.isAfter(blockedUntil)) {
                blockedUntil = until;
            }
        }
    }

    /** A failure worth another attempt: timeouts and connection problems. */
    private static final class TransientFailure extends Exception {
        private static final long serialVersionUID = 1L;

        TransientFailure(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private static final class BodyTooLarge extends IOException {
        private static final long serialVersionUID = 1L;
    }

    /** Gathers the body while counting it, and gives up (cancelling the stream) past the cap. */
    private static final class CappedBody implements HttpResponse.BodySubscriber<byte[]> {
        private final int cap;
        private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        private final CompletableFuture<byte[]> body = new CompletableFuture<>();
        private Flow.Subscription subscription;

        CappedBody(int cap) {
            this.cap = cap;
        }

        @Override
        public CompletionStage<byte[]> getBody() {
            return body;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            s.request(1);
        }

        @Override
        public void onNext(List<ByteBuffer> buffers) {
            if (body.isDone()) {
                return;
            }
            for (ByteBuffer b : buffers) {
                if ((long) buffer.size() + b.remaining() > cap) {
                    subscription.cancel();
                    body.completeExceptionally(new BodyTooLarge());
                    return;
                }
                byte[] bytes = new byte[b.remaining()];
                b.get(bytes);
                buffer.writeBytes(bytes);
            }
            subscription.request(1);
        }

        @Override
        public void onError(Throwable t) {
            body.completeExceptionally(t);
        }

        @Override
        public void onComplete() {
            body.complete(buffer.toByteArray());
        }
    }
}
