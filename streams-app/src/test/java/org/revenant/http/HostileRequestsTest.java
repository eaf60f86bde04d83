package org.revenant.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.javalin.Javalin;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.state.HostInfo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.revenant.http.metrics.RevenantMetrics;
import org.revenant.wire.Topics;

/** The HTTP layer against hostile clients: raw query strings, too many live-feed clients. No broker needed. */
@Timeout(60)
class HostileRequestsTest {

    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
    }

    @Test
    void aForwardedAlertListCarriesOnlyTheParsedFiltersReEncoded() throws Exception {
        Javalin app = Javalin.create()
                .get("/echo", ctx -> ctx.result(AlertRoutes.forwardedFilters(ctx)))
                .start("127.0.0.1", 0);
        open.add(app::stop);
        // Sent raw: characters java.net.URI refuses (|, ^, ", backtick), an encoded CR/LF, and parameters that are not
        // filters.
        String forwarded = rawGet(
                app.port(),
                "/echo?dataset=ms-celeb-1m|x&platform=%0d%0aX-Evil:%201&state=open%22%5E&limit=5&to=http://169.254.169.254/");

        assertFalse(
                forwarded.contains("limit") || forwarded.contains("169.254") || forwarded.contains("to="), forwarded);
        URI rebuilt = new URI("http://peer:8080/api/alerts?" + forwarded + "limit=5000");
        assertEquals("/api/alerts", rebuilt.getPath());
        List<String> pairs = new ArrayList<>();
        for (String pair : rebuilt.getRawQuery().split("&")) {
            pairs.add(URLDecoder.decode(pair, StandardCharsets.UTF_8));
        }
        assertEquals(List.of("state=open\"^", "dataset=ms-celeb-1m|x", "platform=x-evil: 1", "limit=5000"), pairs);
    }

    @Test
    void aForwardingFailureNamesNoInternalAddress() throws Exception {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "hostile-requests-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:1");
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream("nothing", Consumed.with(Serdes.String(), Serdes.String()));
        KafkaStreams streams = new KafkaStreams(builder.build(), props);
        open.add(streams::close);
        ClusterRouter router = new ClusterRouter(streams, new HostInfo("10.9.8.7", 8080));

        IOException e = assertThrows(
                IOException.class, () -> router.get(new HostInfo("10.9.8.7", 8080), "/api/alerts?dataset=a|b c"));
        assertFalse(e.getMessage().contains("10.9.8.7"), e.getMessage());
    }

    @Test
    void liveFeedClientsBeyondTheMaximumAreRefusedWith503AndTheOthersStillGetEvents() throws Exception {
        Properties client = new Properties();
        client.put("bootstrap.servers", "127.0.0.1:1"); // the feed's consumer is never started here
        RevenantMetrics metrics = new RevenantMetrics();
        open.add(metrics);
        LiveFeed feed = new LiveFeed(client, new Topics("hostile."), metrics, 2);
        Javalin app = Javalin.create();
        app.exception(
                LocalState.NotReady.class,
                (ex, ctx) -> ctx.status(503).header("Retry-After", "1").result(ex.getMessage()));
        feed.serve(app, "/events");
        app.start("127.0.0.1", 0);
        open.add(app::stop);
        open.add(feed);

        HttpClient http = HttpClient.newHttpClient();
        List<String> lines = new CopyOnWriteArrayList<>();
        List<HttpResponse<Stream<String>>> connected = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            HttpResponse<Stream<String>> response = http.sendAsync(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + "/events"))
                                    .header("Accept", "text/event-stream")
                                    .build(),
                            HttpResponse.BodyHandlers.ofLines())
                    .get(10, TimeUnit.SECONDS);
            assertEquals(200, response.statusCode());
            connected.add(response);
            Thread reader = new Thread(() -> {
                try {
                    response.body().forEach(lines::add);
                } catch (RuntimeException closed) {
                    // the test ends
                }
            });
            reader.setDaemon(true);
            reader.start();
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (feed.clients() < 2 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }

        HttpResponse<String> third = http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + "/events"))
                        .header("Accept", "text/event-stream")
                        .timeout(Duration.ofSeconds(10))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(503, third.statusCode());
        assertEquals("1", third.headers().firstValue("Retry-After").orElse(""));
        assertEquals(2, feed.clients());

        feed.broadcast(c -> c.sendEvent("alert", "{\"n\": 1}", "e1"));
        while (lines.stream().filter(l -> l.equals("data: {\"n\": 1}")).count() < 2 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(2, lines.stream().filter(l -> l.equals("data: {\"n\": 1}")).count(), lines.toString());
        connected.forEach(r -> r.body().close());
    }

    @Test
    void aLiveFeedClientThatStopsReadingIsDroppedWithoutDelayingTheOthers() throws Exception {
        Properties client = new Properties();
        client.put("bootstrap.servers", "127.0.0.1:1");
        RevenantMetrics metrics = new RevenantMetrics();
        open.add(metrics);
        LiveFeed feed = new LiveFeed(client, new Topics("hostile."), metrics, 10);
        Javalin app = Javalin.create();
        feed.serve(app, "/events");
        app.start("127.0.0.1", 0);
        open.add(app::stop);
        open.add(feed);

        Socket stalled = new Socket("127.0.0.1", app.port());
        open.add(stalled);
        stalled.setReceiveBufferSize(4096);
        stalled.getOutputStream()
                .write("GET /events HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n\r\n"
                        .getBytes(StandardCharsets.US_ASCII));
        HttpResponse<Stream<String>> reader = HttpClient.newHttpClient()
                .sendAsync(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + "/events"))
                                .header("Accept", "text/event-stream")
                                .build(),
                        HttpResponse.BodyHandlers.ofLines())
                .get(10, TimeUnit.SECONDS);
        List<String> received = new CopyOnWriteArrayList<>();
        Thread reading = new Thread(() -> {
            try {
                reader.body().filter(l -> l.startsWith("data: ")).forEach(received::add);
            } catch (RuntimeException closed) {
                // the test ends
            }
        });
        reading.setDaemon(true);
        reading.start();
        long deadline = System.nanoTime() + Duration.ofSeconds(40).toNanos();
        while (feed.clients() < 2 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(2, feed.clients());

        String big = "x".repeat(32 * 1024);
        int events = LiveFeed.QUEUE * 3;
        for (int i = 0; i < events; i++) {
            String data = i + " " + big;
            feed.broadcast(c -> c.sendEvent("alert", data, "e"));
            Thread.sleep(2); // a steady stream a reading client keeps up with; a burst beyond the queue would drop any
            // client
        }
        while ((received.size() < events || feed.clients() > 1) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(1, feed.clients(), "the client that stopped reading was dropped");
        assertEquals(events, received.size(), "the reading client got every event");
        reader.body().close();
    }

    private static String rawGet(int port, String target) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            String response = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(response.startsWith("HTTP/1.1 200"), response);
            return response.substring(response.indexOf("\r\n\r\n") + 4);
        }
    }
}
