package org.revenant.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.Multipart;
import jakarta.mail.internet.MimeMessage;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.revenant.detect.DetectConfig;
import org.revenant.detect.RevenantStreams;
import org.revenant.health.Components;
import org.revenant.http.metrics.RevenantMetrics;
import org.revenant.testkit.KafkaBroker;
import org.revenant.wire.TopicSetup;
import org.revenant.wire.Topics;

/**
 * Issue "SMTP subscriptions beside webhooks", done when: the alert after a snapshot of the MS-Celeb-1M
 * torrent reaches a local SMTP server through an e-mail subscription of the --webhooks file, read
 * and started by the CLI's own options.
 */
@Tag("broker")
@Timeout(180)
class EmailEndToEndTest {

    @RegisterExtension
    static final KafkaBroker KAFKA = new KafkaBroker();

    @TempDir
    Path dir;

    @Test
    void theMsCelebTorrentSnapshotAlertArrivesByEmail() throws Exception {
        String prefix = KafkaBroker.uniquePrefix("e2e-email") + ".";
        Topics topics = new Topics(prefix);
        TopicSetup.ensure(KAFKA.admin(), topics, 2, (short) 1);
        assertEquals(
                0,
                cli(prefix, "registry", "load", Path.of("..", "registry").toString())
                        .exit());
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        GreenMail smtp = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        smtp.start();
        HttpOptions http = new HttpOptions();
        http.webhooks = Files.writeString(
                dir.resolve("subscriptions.yaml"),
                "email:\n  - name: watchdog\n    host: 127.0.0.1\n    port: " + port
                        + "\n    security: none\n    allowPrivate: true\n    from: revenant@localhost\n"
                        + "    to: [watchdog@localhost]\n    filters:\n      datasets: [ms-celeb-1m]\n");
        assertEquals(List.of(), http.subscriptions(), "no webhooks in this file");
        assertEquals(1, http.emailSubscriptions().size());

        Properties client = new Properties();
        client.put("bootstrap.servers", KAFKA.bootstrapServers());
        Properties notifierClient = new Properties();
        notifierClient.putAll(client);
        // The topics are this test's own: reading them from the start cannot race the notifier's join.
        notifierClient.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        Components components = new Components();
        try (RevenantStreams streams = new RevenantStreams(
                        DetectConfig.defaults(topics), client, prefix + "detect", dir.resolve("state"));
                RevenantMetrics metrics = new RevenantMetrics();
                AutoCloseable notifiers = http.startWebhooks(
                        http.subscriptions(), notifierClient, topics, prefix + "detect", metrics, components)) {
            streams.start();
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (streams.kafkaStreams().state() != KafkaStreams.State.RUNNING && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertEquals(KafkaStreams.State.RUNNING, streams.kafkaStreams().state());

            Map<String, Long> files = new LinkedHashMap<>();
            files.put("faces/part-a.bin", 91_124_295_076L);
            files.put("faces/part-b.bin", 155_266_310_084L);
            Path torrent = Files.write(dir.resolve("faces.torrent"), Bencode.torrent("celebrity-faces-2024", files));
            CliTest.Result published = cli(prefix, "snapshot", "torrent", torrent.toString());
            assertEquals(0, published.exit(), published.err());

            assertTrue(smtp.waitForIncomingEmail(90_000, 1), "the alert e-mail arrived");
            MimeMessage message = smtp.getReceivedMessages()[0];
            assertTrue(
                    message.getSubject().startsWith("[Revenant] OPENED MS-Celeb-1M on torrent:"), message.getSubject());
            Multipart parts = (Multipart) message.getContent();
            assertEquals(2, parts.getCount());
            String text = (String) parts.getBodyPart(0).getContent();
            String html = (String) parts.getBodyPart(1).getContent();
            assertTrue(text.contains("celebrity-faces-2024/faces/part-a.bin"), text);
            assertTrue(html.contains("celebrity-faces-2024/faces/part-b.bin"), html);
            List<String> states = new ArrayList<>();
            components.snapshots().forEach(c -> states.add(c.name() + "=" + c.state()));
            assertTrue(states.contains("email=UP"), states.toString());
        } finally {
            smtp.stop();
        }
    }

    private static CliTest.Result cli(String prefix, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--bootstrap-servers", KAFKA.bootstrapServers(), "--topic-prefix", prefix));
        return CliTest.run(all.toArray(String[]::new));
    }
}
