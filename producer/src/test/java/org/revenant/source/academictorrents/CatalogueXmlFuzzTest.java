package org.revenant.source.academictorrents;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.net.URI;
import java.net.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.revenant.crawl.CrawlException;
import org.revenant.crawl.DiscoveryTerms;
import org.revenant.crawl.HttpResult;
import org.revenant.fuzz.Fuzz;

/**
 * Hostile Academic Torrents catalogues: external entities, entity expansion, DOCTYPEs, deep
 * nesting, huge attributes and mutations of a well-formed catalogue. The reader finds infohashes
 * or fails with a one-line {@link CrawlException}; it never reads a file or URL the catalogue
 * names, never expands entities, and never hangs.
 */
@Timeout(30)
class CatalogueXmlFuzzTest {

    private static final String WANTED = "9e67eb7cc23c9417f39778a8e06cca5e26196a97";
    private static final DiscoveryTerms TERMS =
            new DiscoveryTerms(Set.of("MS Celeb", "Secret Marker"), Set.of(), Set.of(WANTED));
    private static final String CATALOGUE = """
            <?xml version="1.0" encoding="UTF-8"?>
            <rss version="2.0"><channel>
            <item><title>MS Celeb 1M</title><description>faces</description><infohash>%s</infohash></item>
            <item><title>CIFAR-10</title><description>tiny images</description><infohash>%s</infohash></item>
            </channel></rss>
            """.formatted(WANTED, "1111111111111111111111111111111111111111");

    @TempDir
    Path temp;

    @Test
    void externalEntitiesAreNeverRead() throws Exception {
        Path secret = Files.writeString(temp.resolve("secret.txt"), "Secret Marker");
        String[] attacks = {
            "<!DOCTYPE rss [<!ENTITY x SYSTEM \"" + secret.toUri() + "\">]>",
            "<!DOCTYPE rss SYSTEM \"" + secret.toUri() + "\">",
            "<!DOCTYPE rss [<!ENTITY % p SYSTEM \"" + secret.toUri() + "\"> %p;]>",
        };
        for (String doctype : attacks) {
            String xml = "<?xml version=\"1.0\"?>" + doctype + "<rss><channel><item><title>&x;</title>"
                    + "<infohash>2222222222222222222222222222222222222222</infohash></item></channel></rss>";
            List<String> found = readBounded(xml.getBytes(StandardCharsets.UTF_8));
            assertFalse(found.contains("2222222222222222222222222222222222222222"), doctype + " read " + secret);
        }
    }

    @Test
    void entityExpansionBombIsRefused() {
        StringBuilder bomb = new StringBuilder("<?xml version=\"1.0\"?><!DOCTYPE rss [<!ENTITY l0 \"lol\">");
        for (int i = 1; i < 12; i++) {
            bomb.append("<!ENTITY l")
                    .append(i)
                    .append(" \"")
                    .append(("&l" + (i - 1) + ";").repeat(10))
                    .append("\">");
        }
        bomb.append("]><rss><channel><item><title>&l11;</title><infohash>")
                .append(WANTED)
                .append("</infohash></item></channel></rss>");
        List<String> found = readBounded(bomb.toString().getBytes(StandardCharsets.UTF_8));
        assertEquals(List.of(), found);
    }

    @Test
    void aWellFormedCatalogueIsStillRead() throws Exception {
        assertEquals(
                List.of(WANTED),
                AcademicTorrentsSource.matches(result(CATALOGUE.getBytes(StandardCharsets.UTF_8)), TERMS));
    }

    @Test
    void deepNestingAndHugeAttributesAreBounded() {
        String deep = "<rss>" + "<a>".repeat(200_000) + "</rss>";
        readBounded(deep.getBytes(StandardCharsets.UTF_8));
        String attribute = "<rss><item x=\"" + "y".repeat(20_000_000) + "\"></item></rss>";
        readBounded(attribute.getBytes(StandardCharsets.UTF_8));
        StringBuilder many = new StringBuilder("<rss><item");
        for (int i = 0; i < 200_000; i++) {
            many.append(" a").append(i).append("=\"\"");
        }
        readBounded(many.append("/></rss>").toString().getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void mutatedCataloguesAreReadOrRejectedWithOneLine() {
        byte[] base = CATALOGUE.getBytes(StandardCharsets.UTF_8);
        Fuzz.run("catalogue mutations", 3000, Duration.ofMillis(1500), Duration.ofSeconds(20), (random, i) -> {
            byte[] xml = base.clone();
            int rounds = 1 + random.nextInt(4);
            for (int r = 0; r < rounds; r++) {
                xml = mutate(xml, random);
            }
            read(xml);
        });
    }

    /** Reads within a time bound; a rejection is fine as long as it is a clear CrawlException. */
    private static List<String> readBounded(byte[] xml) {
        return assertTimeoutPreemptively(Duration.ofSeconds(5), () -> read(xml));
    }

    private static List<String> read(byte[] xml) {
        try {
            return AcademicTorrentsSource.matches(result(xml), TERMS);
        } catch (CrawlException e) {
            Fuzz.assertClearMessage(e);
            return List.of();
        } catch (RuntimeException e) {
            throw new AssertionError(
                    "catalogue " + Fuzz.shorten(new String(xml, StandardCharsets.UTF_8)) + " crashed the reader", e);
        }
    }

    private static HttpResult result(byte[] body) {
        return new HttpResult(
                URI.create("https://academictorrents.example/database.xml"),
                200,
                HttpHeaders.of(Map.of(), (a, b) -> true),
                body);
    }

    private static byte[] mutate(byte[] in, SplittableRandom random) {
        String[] inserts = {
            "<",
            ">",
            "&",
            "&amp;",
            "&#0;",
            "&#xD800;",
            "&#1114112;",
            "]]>",
            "<![CDATA[",
            "<!--",
            "-->",
            "<?pi x?>",
            "<!DOCTYPE x>",
            "<!ENTITY e \"v\">",
            "&e;",
            "<item>",
            "</item>",
            "<title>",
            "</title>",
            "<infohash>",
            "</infohash>",
            "\u0000",
            "\uFFFE",
            "\uD83D",
            "é",
            "<x:y xmlns:x=\"u\">",
            "<?xml version=\"1.1\"?>",
            "<?xml version=\"1.0\" encoding=\"UTF-7\"?>",
            "<?xml version=\"1.0\" encoding=\"nope\"?>",
            "\u00ef\u00bb\u00bf"
        };
        int at = random.nextInt(in.length + 1);
        byte[] insert;
        int remove = 0;
        switch (random.nextInt(5)) {
            case 0 -> insert = inserts[random.nextInt(inserts.length)].getBytes(StandardCharsets.UTF_8);
            case 1 -> {
                insert = new byte[1 + random.nextInt(8)];
                random.nextBytes(insert);
                remove = Math.min(insert.length, in.length - at);
            }
            case 2 -> {
                insert = new byte[0];
                remove = in.length - at;
            }
            case 3 -> {
                int from = random.nextInt(in.length + 1);
                insert = Arrays.copyOfRange(in, from, Math.min(in.length, from + random.nextInt(200)));
            }
            default -> {
                insert = new byte[0];
                remove = Math.min(in.length - at, random.nextInt(30));
            }
        }
        byte[] out = new byte[in.length - remove + insert.length];
        System.arraycopy(in, 0, out, 0, at);
        System.arraycopy(insert, 0, out, at, insert.length);
        System.arraycopy(in, at + remove, out, at + insert.length, in.length - at - remove);
        return out;
    }
}
