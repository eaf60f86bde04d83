package org.revenant.http.webhook;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.Executors;
import org.revenant.avro.AlertEvent;
import org.revenant.avro.AlertEventType;
import org.revenant.avro.Evidence;
import org.revenant.avro.Severity;
import org.revenant.avro.SignatureKind;

/** A local webhook receiver answering with scripted statuses, and alert events shaped like the real ones. */
final class WebhookFixtures {

    record Received(Map<String, String> headers, byte[] body, String query) {
        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    /** Receives POSTs on /hook; answers each with the next scripted status, then 200. */
    static final class Receiver implements AutoCloseable {
        final HttpServer server;
        final List<Received> received = Collections.synchronizedList(new ArrayList<>());
        final ConcurrentLinkedDeque<Integer> statuses = new ConcurrentLinkedDeque<>();
        /** Milliseconds to wait before answering, one per request, in order. */
        final ConcurrentLinkedDeque<Long> delays = new ConcurrentLinkedDeque<>();

        Receiver(Integer... script) throws IOException {
            statuses.addAll(List.of(script));
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.setExecutor(Executors.newCachedThreadPool());
            server.createContext("/hook", exchange -> {
                Map<String, String> headers = new HashMap<>();
                exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), v.get(0)));
                received.add(new Received(
                        headers,
                        exchange.getRequestBody().readAllBytes(),
                        exchange.getRequestURI().getRawQuery()));
                Integer status = statuses.poll();
                Long wait = delays.poll();
                if (wait != null) {
                    try {
                        Thread.sleep(wait);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                exchange.sendResponseHeaders(status == null ? 200 : status, -1);
                exchange.close();
            });
            server.start();
        }

        URI url() {
            return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/hook");
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }

    static WebhookSubscription subscription(
            String name,
            URI url,
            WebhookSubscription.Format format,
            boolean allowPrivate,
            int attempts,
            Set<String> datasets,
            Set<String> events) {
        return new WebhookSubscription(
                name,
                url,
                format,
                "s3cret".getBytes(StandardCharsets.UTF_8),
                datasets,
                Set.of(),
                Set.of(),
                events,
                allowPrivate,
                attempts,
                Duration.ofMillis(10),
                Duration.ofSeconds(5));
    }

    static AlertEvent event(String datasetId, AlertEventType type, String mirrorKey, String title) {
        return AlertEvent.newBuilder()
                .setEventId(datasetId + "|" + mirrorKey + "@snap-1#" + type.name())
                .setAlertKey(datasetId + "|" + mirrorKey)
                .setEvent(type)
                .setDatasetId(datasetId)
                .setDatasetName(title)
                .setMirrorKey(mirrorKey)
                .setPlatform(mirrorKey.substring(0, mirrorKey.indexOf(':')))
                .setMirrorUrl("https://github.com/" + mirrorKey.substring(mirrorKey.indexOf(':') + 1))
                .setSeverity(Severity.CONFIRMED)
                .setConfidence(0.99)
                .setPostRetraction(true)
                .setReappearances(type == AlertEventType.REAPPEARED ? 1 : 0)
                .setObservedAt(Instant.parse("2026-11-22T00:00:00Z"))
                .setSnapshotId("snap-1")
                .setEvidence(List.of(new Evidence(
                        SignatureKind.FILE_SIZE,
                        "91124295076",
                        "data/<b>a</b>.tsv",
                        0.9,
                        "a file of exactly 91124295076 bytes")))
                .build();
    }

    private WebhookFixtures() {}
}
