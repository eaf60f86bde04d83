package org.revenant.http.email;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.BodyPart;
import jakarta.mail.Multipart;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.revenant.avro.AlertEvent;
import org.revenant.avro.AlertEventType;
import org.revenant.avro.Evidence;
import org.revenant.avro.Severity;
import org.revenant.avro.SignatureKind;
import org.revenant.http.webhook.AlertFilter;

/** Alert events shaped like the real ones, subscriptions to a local GreenMail server, and reading what it got. */
final class EmailFixtures {

    private EmailFixtures() {}

    /** A GreenMail SMTP (or SMTPS) server on 127.0.0.1:{@code port}. */
    static GreenMail smtp(int port, String protocol) {
        GreenMail server = new GreenMail(new ServerSetup(port, "127.0.0.1", protocol));
        server.start();
        return server;
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    static EmailSubscription subscription(
            String name, int port, EmailSubscription.Security security, AlertFilter filter, Duration digest) {
        return subscription(name, port, security, filter, digest, null, null);
    }

    static EmailSubscription subscription(
            String name,
            int port,
            EmailSubscription.Security security,
            AlertFilter filter,
            Duration digest,
            String username,
            String password) {
        try {
            return new EmailSubscription(
                    name,
                    "127.0.0.1",
                    port,
                    security,
                    username,
                    password,
                    new InternetAddress("Revenant <revenant@example.org>"),
                    List.of(new InternetAddress("watchdog@example.org")),
                    filter,
                    true,
                    1,
                    Duration.ofMillis(10),
                    Duration.ofSeconds(5),
                    digest,
                    URI.create("https://revenant.example.org/"));
        } catch (AddressException e) {
            throw new IllegalStateException(e);
        }
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
                .setMirrorUrl("https://academictorrents.com/details/" + mirrorKey.substring(mirrorKey.indexOf(':') + 1))
                .setSeverity(Severity.CONFIRMED)
                .setConfidence(0.99)
                .setPostRetraction(true)
                .setReappearances(type == AlertEventType.REAPPEARED ? 1 : 0)
                .setObservedAt(Instant.parse("2026-11-22T00:00:00Z"))
                .setSnapshotId("snap-1")
                .setEvidence(List.of(new Evidence(
                        SignatureKind.FILE_SIZE,
                        "91124295076",
                        "MsCelebV1/TrainData/<b>part</b>.tsv",
                        0.9,
                        "a file of exactly 91124295076 bytes")))
                .build();
    }

    /** The text/plain and text/html parts of a multipart/alternative message, in that order. */
    static List<String> parts(MimeMessage message) throws Exception {
        Multipart multipart = (Multipart) message.getContent();
        BodyPart text = multipart.getBodyPart(0);
        BodyPart html = multipart.getBodyPart(1);
        if (!message.getContentType().startsWith("multipart/alternative")
                || !text.getContentType().startsWith("text/plain")
                || !html.getContentType().startsWith("text/html")) {
            throw new AssertionError("not multipart/alternative with text/plain and text/html: "
                    + message.getContentType() + ", " + text.getContentType() + ", " + html.getContentType());
        }
        return List.of((String) text.getContent(), (String) html.getContent());
    }
}
