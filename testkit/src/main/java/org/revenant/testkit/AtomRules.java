package org.revenant.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * The Atom 1.0 rules (RFC 4287) a feed must keep, checked on the bytes a reader receives, parsed
 * by the JDK's XML parser with DTDs and external entities refused: {@code atom:feed} has exactly
 * one {@code id}, {@code title} and {@code updated}, an {@code author} unless every entry has one,
 * a {@code link rel="self"}; every entry has exactly one {@code id}, {@code title} and
 * {@code updated}, and a {@code content} or a {@code link rel="alternate"}; ids are absolute IRIs
 * and unique; dates are RFC 3339; {@code content type} is text, html, xhtml or a media type.
 */
public final class AtomRules {

    public static final String ATOM = "http://www.w3.org/2005/Atom";
    private static final Pattern RFC3339 =
            Pattern.compile("\\d{4}-\\d{2}-\\d{2}[Tt]\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?([Zz]|[+-]\\d{2}:\\d{2})");
    private static final Pattern MEDIA_TYPE = Pattern.compile("[a-z0-9.+-]+/[a-z0-9.+-]+");

    private AtomRules() {}

    /** Parses {@code xml} with a hardened parser (no DTD, no external entities) and checks the rules. */
    public static Document check(String xml) throws Exception {
        Document document = parse(xml);
        Element feed = document.getDocumentElement();
        assertEquals(ATOM, feed.getNamespaceURI(), "the root is in the Atom namespace");
        assertEquals("feed", feed.getLocalName());
        String feedId = one(feed, "id");
        assertIri(feedId);
        one(feed, "title");
        assertTrue(RFC3339.matcher(one(feed, "updated")).matches(), "feed updated is RFC 3339");
        assertTrue(
                links(feed).stream().anyMatch(l -> l.getAttribute("rel").equals("self")),
                "the feed has a link rel=self");
        for (Element link : links(feed)) {
            assertFalse(link.getAttribute("href").isEmpty(), "a link has an href");
        }
        boolean feedAuthor = !children(feed, "author").isEmpty();
        Set<String> ids = new HashSet<>();
        for (Element entry : children(feed, "entry")) {
            String id = one(entry, "id");
            assertIri(id);
            assertTrue(ids.add(id), "entry ids are unique: " + id);
            one(entry, "title");
            assertTrue(RFC3339.matcher(one(entry, "updated")).matches(), "entry updated is RFC 3339");
            assertTrue(feedAuthor || !children(entry, "author").isEmpty(), "an author on the feed or each entry");
            List<Element> content = children(entry, "content");
            assertTrue(content.size() <= 1, "at most one content");
            assertTrue(
                    !content.isEmpty()
                            || links(entry).stream()
                                    .anyMatch(l -> l.getAttribute("rel").equals("alternate")),
                    "an entry without content has a link rel=alternate");
            for (Element c : content) {
                String type = c.getAttribute("type");
                assertTrue(
                        type.isEmpty()
                                || List.of("text", "html", "xhtml").contains(type)
                                || MEDIA_TYPE.matcher(type).matches(),
                        "content type: " + type);
            }
        }
        return document;
    }

    /** A parser that refuses DTDs and external entities (no XXE), namespace-aware. */
    public static Document parse(String xml) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        factory.setFeature("http://xml.org/sax/features/external-general-entities", false);
        factory.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
        factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
        factory.setXIncludeAware(false);
        factory.setExpandEntityReferences(false);
        DocumentBuilder builder = factory.newDocumentBuilder();
        builder.setErrorHandler(null);
        return builder.parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
    }

    /** The Atom children of {@code parent} named {@code name}. */
    public static List<Element> children(Element parent, String name) {
        List<Element> found = new ArrayList<>();
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && ATOM.equals(e.getNamespaceURI()) && name.equals(e.getLocalName())) {
                found.add(e);
            }
        }
        return found;
    }

    public static List<Element> links(Element parent) {
        return children(parent, "link");
    }

    /** The text of the one Atom child {@code name}; fails when there is none or more than one. */
    public static String one(Element parent, String name) {
        List<Element> found = children(parent, name);
        assertEquals(1, found.size(), "exactly one atom:" + name + " in atom:" + parent.getLocalName());
        return found.get(0).getTextContent();
    }

    private static void assertIri(String id) {
        assertTrue(URI.create(id).isAbsolute(), "an id is an absolute IRI: " + id);
        assertTrue(id.startsWith("urn:uuid:") || id.startsWith("tag:"), "ids are urn:uuid: or tag: URIs: " + id);
    }
}
