package org.revenant.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.revenant.avro.RetractedDataset;

/**
 * The registry refuses every signature the streams app could not use: no value, a value that is
 * not what its kind needs, a regex that does not compile or that backtracks without bound, a
 * negative size.
 */
@Timeout(30)
class SignatureRulesTest {

    private static final List<String> VALUE_KINDS = List.of(
            "BTIH",
            "SHA256",
            "SHA1",
            "MD5",
            "GIT_BLOB",
            "FILE_NAME_SIZE",
            "FILE_NAME",
            "PATH_PATTERN",
            "DOWNLOAD_LINK",
            "ALIAS");

    @Test
    void everyKindWithAValueRefusesANullOrEmptyOne() {
        for (String kind : VALUE_KINDS) {
            String extra = switch (kind) {
                case "FILE_NAME_SIZE" -> ", size: 2000000";
                case "PATH_PATTERN" -> ", minCount: 1";
                default -> "";
            };
            for (String value : List.of("~", "null", "''", "'   '", "\"\"")) {
                String sig = "{kind: " + kind + ", value: " + value + extra + "}";
                refused(sig, "'value' must be a non-empty text value");
            }
            refused("{kind: " + kind + extra + "}", "missing required field 'value'");
            refused("{kind: " + kind + ", value: [a, b]" + extra + "}", "'value' must be a non-empty text value");
        }
    }

    @Test
    void hashKindsRefuseMalformedHex() {
        refused("{kind: BTIH, value: 9e67eb7cc23c9417f39778a8e06cca5e26196a9}", "is not a BTIH hash");
        refused("{kind: BTIH, value: 9e67eb7cc23c9417f39778a8e06cca5e26196a97a}", "is not a BTIH hash");
        refused("{kind: BTIH, value: 9e67eb7cc23c9417f39778a8e06cca5e26196a9g}", "is not a BTIH hash");
        refused("{kind: SHA256, value: 0x67eb7cc23c9417f39778a8e06cca5e26196a97}", "is not a SHA256 hash");
        refused("{kind: SHA1, value: ' 9e67eb7cc23c9417f39778a8e06cca5e2619 6a97'}", "is not a SHA1 hash");
        refused("{kind: MD5, value: 0123456789abcdef0123456789abcdeé}", "is not a MD5 hash");
        refused(
                "{kind: GIT_BLOB, value: \"9e67eb7cc23c9417f39778a8e06cca5e26196a9\\u0130\"}",
                "is not a GIT_BLOB hash");
        RetractedDataset ok = RegistryFile.parse(
                "registry/sample.yaml",
                RegistryFixtures.withSignatures("{kind: MD5, value: 0123456789ABCDEF0123456789ABCDEF}"));
        assertEquals(
                "0123456789abcdef0123456789abcdef", ok.getSignatures().get(0).getValue());
    }

    @Test
    void sizesAreNeverNegative() {
        refused("{kind: FILE_SIZE, size: -104857600}", "is below 100 MiB");
        refused("{kind: FILE_NAME_SIZE, value: a.tsv, size: -1}", "is below 1 MiB");
        refused("{kind: FILE_NAME, value: a.tsv, minSize: -1}", "must not be negative");
        refused("{kind: FILE_NAME, value: a.tsv, maxSize: -5}", "must not be negative");
        refused(
                "{kind: REFERENCE_MANIFEST, files: [{name: a, size: -1}, {name: b, size: 2}]}",
                "size must not be negative");
        refused("{kind: PATH_PATTERN, value: 'x\\.jpg$', minCount: -3}", "must be at least 1");
        refused("{kind: FILE_SIZE, size: 99999999999999999999}", "'size' must be a whole number");
    }

    @Test
    void invalidRegexesAreRefused() {
        refused("{kind: PATH_PATTERN, value: '[unclosed', minCount: 1}", "regex does not compile");
        refused("{kind: PATH_PATTERN, value: '(?<n>a)\\k<m>', minCount: 1}", "regex does not compile");
        refused("{kind: PATH_PATTERN, value: 'x*', minCount: 1}", "matches an empty path");
        refused(
                "{kind: PATH_PATTERN, value: '" + "(".repeat(600) + "a" + ")".repeat(600) + "', minCount: 1}",
                "longer than 1024 characters");
    }

    @Test
    void catastrophicBacktrackingIsRefusedQuickly() {
        for (String regex : List.of("(\\d+\\d+)+x", "(x+x+)+y", "(.*){1,32000}[bc]")) {
            assertTimeoutPreemptively(
                    Duration.ofSeconds(5),
                    () -> refused(
                            "{kind: PATH_PATTERN, value: '" + regex + "', minCount: 1}", "backtracks catastrophically"),
                    regex);
        }
    }

    @Test
    void patternsThatOverflowTheStackOnALongPathAreRefused() {
        for (String regex : List.of("(x|x)*y", "^(a|aa)+$", "(?:a|b)*\\.jpg$")) {
            assertTimeoutPreemptively(
                    Duration.ofSeconds(5),
                    () -> refused("{kind: PATH_PATTERN, value: '" + regex + "', minCount: 1}", "recurses too deeply"),
                    regex);
        }
    }

    @Test
    void theRegistrysOwnPatternsAndOrdinaryOnesPass() {
        for (String regex : List.of(
                "(?:^|/)m\\.[0-9a-z_]+/\\d+-FaceId-\\d+\\.jpg$",
                "^\\d{4}_c[1-8]_f\\d{7}\\.jpg$",
                "^MsCelebV1-Faces-Cropped.*\\.tsv$",
                "(?:^|/)brainwash_\\d{2}_\\d{2}_\\d{4}_images/\\d{8}_640x480\\.png$",
                "(?:[^/]+/)*train\\.rec$",
                "[a-z]+\\.jpg$",
                "(?i)faces_emore",
                ".*\\.tsv$")) {
            assertNull(PathPatterns.problem(regex), regex);
        }
    }

    private static void refused(String signature, String expected) {
        RegistryYamlFuzzTest.assertRefused(RegistryFixtures.withSignatures(signature), expected);
        List<String> problems = RegistryYamlFuzzTest.problems(RegistryFixtures.withSignatures(signature));
        assertTrue(problems.stream().allMatch(p -> p.length() < 600 && p.indexOf('\n') < 0), problems.toString());
    }
}
