package org.revenant.crawl;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A local HTTP server that answers like a platform's API: responses come from fixture files in
 * {@code src/test/resources/fixtures} written as raw HTTP (status line, headers, blank line, body),
 * with {@code {{base}}} replaced by this server's URL, {@code {{name}}} by values {@link #set} and {@code {{now+N}}} by epoch seconds N from now.
 * Routes match on the path plus query, exact first, then the longest prefix ending in {@code *}.
 */
public final class FixtureServer implements AutoCloseable {

    /** One answer. */
    public record Response(int status, Map<String, String> headers, byte[] body, long delayMillis) {
        public Response withHeader(String name, String value) {
            Map<String, String> h = new LinkedHashMap<>(headers);
            h.put(name, value);
            return new Response(status, h, body, delayMillis);
        }

        public Response delayed(long millis) {
            return new Response(status, headers, body, millis);
        }
    }

    /** A request as the server saw it. */
    public record Seen(String path, Map<String, String> headers) {
        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(4);
    private final Map<String, Function<Seen, Response>> routes = Collections.synchronizedMap(new LinkedHashMap<>());
    private final Deque<Seen> seen = new ConcurrentLinkedDeque<>();
    private final Map<String, String> vars = new ConcurrentHashMap<>();

    public FixtureServer() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    public String base() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public URI uri(String pathAndQuery) {
        return URI.create(base() + pathAndQuery);
    }

    /** Answers the route with a fixture file, honouring If-None-Match against the fixture's ETag. */
    public FixtureServer file(String route, String fixture) {
        return on(route, req -> conditional(req, load(fixture)));
    }

    /** Answers the route with these responses in turn, repeating the last. */
    public FixtureServer sequence(String route, Response... responses) {
        Deque<Response> queue = new ConcurrentLinkedDeque<>(List.of(responses));
        return on(route, req -> queue.size() > 1 ? queue.poll() : queue.peek());
    }

    public FixtureServer on(String route, Function<Seen, Response> responder) {
        routes.put(route, responder);
        return this;
    }

    public void remove(String route) {
        routes.remove(route);
    }

    /** A value for {@code {{name}}} in fixture files. */
    public FixtureServer set(String name, String value) {
        vars.put(name, value);
        return this;
    }

    public List<Seen> requests() {
        return new ArrayList<>(seen);
    }

    public long count(String pathPrefix) {
        return seen.stream().filter(s -> s.path().startsWith(pathPrefix)).count();
    }

    /** Reads a fixture file, filling in the placeholders. */
    public Response load(String fixture) {
        String raw;
        try (InputStream in = FixtureServer.class.getResourceAsStream("/fixtures/" + fixture)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture " + fixture);
            }
            raw = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        raw = fill(raw);
        int split = raw.indexOf("\n\n");
        String head = split < 0 ? raw : raw.substring(0, split);
        String body = split < 0 ? "" : raw.substring(split + 2);
        String[] lines = head.split("\n");
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            headers.put(
                    lines[i].substring(0, colon).strip(),
                    lines[i].substring(colon + 1).strip());
        }
        return new Response(status, headers, body.getBytes(StandardCharsets.UTF_8), 0);
    }

    public static Response json(int status, String body, String... headerPairs) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/json; charset=utf-8");
        for (int i = 0; i + 1 < headerPairs.length; i += 2) {
            headers.put(headerPairs[i], headerPairs[i + 1]);
        }
        return new Response(status, headers, body.getBytes(StandardCharsets.UTF_8), 0);
    }

    public static Response bytes(int status, byte[] body, String contentType) {
        return new Response(status, Map.of("Content-Type", contentType), body, 0);
    }

    private String fill(String raw) {
        String out = raw.replace("{{base}}", base()).replace("\r\n", "\n");
        for (Map.Entry<String, String> v : vars.entrySet()) {
            out = out.replace("{{" + v.getKey() + "}}", v.getValue());
        }
        Matcher m = Pattern.compile("\\{\\{now\\+(\\d+)}}").matcher(out);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(sb, Long.toString(Instant.now().getEpochSecond() + Long.parseLong(m.group(1))));
        }
        m.appendTail(sb);
        return sb.toString();
    }

    private static Response conditional(Seen req, Response r) {
        String etag = r.headers().get("ETag");
        String ifNoneMatch = req.header("If-None-Match");
        if (etag != null && etag.equals(ifNoneMatch)) {
            Map<String, String> h = new LinkedHashMap<>(r.headers());
            h.remove("Content-Type");
            return new Response(304, h, new byte[0], 0);
        }
        return r;
    }

    private Function<Seen, Response> route(String pathAndQuery) {
        synchronized (routes) {
            Function<Seen, Response> exact = routes.get(pathAndQuery);
            if (exact != null) {
                return exact;
            }
            String best = null;
            for (String r : routes.keySet()) {
                if (r.endsWith("*")
                        && pathAndQuery.startsWith(r.substring(0, r.length() - 1))
                        && (best == null || r.length() > best.length())) {
                    best = r;
                }
            }
            return best == null ? null : routes.get(best);
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String pathAndQuery = exchange.getRequestURI().getRawPath()
                    + (exchange.getRequestURI().getRawQuery() == null
                            ? ""
                            : "?" + exchange.getRequestURI().getRawQuery());
            Map<String, String> headers = new LinkedHashMap<>();
            exchange.getRequestHeaders()
                    .forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), String.join(",", v)));
            Seen req = new Seen(pathAndQuery, headers);
            seen.add(req);
            Function<Seen, Response> responder = route(pathAndQuery);
            Response r = responder == null
                    ? json(404, "{\"message\":\"Not Found\",\"documentation_url\":\"https://docs.github.com/rest\"}")
                    : responder.apply(req);
            if (r.delayMillis() > 0) {
                try {
                    Thread.sleep(r.delayMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            Headers out = exchange.getResponseHeaders();
            r.headers().forEach(out::add);
            boolean empty = r.body().length == 0 || r.status() == 304;
            exchange.sendResponseHeaders(r.status(), empty ? -1 : r.body().length);
            if (!empty) {
                try (OutputStream os = exchange.getResponseBody()) {
                    os.write(r.body());
                }
            }
        } catch (IOException e) {
            // the client went away (a timeout or a size cap on its side): nothing to answer
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
