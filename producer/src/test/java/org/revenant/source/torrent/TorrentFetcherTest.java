package org.revenant.source.torrent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(20)
class TorrentFetcherTest {

    private static final byte[] TORRENT = TorrentFixtures.torrent(TorrentFixtures.singleFileInfo("faces.tsv", 10));

    private HttpServer server;
    private final AtomicReference<String> userAgent = new AtomicReference<>();

    @BeforeEach
    void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newCachedThreadPool());
        server.start();
    }

    @AfterEach
    void stopServer() {
        server.stop(0);
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
    }

    private void serve(String path, HttpHandler handler) {
        server.createContext(path, exchange -> {
            userAgent.set(exchange.getRequestHeaders().getFirst("User-Agent"));
            try (exchange) {
                handler.handle(exchange);
            } catch (IOException e) {
                // the client hung up on purpose (size cap, timeout)
            }
        });
    }

    private static void respond(HttpExchange exchange, int status, String type, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        exchange.getResponseBody().write(body);
    }

    private static TorrentFetcher fetcher(Duration timeout, int maxBytes) {
        return new TorrentFetcher(new TorrentFetcher.Settings(Duration.ofSeconds(2), timeout, maxBytes, "9.9.9"));
    }

    @Test
    void downloadsATorrentAndIdentifiesItself() throws Exception {
        serve("/download/x.torrent", ex -> respond(ex, 200, "application/x-bittorrent", TORRENT));
        TorrentFetcher fetcher = fetcher(Duration.ofSeconds(5), 1 << 20);
        assertArrayEquals(TORRENT, fetcher.fetch(uri("/download/x.torrent")));
        assertEquals("Revenant/9.9.9 (+https://github.com/revenant)", userAgent.get());
        assertEquals(
                "faces.tsv", fetcher.fetchMetainfo(uri("/download/x.torrent")).name());
    }

    @Test
    void followsRedirects() throws Exception {
        serve("/old", ex -> {
            ex.getResponseHeaders().set("Location", uri("/new").toString());
            ex.sendResponseHeaders(302, -1);
        });
        serve("/new", ex -> respond(ex, 200, "application/x-bittorrent", TORRENT));
        assertArrayEquals(TORRENT, fetcher(Duration.ofSeconds(5), 1 << 20).fetch(uri("/old")));
    }

    @Test
    void notFoundIsAnErrorCarryingTheStatus() {
        serve("/gone.torrent", ex -> respond(ex, 404, "text/plain", "no".getBytes(StandardCharsets.US_ASCII)));
        TorrentFetchException e = assertThrows(
                TorrentFetchException.class,
                () -> fetcher(Duration.ofSeconds(5), 1 << 20).fetch(uri("/gone.torrent")));
        assertEquals(404, e.status());
        assertEquals("HTTP 404 fetching " + uri("/gone.torrent"), e.getMessage());
    }

    @Test
    void htmlPageInsteadOfATorrentIsRejected() {
        serve(
                "/login",
                ex -> respond(
                        ex,
                        200,
                        "text/html; charset=utf-8",
                        "<!doctype html><p>please log in".getBytes(StandardCharsets.US_ASCII)));
        TorrentFetchException e = assertThrows(
                TorrentFetchException.class,
                () -> fetcher(Duration.ofSeconds(5), 1 << 20).fetch(uri("/login")));
        assertEquals("expected a .torrent file but " + uri("/login") + " returned an HTML page", e.getMessage());
    }

    @Test
    void oversizedBodyWithContentLengthIsRefusedBeforeReading() {
        serve("/big", ex -> respond(ex, 200, "application/x-bittorrent", new byte[4096]));
        TorrentFetchException e = assertThrows(
                TorrentFetchException.class,
                () -> fetcher(Duration.ofSeconds(5), 1024).fetch(uri("/big")));
        assertTrue(e.getMessage().contains("larger than the limit of 1024 bytes"), e.getMessage());
    }

    @Test
    void oversizedChunkedBodyIsCutOffWhileStreaming() {
        AtomicLong written = new AtomicLong();
        serve("/endless", ex -> {
            ex.getResponseHeaders().set("Content-Type", "application/x-bittorrent");
            ex.sendResponseHeaders(200, 0); // chunked, no length announced
            OutputStream out = ex.getResponseBody();
            byte[] chunk = new byte[8192];
            for (int i = 0; i < 100_000; i++) { // 800 MB if nobody stops it
                out.write(chunk);
                written.addAndGet(chunk.length);
            }
        });
        TorrentFetchException e = assertThrows(
                TorrentFetchException.class,
                () -> fetcher(Duration.ofSeconds(10), 64 * 1024).fetch(uri("/endless")));
        assertTrue(e.getMessage().contains("larger than the limit of 65536 bytes"), e.getMessage());
        assertTrue(written.get() < 100_000L * 8192, "the download was not abandoned");
    }

    @Test
    void serverThatNeverAnswersTimesOut() {
        serve("/slow", ex -> {
            sleep(5_000);
            respond(ex, 200, "application/x-bittorrent", TORRENT);
        });
        long start = System.nanoTime();
        TorrentFetchException e = assertThrows(
                TorrentFetchException.class,
                () -> fetcher(Duration.ofMillis(500), 1 << 20).fetch(uri("/slow")));
        assertEquals("timed out after 500 ms fetching " + uri("/slow"), e.getMessage());
        assertTrue(Duration.ofNanos(System.nanoTime() - start).toMillis() < 4_000);
    }

    @Test
    void bodyDrippedSlowerThanTheDeadlineTimesOut() {
        serve("/drip", ex -> {
            ex.getResponseHeaders().set("Content-Type", "application/x-bittorrent");
            ex.sendResponseHeaders(200, TORRENT.length);
            OutputStream out = ex.getResponseBody();
            for (byte b : TORRENT) {
                out.write(b);
                out.flush();
                sleep(100);
            }
        });
        TorrentFetchException e = assertThrows(
                TorrentFetchException.class,
                () -> fetcher(Duration.ofMillis(700), 1 << 20).fetch(uri("/drip")));
        assertTrue(e.getMessage().startsWith("timed out after 700 ms"), e.getMessage());
    }

    @Test
    void onlyHttpUrlsAreFetched() {
        TorrentFetchException e = assertThrows(
                TorrentFetchException.class,
                () -> fetcher(Duration.ofSeconds(1), 1024).fetch(URI.create("file:///etc/passwd")));
        assertEquals("cannot fetch file:///etc/passwd: only http and https are supported", e.getMessage());
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
