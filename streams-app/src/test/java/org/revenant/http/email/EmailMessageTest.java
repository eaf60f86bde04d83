package org.revenant.http.email;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.revenant.http.email.EmailFixtures.event;

import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.revenant.avro.AlertEvent;
import org.revenant.avro.AlertEventType;
import org.revenant.avro.Evidence;
import org.revenant.avro.SignatureKind;
import org.revenant.http.webhook.AlertFilter;

class EmailMessageTest {

    private static final URI DASHBOARD = URI.create("https://revenant.example.org/");

    @Test
    void anAlertMessageCarriesTheEvidenceAndALinkToTheAlertPage() {
        AlertEvent e = event("ms-celeb-1m", AlertEventType.REAPPEARED, "torrent:abc123", "MS-Celeb-1M");
        EmailMessage.Content content = EmailMessage.alert(e, DASHBOARD);
        assertEquals("[Revenant] REAPPEARED MS-Celeb-1M on torrent:abc123 (CONFIRMED)", content.subject());
        assertTrue(content.text().contains("Severity: CONFIRMED (confidence 0.99)"), content.text());
        assertTrue(content.text().contains("FILE_SIZE 91124295076 at MsCelebV1/TrainData/<b>part</b>.tsv"));
        assertTrue(content.text()
                .contains("Alert page: https://revenant.example.org/alert.html?key=ms-celeb-1m%7Ctorrent%3Aabc123"));
        assertTrue(content.html().contains("MsCelebV1/TrainData/&lt;b&gt;part&lt;/b&gt;.tsv"), content.html());
        assertTrue(content.html().contains("<a href=\"https://academictorrents.com/details/abc123\">"));
        assertFalse(content.html().contains("<b>part"));
    }

    @Test
    void hostileCrawledTextStaysOneEscapedLine() {
        AlertEvent e = AlertEvent.newBuilder(event("ms-celeb-1m", AlertEventType.OPENED, "github:x/y", "MS-Celeb-1M"))
                .setMirrorKey("github:x/<script>alert(1)</script>\r\nBcc: victim@example.org\r\n\r\nforged body")
                .setMirrorUrl("javascript:alert(1)")
                .setDatasetName("MS\u2028Celeb\u0000\u202e1M\"'")
                .build();
        EmailMessage.Content content = EmailMessage.alert(e, null);
        assertFalse(content.subject().contains("\r") || content.subject().contains("\n"), content.subject());
        assertFalse(content.subject().contains("\u2028") || content.subject().contains("\u202e"));
        assertTrue(content.subject().length() <= EmailMessage.MAX_SUBJECT + 1);
        assertFalse(content.html().contains("<script>"), content.html());
        assertTrue(
                content.html().contains("&lt;script&gt;alert(1)&lt;/script&gt; Bcc: victim@example.org forged body"));
        assertFalse(content.html().contains("href=\"javascript"), "only http(s) URLs become links");
        assertTrue(content.html().contains("MS Celeb 1M&quot;&#39;"), content.html());
        assertFalse(content.text().contains("\nBcc:"), "a crawled string cannot start a line of the text part");
        assertFalse(content.text().contains("Alert page:"), "no dashboard address, no link");
    }

    @Test
    void theSubjectHeaderOfAHostileAlertIsOneEncodedLine() throws Exception {
        AlertEvent e = AlertEvent.newBuilder(event("ms-celeb-1m", AlertEventType.OPENED, "github:x/y", "MS-Celeb-1M"))
                .setMirrorKey("github:датасет\r\nBcc: victim@example.org")
                .build();
        MimeMessage message = EmailDispatcher.message(
                Session.getInstance(new Properties()),
                EmailFixtures.subscription("s", 25, EmailSubscription.Security.NONE, AlertFilter.ALL, null),
                EmailMessage.alert(e, DASHBOARD),
                "OPENED",
                "k");
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        message.writeTo(raw);
        String head = raw.toString(StandardCharsets.US_ASCII).split("\r\n\r\n", 2)[0];
        assertFalse(head.contains("\nBcc:"), head);
        assertEquals(null, message.getHeader("Bcc"));
        assertTrue(message.getSubject().contains("датасет Bcc: victim@example.org"), message.getSubject());
        assertEquals(2, EmailFixtures.parts(message).size());
    }

    @Test
    void aDigestListsItsEventsAndSaysWhenItLeftSomeOut() {
        List<AlertEvent> events = new ArrayList<>(
                Collections.nCopies(2, event("ms-celeb-1m", AlertEventType.OPENED, "torrent:abc", "MS-Celeb-1M")));
        EmailMessage.Content content = EmailMessage.digest("daily", events, 3, DASHBOARD);
        assertEquals("[Revenant] digest: 5 alert events (daily)", content.subject());
        assertTrue(content.text().contains("--- 2 ---"), content.text());
        assertTrue(content.text().contains("3 more events were not listed"), content.text());
        assertTrue(content.html().contains("3 more events were not listed"), content.html());
    }

    @Test
    void manyEvidenceLinesAreCutWithACount() {
        List<Evidence> many = new ArrayList<>();
        for (int i = 0; i < EmailMessage.MAX_EVIDENCE + 7; i++) {
            many.add(new Evidence(SignatureKind.FILE_SIZE, Integer.toString(i), null, 0.1, null));
        }
        AlertEvent e = AlertEvent.newBuilder(event("ms-celeb-1m", AlertEventType.OPENED, "torrent:abc", "MS"))
                .setEvidence(many)
                .build();
        EmailMessage.Content content = EmailMessage.alert(e, null);
        assertTrue(content.text().contains("... and 7 more"), content.text());
        assertTrue(content.html().contains("… and 7 more"), content.html());
        assertEquals(
                EmailMessage.MAX_FIELD + 1,
                EmailMessage.oneLine("x".repeat(10_000), EmailMessage.MAX_FIELD).length());
    }
}
