package org.revenant.http.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.revenant.http.webhook.WebhookFixtures.event;
import static org.revenant.http.webhook.WebhookFixtures.subscription;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.revenant.avro.AlertEventType;
import org.revenant.http.metrics.RevenantMetrics;

/**
 * https targets through the pinned connection: the request goes to the address that was checked,
 * while the certificate must name the URL's host. The receiver's certificate (for receiver.test)
 * is made by keytool for each run.
 */
@Timeout(60)
class WebhookTlsTest {

    @TempDir
    Path dir;

    private final MockProducer<byte[], byte[]> dlq =
            new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
    private final RevenantMetrics metrics = new RevenantMetrics();
    private final List<String> hosts = new CopyOnWriteArrayList<>();
    private HttpsServer server;
    private SSLContext clientTls;

    @BeforeEach
    void start() throws Exception {
        Path keystore = dir.resolve("receiver.p12");
        Process keytool = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "keytool")
                                .toString(),
                        "-genkeypair",
                        "-alias",
                        "receiver",
                        "-keyalg",
                        "EC",
                        "-groupname",
                        "secp256r1",
                        "-dname",
                        "CN=receiver.test",
                        "-ext",
                        "SAN=dns:receiver.test",
                        "-validity",
                        "2",
                        "-keystore",
                        keystore.toString(),
                        "-storetype",
                        "PKCS12",
                        "-storepass",
                        "changeit",
                        "-keypass",
                        "changeit")
                .redirectErrorStream(true)
                .start();
        assertTrue(
                keytool.waitFor(30, TimeUnit.SECONDS) && keytool.exitValue() == 0,
                new String(keytool.getInputStream().readAllBytes()));
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            store.load(in, "changeit".toCharArray());
        }
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(store, "changeit".toCharArray());
        SSLContext serverTls = SSLContext.getInstance("TLS");
        serverTls.init(keys.getKeyManagers(), null, null);
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(store);
        clientTls = SSLContext.getInstance("TLS");
        clientTls.init(null, trust.getTrustManagers(), null);

        server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(serverTls));
        server.createContext("/hook", exchange -> {
            hosts.add(exchange.getRequestHeaders().getFirst("Host"));
            exchange.getRequestBody().readAllBytes();
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
        metrics.close();
    }

    @Test
    void anHttpsTargetIsReachedAtTheCheckedAddressAndVerifiedAgainstTheUrlsHost() throws Exception {
        URI url = URI.create("https://receiver.test:" + server.getAddress().getPort() + "/hook");
        WebhookSubscription s = subscription("tls", url, WebhookSubscription.Format.JSON, true, 1, Set.of(), Set.of());

        assertEquals(
                WebhookDispatcher.Outcome.DELIVERED,
                dispatcher(s)
                        .deliver(s, event("ms-celeb-1m", AlertEventType.OPENED, "github:a/b", "MS"), "alerts", 0, 0));
        assertEquals(List.of("receiver.test:" + server.getAddress().getPort()), hosts);
    }

    @Test
    void aCertificateThatDoesNotNameTheUrlsHostFailsTheDelivery() throws Exception {
        URI url = URI.create("https://other.test:" + server.getAddress().getPort() + "/hook");
        WebhookSubscription s = subscription("tls", url, WebhookSubscription.Format.JSON, true, 1, Set.of(), Set.of());

        assertEquals(
                WebhookDispatcher.Outcome.FAILED,
                dispatcher(s)
                        .deliver(s, event("ms-celeb-1m", AlertEventType.OPENED, "github:a/b", "MS"), "alerts", 0, 0));
        assertTrue(hosts.isEmpty(), "nothing was sent");
        String error = new String(
                dlq.history()
                        .get(0)
                        .headers()
                        .lastHeader("revenant.webhook.error")
                        .value(),
                StandardCharsets.UTF_8);
        assertTrue(error.contains("SSLHandshakeException"), error);
    }

    private WebhookDispatcher dispatcher(WebhookSubscription s) {
        TargetGuard.Resolver resolver = host -> new InetAddress[] {InetAddress.getByName("127.0.0.1")};
        return new WebhookDispatcher(List.of(s), dlq, "revenant.dlq", metrics, resolver, clientTls);
    }
}
