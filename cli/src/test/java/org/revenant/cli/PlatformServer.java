package org.revenant.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;

/**
 * A local server standing in for the platforms in end-to-end tests: routes on path plus query,
 * bodies from {@code src/test/resources/platforms} with {@code {{name}}} placeholders, the ETag
 * answered with 304 when the client sends it back.
 */
final class PlatformServer implements AutoCloseable {

    record Reply(int status, String contentType, byte[] body, Map<String, String> headers) {
        static Reply json(int status, String body, String... headers) {
            Map<String, String> h = new LinkedHashMap<>();
            for (int i = 0; i + 1 < headers.length; i += 2) {
                h.put(headers[i], headers[i + 1]);
            }
            return new Reply(status, "application/json; charset=utf-8", body.getBytes(StandardCharsets.UTF_8), h);
        }
    }

    /** One request: what was asked, and when (epoch ms). */
    record Seen(String path, String ifNoneMatch, String userAgent, long at) {}

    private final HttpServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(4);
    private final Map<String, Function<Seen, Reply>> routes = new ConcurrentHashMap<>();
    private final Map<String, Function<Seen, Reply>> prefixes = new ConcurrentHashMap<>();
    final List<Seen> seen = new CopyOnWriteArrayList<>();

    PlatformServer() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    String base() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    void on(String pathAndQuery, Function<Seen, Reply> reply) {
        routes.put(pathAndQuery, reply);
    }

    /** Answers every path starting with {@code prefix} that has no route of its own (the longest prefix wins). */
    void onPrefix(String prefix, Function<Seen, Reply> reply) {
        prefixes.put(prefix, reply);
    }

    /** A JSON body with an ETag; a request carrying that ETag gets 304. */
    void json(String pathAndQuery, String body, String etag) {
        on(
                pathAndQuery,
                req -> etag.equals(req.ifNoneMatch())
                        ? new Reply(304, null, new byte[0], Map.of("ETag", etag))
                        : Reply.json(
                                200,
                                body,
                                "ETag",
                                etag,
                                "X-RateLimit-Limit",
                                "5000",
                                "X-RateLimit-Remaining",
                                "4999",
                                "X-RateLimit-Reset",
                                Long.toString(System.currentTimeMillis() / 1000 + 3600)));
    }

    /** A resource from platforms/, placeholders filled. */
    String resource(String name, Map<String, String> values) {
        try (InputStream in = PlatformServer.class.getResourceAsStream("/platforms/" + name)) {
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("{{base}}", base());
            for (Map.Entry<String, String> v : values.entrySet()) {
                text = text.replace("{{" + v.getKey() + "}}", v.getValue());
            }
            return text;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String path = ex.getRequestURI().getRawPath()
                    + (ex.getRequestURI().getRawQuery() == null
                            ? ""
                            : "?" + ex.getRequestURI().getRawQuery());
            Seen req = new Seen(
                    path,
                    ex.getRequestHeaders().getFirst("If-None-Match"),
                    ex.getRequestHeaders().getFirst("User-Agent"),
                    System.currentTimeMillis());
            seen.add(req);
            Function<Seen, Reply> route = routes.get(path);
            if (route == null) {
                route = prefixes.entrySet().stream()
                        .filter(e -> path.startsWith(e.getKey()))
                        .max(Map.Entry.comparingByKey(Comparator.comparingInt(String::length)))
                        .map(Map.Entry::getValue)
                        .orElse(null);
            }
            Reply r = route != null
                    ? route.apply(req)
                    : Reply.json(
                            404, "{\"message\":\"Not Found\",\"documentation_url\":\"https://docs.github.com/rest\"}");
            r.headers().forEach((k, v) -> ex.getResponseHeaders().add(k, v));
            if (r.contentType() != null) {
                ex.getResponseHeaders().add("Content-Type", r.contentType());
            }
            boolean empty = r.body().length == 0;
            ex.sendResponseHeaders(r.status(), empty ? -1 : r.body().length);
            if (!empty) {
                try (OutputStream os = ex.getResponseBody()) {
                    os.write(r.body());
                }
            }
        } catch (IOException e) {
            // client went away
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
