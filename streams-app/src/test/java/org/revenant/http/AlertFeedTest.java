package org.revenant.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.revenant.avro.AlertEvent;
import org.revenant.avro.AlertEventType;
import org.revenant.avro.Evidence;
import org.revenant.avro.Severity;
import org.revenant.avro.SignatureKind;
import org.revenant.testkit.AtomRules;
import org.revenant.wire.AlertJson;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

class AlertFeedTest {

    static final String HOSTILE = "evil]]><script>alert(1)</script>&amp;\u0001\u0008\u000b\u001b\ufffe\ud800x\"'";
    static final AlertFeed.Meta META = new AlertFeed.Meta("http://revenant.test:8080", "/feeds/alerts.atom", "", "");

    @Test
    void aFeedOfEventsKeepsTheAtomRules() throws Exception {
        String xml = AlertFeed.render(
                META,
                "",
                List.of(
                        node(event("github:a/b", AlertEventType.REAPPEARED, "2026-11-23T00:00:00Z", "data/x.tsv")),
                        node(event("github:a/b", AlertEventType.OPENED, "2026-11-22T00:00:00Z", "data/x.tsv"))));
        Document doc = AtomRules.check(xml);
        Element feed = doc.getDocumentElement();
        assertEquals("2026-11-23T00:00:00Z", AtomRules.one(feed, "updated"), "the newest event's time");
        List<Element> entries = AtomRules.children(feed, "entry");
        assertEquals(2, entries.size());
        Element first = entries.get(0);
        assertEquals(AlertFeed.entryId("ms-celeb-1m|github:a/b@snap-1#REAPPEARED"), AtomRules.one(first, "id"));
        assertEquals("REAPPEARED: MS-Celeb-1M on github:a/b (CONFIRMED)", AtomRules.one(first, "title"));
        Element alternate = AtomRules.links(first).stream()
                .filter(l -> l.getAttribute("rel").equals("alternate"))
                .findFirst()
                .orElseThrow();
        assertEquals(
                "http://revenant.test:8080/alert.html?key=ms-celeb-1m%7Cgithub%3Aa%2Fb",
                alternate.getAttribute("href"));
        assertEquals("text", AtomRules.children(first, "content").get(0).getAttribute("type"));
        assertTrue(AtomRules.one(first, "content").contains("- FILE_SIZE 91124295076 in data/x.tsv (weight 0.90)"));
    }

    @Test
    void anEmptyFeedIsStillValidAndIdenticalOnEveryRendering() throws Exception {
        String xml = AlertFeed.render(META, "dataset=nothing", List.of());
        AtomRules.check(xml);
        assertEquals(xml, AlertFeed.render(META, "dataset=nothing", List.of()));
        assertNotEquals(AlertFeed.feedId(""), AlertFeed.feedId("dataset=nothing"), "each filter set is its own feed");
    }

    @Test
    void hostileCrawledTextStaysTextAndTheDocumentStaysWellFormed() throws Exception {
        String mirrorKey = "github:" + HOSTILE;
        AlertEvent event = event(mirrorKey, AlertEventType.OPENED, "2026-11-22T00:00:00Z", "data/" + HOSTILE);
        event.setMirrorUrl("javascript:alert(1)");
        String xml = AlertFeed.render(META, "", List.of(node(event)));

        Document doc = AtomRules.check(xml);
        assertFalse(xml.contains("<script>"), "no markup from crawled text: " + xml);
        assertFalse(xml.contains("]]>"), "no CDATA terminator: " + xml);
        Element entry = AtomRules.children(doc.getDocumentElement(), "entry").get(0);
        String expected = "evil]]><script>alert(1)</script>&amp;\ufffd\ufffd\ufffd\ufffd\ufffd\ufffdx\"'";
        assertEquals("OPENED: MS-Celeb-1M on github:" + expected + " (CONFIRMED)", AtomRules.one(entry, "title"));
        assertTrue(AtomRules.one(entry, "content").contains("in data/" + expected + " (weight"));
        assertTrue(
                AtomRules.links(entry).stream()
                        .noneMatch(l -> l.getAttribute("href").startsWith("javascript:")),
                "only http(s) mirror URLs become links");
    }

    @Test
    void entryIdsAreStableUuidUrnsOfTheEventId() {
        String id = AlertFeed.entryId("ms-celeb-1m|github:a/b@snap-1#OPENED");
        assertEquals(id, AlertFeed.entryId("ms-celeb-1m|github:a/b@snap-1#OPENED"));
        assertTrue(id.matches("urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"), id);
        assertNotEquals(id, AlertFeed.entryId("ms-celeb-1m|github:a/b@snap-1#RESOLVED"));
    }

    @Test
    void aDocumentTypeDeclarationIsRefusedByTheTestParser() {
        String xxe = "<?xml version=\"1.0\"?><!DOCTYPE f [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
                + "<feed xmlns=\"http://www.w3.org/2005/Atom\">&x;</feed>";
        assertThrows(Exception.class, () -> AtomRules.parse(xxe));
    }

    @Test
    void cleanReplacesOnlyWhatXmlCannotCarry() {
        assertEquals("a\tb\nc\r d\ud83d\ude00", AlertFeed.clean("a\tb\nc\r d\ud83d\ude00"));
        assertEquals("\ufffd\ufffd\ufffd\ufffd", AlertFeed.clean("\u0000\u001f\ufffe\udc00"));
    }

    private static JsonNode node(AlertEvent event) {
        return AlertJson.toNode(event);
    }

    private static AlertEvent event(String mirrorKey, AlertEventType type, String at, String path) {
        return AlertEvent.newBuilder()
                .setEventId("ms-celeb-1m|" + mirrorKey + "@snap-1#" + type.name())
                .setAlertKey("ms-celeb-1m|" + mirrorKey)
                .setEvent(type)
                .setDatasetId("ms-celeb-1m")
                .setDatasetName("MS-Celeb-1M")
                .setMirrorKey(mirrorKey)
                .setPlatform("github")
                .setMirrorUrl("https://github.com/a/b")
                .setSeverity(Severity.CONFIRMED)
                .setConfidence(0.99)
                .setPostRetraction(true)
                .setReappearances(type == AlertEventType.REAPPEARED ? 1 : 0)
                .setObservedAt(Instant.parse(at))
                .setSnapshotId("snap-1")
                .setEvidence(List.of(new Evidence(SignatureKind.FILE_SIZE, "91124295076", path, 0.9, null)))
                .build();
    }
}
