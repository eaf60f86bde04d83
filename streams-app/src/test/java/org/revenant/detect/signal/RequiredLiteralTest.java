package org.revenant.detect.signal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class RequiredLiteralTest {

    @Test
    void theBundledRegistryPatternsHaveTheirLiterals() {
        assertEquals("MsCelebV1-Faces-Cropped", RequiredLiteral.of("^MsCelebV1-Faces-Cropped.*\\.tsv$"));
        assertEquals("-FaceId-", RequiredLiteral.of("(?:^|/)m\\.[0-9a-z_]+/\\d+-FaceId-\\d+\\.jpg$"));
        assertEquals(
                "_640x480.png",
                RequiredLiteral.of("(?:^|/)brainwash_\\d{2}_\\d{2}_\\d{4}_images/\\d{8}_640x480\\.png$"));
        assertEquals(".jpg", RequiredLiteral.of("^\\d{4}_c[1-8]_f\\d{7}\\.jpg$"));
    }

    @Test
    void whatMayBeMissingFromAMatchIsNotRequired() {
        assertEquals("", RequiredLiteral.of("abc|def"), "an alternative at the top");
        assertEquals("", RequiredLiteral.of("(?i)faces"), "inline flags");
        assertEquals("", RequiredLiteral.of("\\Qa.b\\E"), "quoting");
        assertEquals("ab", RequiredLiteral.of("abc?"), "an optional last character");
        assertEquals("ab", RequiredLiteral.of("abc*d"));
        assertEquals("ab", RequiredLiteral.of("abc{0,3}"));
        assertEquals("abc", RequiredLiteral.of("abc{2}x"));
        assertEquals("ab", RequiredLiteral.of("ab+c"), "ab then more b: abc is not contiguous");
        assertEquals("xyz", RequiredLiteral.of("(ab)?xyz"));
        assertEquals("xyz", RequiredLiteral.of("[abc]+xyz(d|e)*"));
        assertEquals("qq", RequiredLiteral.of("a.qq"));
        assertEquals("", RequiredLiteral.of("\\x41\\x42\\x43"));
        assertEquals("a.b", RequiredLiteral.of("a\\.b"));
    }

    /** Every generated string the expression finds a match in contains the literal. */
    @Test
    void everyMatchContainsTheLiteral() {
        Random random = new Random(7);
        String alphabet = "ab.-/_x1";
        List<String> patterns = List.of(
                "ab+c", "a.b?", "(ab)*x-", "x[ab]+_b", "a\\.b.*1", "(?:^|/)ab/\\d+x", "b{0,2}a_", "ab(c|d)?x", "_x*a");
        for (String regex : patterns) {
            Pattern pattern = Pattern.compile(regex);
            String literal = RequiredLiteral.of(regex);
            for (int n = 0; n < 20_000; n++) {
                StringBuilder s = new StringBuilder();
                for (int k = random.nextInt(9); k > 0; k--) {
                    s.append(alphabet.charAt(random.nextInt(alphabet.length())));
                }
                if (pattern.matcher(s).find()) {
                    assertTrue(
                            s.toString().contains(literal), regex + " matched '" + s + "' without '" + literal + "'");
                }
            }
        }
    }
}
