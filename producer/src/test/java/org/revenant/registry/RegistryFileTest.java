package org.revenant.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.revenant.registry.RegistryFixtures.VALID;
import static org.revenant.registry.RegistryFixtures.problemsOf;
import static org.revenant.registry.RegistryFixtures.withSignatures;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.revenant.avro.RetractedDataset;
import org.revenant.avro.SignatureKind;

class RegistryFileTest {

    @TempDir
    Path temp;

    private static final String SIG = "registry/sample.yaml: line 9: signature 1 ";

    @Test
    void validFileParsesIntoRecord() {
        RetractedDataset d = RegistryFile.parse("registry/sample.yaml", VALID);
        assertEquals("sample", d.getId());
        assertEquals("2019-06-06", d.getRetractedOn());
        assertEquals(List.of("ethical"), d.getReasons());
        assertEquals(SignatureKind.BTIH, d.getSignatures().get(0).getKind());
        assertTrue(d.getSignatures().get(0).getVerified());
    }

    @Test
    void missingRequiredFieldIsReportedAtTopOfFile() {
        assertEquals(
                List.of("registry/sample.yaml: line 1: missing required field 'name'"),
                problemsOf(temp, VALID.replace("name: Sample\n", "")));
    }

    @Test
    void misspelledFieldIsRejectedNotIgnored() {
        List<String> problems = problemsOf(temp, VALID.replace("retractedOn:", "retractedon:"));
        assertEquals(1, problems.size());
        assertTrue(
                problems.get(0)
                        .startsWith(
                                "registry/sample.yaml: line 4: unknown field 'retractedon'; known fields: id, name,"),
                problems.get(0));
    }

    @Test
    void upperCaseIdIsRejected() {
        assertEquals(
                List.of("registry/sample.yaml: line 1: id 'Sample' must be lower-case letters, digits and '-', "
                        + "starting with a letter or digit"),
                problemsOf(temp, VALID.replace("id: sample", "id: Sample")));
    }

    @Test
    void idThatDiffersFromFileNameIsRejected() {
        assertEquals(
                List.of("registry/sample.yaml: line 1: id 'other' does not match the file name 'sample.yaml' "
                        + "(expected other.yaml)"),
                problemsOf(temp, VALID.replace("id: sample", "id: other")));
    }

    @Test
    void unknownStatusIsRejected() {
        assertEquals(
                List.of("registry/sample.yaml: line 3: status 'gone' is not one of: retracted, derived"),
                problemsOf(temp, VALID.replace("status: retracted", "status: gone")));
    }

    @Test
    void derivedDatasetNeedsParent() {
        assertEquals(
                List.of("registry/sample.yaml: line 3: status 'derived' needs a 'parent'"),
                problemsOf(temp, VALID.replace("status: retracted", "status: derived")));
    }

    @Test
    void impossibleRetractionDateIsRejected() {
        assertEquals(
                List.of("registry/sample.yaml: line 4: retractedOn '2019-13-01' is not a date "
                        + "(YYYY-MM-DD, YYYY-MM or YYYY)"),
                problemsOf(temp, VALID.replace("2019-06-06", "2019-13-01")));
    }

    @Test
    void yearMonthAndYearAreAcceptedAsRetractionDates() {
        assertEquals(
                "2019-06",
                RegistryFile.parse("registry/sample.yaml", VALID.replace("2019-06-06", "2019-06"))
                        .getRetractedOn());
        assertEquals(
                "2020",
                RegistryFile.parse("registry/sample.yaml", VALID.replace("2019-06-06", "2020"))
                        .getRetractedOn());
    }

    @Test
    void reasonOutsideVocabularyIsRejected() {
        assertEquals(
                List.of("registry/sample.yaml: line 5: reason 'privacy' is not one of: technical, legal-privacy, "
                        + "legal-ip, legal-likeness, legal-other, ethical"),
                problemsOf(temp, VALID.replace("[ethical]", "[privacy]")));
    }

    @Test
    void emptyReasonsAreRejected() {
        assertEquals(
                List.of("registry/sample.yaml: line 5: 'reasons' must name at least one reason"),
                problemsOf(temp, VALID.replace("[ethical]", "[]")));
    }

    @Test
    void sourceWithoutWebUrlIsRejected() {
        assertEquals(
                List.of("registry/sample.yaml: line 7: source 1: url 'ftp://example.org/x' is not an http(s) URL"),
                problemsOf(temp, VALID.replace("https://example.org/statement", "ftp://example.org/x")));
    }

    @Test
    void allowedMirrorMustBeMirrorKey() {
        assertEquals(
                List.of("registry/sample.yaml: line 10: allowed mirror 'relaion' is not a mirror key "
                        + "'<platform>:<locator>' ('*' matches any text)"),
                problemsOf(temp, VALID + "allowedMirrors: [relaion]\n"));
    }

    @Test
    void unknownSeverityIsRejected() {
        assertEquals(
                List.of("registry/sample.yaml: line 10: severity 'HIGH' is not one of: POSSIBLE, LIKELY, CONFIRMED"),
                problemsOf(temp, VALID + "severity: HIGH\n"));
    }

    @Test
    void unknownSignatureKindIsRejected() {
        List<String> problems = problemsOf(temp, withSignatures("{kind: CRC32, value: abcdef12}"));
        assertEquals(1, problems.size());
        assertTrue(
                problems.get(0)
                        .startsWith(
                                "registry/sample.yaml: line 9: signature 1: unknown kind 'CRC32'; known kinds: BTIH, SHA256,"),
                problems.get(0));
    }

    @Test
    void hashOfWrongLengthIsRejected() {
        assertEquals(
                List.of(SIG + "(MD5): 'abc123' is not a MD5 hash (32 hex digits)"),
                problemsOf(temp, withSignatures("{kind: MD5, value: abc123}")));
        assertEquals(
                List.of(SIG + "(BTIH): '" + "a".repeat(41) + "' is not a BTIH hash (40 or 64 hex digits)"),
                problemsOf(temp, withSignatures("{kind: BTIH, value: " + "a".repeat(41) + "}")));
    }

    @Test
    void hashWithNonHexDigitsIsRejected() {
        String bad = "g".repeat(64);
        assertEquals(
                List.of(SIG + "(SHA256): '" + bad + "' is not a SHA256 hash (64 hex digits)"),
                problemsOf(temp, withSignatures("{kind: SHA256, value: " + bad + "}")));
    }

    @Test
    void upperCaseHashesAreNormalizedToLowerCase() {
        RetractedDataset d = RegistryFile.parse(
                "registry/sample.yaml",
                withSignatures(
                        "{kind: BTIH, value: 9E67EB7CC23C9417F39778A8E06CCA5E26196A97}",
                        "{kind: GIT_BLOB, value: " + "AB".repeat(20) + "}"));
        assertEquals(
                "9e67eb7cc23c9417f39778a8e06cca5e26196a97",
                d.getSignatures().get(0).getValue());
        assertEquals("ab".repeat(20), d.getSignatures().get(1).getValue());
    }

    @Test
    void fileSizeBelow100MiBIsRejected() {
        assertEquals(
                List.of(SIG + "(FILE_SIZE): size 1000 is below 100 MiB (104857600)"),
                problemsOf(temp, withSignatures("{kind: FILE_SIZE, size: 1000}")));
    }

    @Test
    void fileNameSizeBelow1MiBIsRejected() {
        assertEquals(
                List.of(SIG + "(FILE_NAME_SIZE): size 28808 is below 1 MiB (1048576)"),
                problemsOf(temp, withSignatures("{kind: FILE_NAME_SIZE, value: samples_0.jpg, size: 28808}")));
    }

    @Test
    void sizeMustBeWholeNumber() {
        assertEquals(
                List.of(SIG + "(FILE_SIZE): 'size' must be a whole number"),
                problemsOf(temp, withSignatures("{kind: FILE_SIZE, size: big}")));
    }

    @Test
    void genericFileNameNeedsSizeRange() {
        assertEquals(
                List.of(SIG + "(FILE_NAME): 'train.rec' is too generic to be a signature without minSize/maxSize"),
                problemsOf(temp, withSignatures("{kind: FILE_NAME, value: train.rec}")));
        RetractedDataset ok = RegistryFile.parse(
                "registry/sample.yaml",
                withSignatures("{kind: FILE_NAME, value: train.rec, minSize: 28000000000, maxSize: 31500000000}"));
        assertEquals(28_000_000_000L, ok.getSignatures().get(0).getMinSize());
    }

    @Test
    void fileNameSizeRangeMustNotBeInverted() {
        assertEquals(
                List.of(SIG + "(FILE_NAME): minSize 200 is larger than maxSize 100"),
                problemsOf(temp, withSignatures("{kind: FILE_NAME, value: x.tsv, minSize: 200, maxSize: 100}")));
    }

    @Test
    void fileNameMustNotBeAPath() {
        assertEquals(
                List.of(SIG + "(FILE_NAME): 'data/x.tsv' must be a single file or folder name, without '/'"),
                problemsOf(temp, withSignatures("{kind: FILE_NAME, value: data/x.tsv}")));
    }

    @Test
    void pathPatternMustCompile() {
        assertEquals(
                List.of(SIG + "(PATH_PATTERN): regex does not compile: Unclosed character class near index 4"),
                problemsOf(temp, withSignatures("{kind: PATH_PATTERN, value: '^[a-z', minCount: 5}")));
    }

    @Test
    void pathPatternMinCountMustBePositive() {
        assertEquals(
                List.of(SIG + "(PATH_PATTERN): minCount 0 must be at least 1"),
                problemsOf(temp, withSignatures("{kind: PATH_PATTERN, value: '^\\d{4}\\.jpg$', minCount: 0}")));
    }

    @Test
    void pathPatternMatchingEverythingIsRejected() {
        assertEquals(
                List.of(SIG + "(PATH_PATTERN): regex matches an empty path, so it would match every file"),
                problemsOf(temp, withSignatures("{kind: PATH_PATTERN, value: '.*', minCount: 5}")));
    }

    @Test
    void weightOutsideZeroToOneIsRejected() {
        assertEquals(
                List.of(SIG + "(MD5): weight 1.5 is not in (0, 1]"),
                problemsOf(temp, withSignatures("{kind: MD5, value: " + "a".repeat(32) + ", weight: 1.5}")));
        assertEquals(
                List.of(SIG + "(MD5): weight 0.0 is not in (0, 1]"),
                problemsOf(temp, withSignatures("{kind: MD5, value: " + "a".repeat(32) + ", weight: 0}")));
    }

    @Test
    void unverifiedSignatureNeedsNote() {
        assertEquals(
                List.of(SIG + "(MD5): 'verified: false' needs a 'note' saying what is unverified"),
                problemsOf(
                        temp,
                        withSignatures("{kind: MD5, value: " + "a".repeat(32) + ", weight: 0.6, verified: false}")));
    }

    @Test
    void fieldThatDoesNotApplyToKindIsRejected() {
        assertEquals(
                List.of(SIG + "(BTIH): field 'minCount' does not apply to BTIH; fields of BTIH: kind, weight, "
                        + "verified, note, value"),
                problemsOf(temp, withSignatures("{kind: BTIH, value: " + "a".repeat(40) + ", minCount: 3}")));
    }

    @Test
    void misspelledSignatureFieldIsRejected() {
        assertEquals(
                List.of(
                        SIG
                                + "(FILE_SIZE): unknown field 'sise'; fields of FILE_SIZE: kind, weight, verified, note, size",
                        SIG + "(FILE_SIZE): missing required field 'size'"),
                problemsOf(temp, withSignatures("{kind: FILE_SIZE, sise: 91124295076}")));
    }

    @Test
    void referenceManifestNeedsTwoFiles() {
        assertEquals(
                List.of(SIG + "(REFERENCE_MANIFEST): a REFERENCE_MANIFEST needs at least 2 files, found 1"),
                problemsOf(temp, withSignatures("{kind: REFERENCE_MANIFEST, files: [{name: README.md, size: 1160}]}")));
    }

    @Test
    void shortDownloadLinkIsRejected() {
        assertEquals(
                List.of(SIG + "(DOWNLOAD_LINK): link 'abc' is too short to identify a copy (at least 8 characters)"),
                problemsOf(temp, withSignatures("{kind: DOWNLOAD_LINK, value: abc}")));
    }

    @Test
    void duplicateSignatureIsRejectedEvenWithOtherNote() {
        assertEquals(
                List.of("registry/sample.yaml: line 10: signature 2 (FILE_SIZE): repeats signature 1"),
                problemsOf(
                        temp,
                        withSignatures(
                                "{kind: FILE_SIZE, size: 91124295076}",
                                "{kind: FILE_SIZE, size: 91124295076, note: same file}")));
    }

    @Test
    void upperAndLowerCaseOfSameHashAreDuplicates() {
        assertEquals(
                List.of("registry/sample.yaml: line 10: signature 2 (BTIH): repeats signature 1"),
                problemsOf(
                        temp,
                        withSignatures(
                                "{kind: BTIH, value: " + "ab".repeat(20) + "}",
                                "{kind: BTIH, value: " + "AB".repeat(20) + "}")));
    }

    @Test
    void malformedYamlReportsParserLine() {
        List<String> problems = problemsOf(temp, VALID.replace("reasons: [ethical]", "reasons: [ethical"));
        assertEquals(1, problems.size());
        assertTrue(problems.get(0).startsWith("registry/sample.yaml: line 6: not valid YAML: "), problems.get(0));
    }

    @Test
    void fieldGivenTwiceIsRejected() {
        assertEquals(
                List.of("registry/sample.yaml: line 10: field 'name' appears twice"),
                problemsOf(temp, VALID + "name: Again\n"));
    }

    @Test
    void emptyFileIsRejected() {
        assertEquals(List.of("registry/sample.yaml: file is empty"), problemsOf(temp, "# nothing here\n"));
    }

    @Test
    void allProblemsOfOneFileAreReportedTogether() {
        String yaml = VALID.replace("status: retracted", "status: gone").replace("[ethical]", "[privacy]");
        RegistryException e =
                assertThrows(RegistryException.class, () -> RegistryFile.parse("registry/sample.yaml", yaml));
        assertEquals(2, e.problems().size());
        assertTrue(e.getMessage().startsWith("2 registry problems:"), e.getMessage());
    }

    @Test
    void singleProblemMessageIsOneLine() {
        RegistryException e = assertThrows(
                RegistryException.class,
                () -> RegistryFile.parse("registry/sample.yaml", VALID.replace("status: retracted", "status: gone")));
        assertEquals("registry/sample.yaml: line 3: status 'gone' is not one of: retracted, derived", e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
    }
}
