package org.revenant.source.manifest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.revenant.avro.EntryKind;
import org.revenant.avro.ManifestEntry;
import org.revenant.avro.MirrorStatus;

class ManifestJsonTest {

    static final Instant NOW = Instant.parse("2026-12-01T08:00:00Z");

    @TempDir
    Path dir;

    /** A crawler's view of a GitHub repository carrying MS-Celeb-1M's files, as the format describes it. */
    static final String GITHUB_MIRROR = """
            {
              "mirror": {
                "platform": "github",
                "locator": "FaceLab-Archive/MS1M-Reupload",
                "url": "https://github.com/FaceLab-Archive/MS1M-Reupload",
                "title": "MS1M-Reupload",
                "description": "Cleaned celebrity faces for recognition research",
                "status": "PRESENT"
              },
              "observedAt": "2026-11-22T00:00:00Z",
              "text": "# MS1M re-upload\\nUse git lfs pull to fetch the TSVs.",
              "files": [
                {"path": "data/FaceImageCroppedWithAlignment.tsv", "size": 91124295076,
                 "lfsSha256": "5C1B6E4F0F7C3A0E9D7B2A1C4E6F8A0B2C4D6E8F0A1B3C5D7E9F1A3B5C7D9E1F"},
                {"path": "README.md", "size": 1160,
                 "sha256": "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
                 "sha1": "A9993E364706816ABA3E25717850C26C9CD0D89D",
                 "md5": "900150983cd24fb0d6963f7d28e17f72",
                 "gitBlobSha1": "f2ba8f84ab5c1bce84a7b441cb1959cfc7093b7f"},
                {"path": "torrents/ms1m.torrent", "size": 48211, "btih": "9E67EB7CC23C9417F39778A8E06CCA5E26196A97"},
                {"path": "LINKS.md#1", "kind": "LINK", "ref": "https://example.org/ms1m/part-a.tsv"},
                {"path": "LINKS.md#2", "kind": "MAGNET_REF", "btih": "9e67eb7cc23c9417f39778a8e06cca5e26196a97"}
              ]
            }
            """;

    Path write(String json) throws IOException {
        return Files.writeString(dir.resolve("manifest.json"), json);
    }

    Manifest read(String json) throws Exception {
        return ManifestJson.read(write(json), Clock.fixed(NOW, ZoneOffset.UTC));
    }

    /** The message of reading json, without the file name prefix. */
    String error(String json) throws Exception {
        Path file = write(json);
        ManifestException e = assertThrows(ManifestException.class, () -> ManifestJson.read(file));
        assertTrue(e.getMessage().startsWith(file + ": "), e.getMessage());
        assertEquals(1, e.getMessage().lines().count(), e.getMessage());
        return e.getMessage().substring(file.toString().length() + 2);
    }

    static String withFile(String fileJson) {
        return "{\"mirror\": {\"platform\": \"github\", \"locator\": \"a/b\"},\n \"files\": [\n  " + fileJson + "\n]}";
    }

    static String withMirror(String mirrorJson) {
        return "{\"mirror\": " + mirrorJson + ",\n \"files\": []}";
    }

    @Test
    void readsAMirrorWithEveryKindOfEntry() throws Exception {
        Manifest m = read(GITHUB_MIRROR);
        assertEquals("github:facelab-archive/ms1m-reupload", m.mirror().getKey());
        assertEquals("github", m.mirror().getPlatform());
        assertEquals("facelab-archive/ms1m-reupload", m.mirror().getLocator());
        assertEquals(
                "https://github.com/FaceLab-Archive/MS1M-Reupload", m.mirror().getUrl());
        assertEquals("MS1M-Reupload", m.mirror().getTitle());
        assertEquals(
                "Cleaned celebrity faces for recognition research", m.mirror().getDescription());
        assertEquals(MirrorStatus.PRESENT, m.mirror().getStatus());
        assertEquals(Instant.parse("2026-11-22T00:00:00Z"), m.observedAt());
        assertEquals("# MS1M re-upload\nUse git lfs pull to fetch the TSVs.", m.text());
        assertEquals(List.of(), m.notes());
        assertEquals(5, m.entries().size());

        ManifestEntry tsv = m.entries().get(0);
        assertEquals(
                ManifestEntry.newBuilder()
                        .setPath("data/FaceImageCroppedWithAlignment.tsv")
                        .setSize(91_124_295_076L)
                        .setLfsSha256("5c1b6e4f0f7c3a0e9d7b2a1c4e6f8a0b2c4d6e8f0a1b3c5d7e9f1a3b5c7d9e1f")
                        .setKind(EntryKind.FILE)
                        .build(),
                tsv);
        ManifestEntry readme = m.entries().get(1);
        assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", readme.getSha256());
        assertEquals("a9993e364706816aba3e25717850c26c9cd0d89d", readme.getSha1(), "upper-case hex is normalised");
        assertEquals("900150983cd24fb0d6963f7d28e17f72", readme.getMd5());
        assertEquals("f2ba8f84ab5c1bce84a7b441cb1959cfc7093b7f", readme.getGitBlobSha1());
        assertEquals(EntryKind.FILE, readme.getKind());
        assertNull(readme.getRef());

        ManifestEntry torrent = m.entries().get(2);
        assertEquals(EntryKind.TORRENT_REF, torrent.getKind(), "a file with a btih is a .torrent in the mirror");
        assertEquals("9e67eb7cc23c9417f39778a8e06cca5e26196a97", torrent.getRef());
        assertEquals(48_211L, torrent.getSize());

        assertEquals(EntryKind.LINK, m.entries().get(3).getKind());
        assertEquals("https://example.org/ms1m/part-a.tsv", m.entries().get(3).getRef());
        assertEquals(EntryKind.MAGNET_REF, m.entries().get(4).getKind());
        assertEquals(
                "9e67eb7cc23c9417f39778a8e06cca5e26196a97", m.entries().get(4).getRef());
        assertEquals(91_124_295_076L + 1160 + 48_211, m.totalBytes());
    }

    @Test
    void theDocumentedExampleIsValid() throws Exception {
        String doc = Files.readString(Path.of("..", "docs", "manifest-format.md"));
        int start = doc.indexOf("```json\n") + "```json\n".length();
        Manifest m = read(doc.substring(start, doc.indexOf("```", start)));
        assertEquals("github:facelab-archive/ms1m-reupload", m.mirror().getKey());
        assertEquals(4, m.entries().size());
        assertEquals(91_124_344_447L, m.totalBytes(), "the total the documented summary line shows");
    }

    @Test
    void optionalFieldsDefault() throws Exception {
        Manifest m =
                read("{\"mirror\": {\"platform\": \"http\", \"locator\": \"files.example.org/pub/x\"}, \"files\": []}");
        assertEquals(
                "http:files.example.org/pub/x", m.mirror().getKey(), "an unknown platform keeps its locator as given");
        assertEquals(MirrorStatus.PRESENT, m.mirror().getStatus());
        assertEquals(NOW, m.observedAt(), "no observedAt means now");
        assertNull(m.text());
        assertNull(m.mirror().getUrl());
        assertEquals(List.of(), m.entries());
    }

    @Test
    void nullOptionalValuesAreAbsent() throws Exception {
        Manifest m = read(withFile("{\"path\": \"a.bin\", \"size\": null, \"sha256\": null, \"kind\": null}"));
        assertNull(m.entries().get(0).getSize());
        assertNull(m.entries().get(0).getSha256());
        assertEquals(EntryKind.FILE, m.entries().get(0).getKind());
    }

    @Test
    void goneMirrorWithoutFiles() throws Exception {
        Manifest m = read(
                withMirror(
                        "{\"platform\": \"github\", \"locator\": \"a/b\", \"status\": \"BLOCKED\", \"statusDetail\": \"DMCA\"}"));
        assertEquals(MirrorStatus.BLOCKED, m.mirror().getStatus());
        assertEquals("DMCA", m.mirror().getStatusDetail());
    }

    @Test
    void torrentLocatorsAreLowerCaseHex() throws Exception {
        Manifest v1 = read(
                withMirror("{\"platform\": \"torrent\", \"locator\": \"9E67EB7CC23C9417F39778A8E06CCA5E26196A97\"}"));
        assertEquals(
                "torrent:9e67eb7cc23c9417f39778a8e06cca5e26196a97", v1.mirror().getKey());
        assertEquals(
                Map.of("btih", "9e67eb7cc23c9417f39778a8e06cca5e26196a97"),
                v1.mirror().getIdentifiers());
        String v2hex = "A".repeat(64);
        Manifest v2 = read(withMirror("{\"platform\": \"torrent\", \"locator\": \"" + v2hex + "\"}"));
        assertEquals("torrent:btmh:" + "a".repeat(64), v2.mirror().getKey());
    }

    @Test
    void offsetTimesAreConverted() throws Exception {
        Manifest m = read(
                "{\"mirror\": {\"platform\": \"x\", \"locator\": \"y\"}, \"observedAt\": \"2026-11-22T01:30:00+01:00\", \"files\": []}");
        assertEquals(Instant.parse("2026-11-22T00:30:00Z"), m.observedAt());
    }

    @Test
    void longTextIsTruncatedAtOneMebibyteWithANote() throws Exception {
        String text = "é".repeat(600_000); // 1,200,000 bytes of UTF-8
        Manifest m = read(
                "{\"mirror\": {\"platform\": \"x\", \"locator\": \"y\"}, \"text\": \"" + text + "\", \"files\": []}");
        assertEquals(ManifestJson.MAX_TEXT_BYTES / 2, m.text().length());
        assertEquals(List.of("text: truncated to its first 1,048,576 bytes (it has 600,000 characters)"), m.notes());
    }

    @Test
    void truncationNeverSplitsASurrogatePair() {
        String text = "ab\uD83D\uDE00"; // 2 + 4 bytes
        assertEquals(2, ManifestJson.utf8Cut(text, 5));
        assertEquals(4, ManifestJson.utf8Cut(text, 6));
    }

    // --- validation: each rule with its exact message -------------------------------------------

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            missing platform   | {"locator": "a/b"}                              | line 1, column 12: mirror: missing required field 'platform'
            missing locator    | {"platform": "github"}                          | line 1, column 12: mirror: missing required field 'locator'
            platform upper     | {"platform": "GitHub", "locator": "a/b"}        | line 1, column 25: mirror.platform: must match [a-z0-9][a-z0-9-]* (at most 64 characters), got 'GitHub'
            platform leading - | {"platform": "-x", "locator": "a/b"}            | line 1, column 25: mirror.platform: must match [a-z0-9][a-z0-9-]* (at most 64 characters), got '-x'
            platform number    | {"platform": 7, "locator": "a/b"}               | line 1, column 25: mirror.platform: must be a string
            empty locator      | {"platform": "x", "locator": ""}                | line 1, column 41: mirror.locator: must be 1 to 2048 characters without control characters
            github locator     | {"platform": "github", "locator": "just-owner"} | line 1, column 46: mirror.locator: a github locator is owner/repo, got 'just-owner'
            torrent locator    | {"platform": "torrent", "locator": "abc"}       | line 1, column 47: mirror.locator: a torrent locator is a 40-hex-digit infohash or btmh:<64 hex digits>, got 'abc'
            unknown status     | {"platform": "x", "locator": "y", "status": "UP"} | line 1, column 56: mirror.status: unknown value 'UP' (one of PRESENT, GONE, BLOCKED, GATED, DISABLED, PRIVATE, ERROR)
            lower-case status  | {"platform": "x", "locator": "y", "status": "present"} | line 1, column 56: mirror.status: unknown value 'present' (one of PRESENT, GONE, BLOCKED, GATED, DISABLED, PRIVATE, ERROR)
            reader-only status | {"platform": "x", "locator": "y", "status": "UNKNOWN"} | line 1, column 56: mirror.status: unknown value 'UNKNOWN' (one of PRESENT, GONE, BLOCKED, GATED, DISABLED, PRIVATE, ERROR)
            unknown field      | {"platform": "x", "locator": "y", "stars": 5}   | line 1, column 46: mirror.stars: unknown field (known: platform, locator, url, title, description, owner, status, statusDetail)
            repeated field     | {"platform": "x", "locator": "y", "platform": "z"} | line 1, column 46: mirror.platform: appears more than once
            not an object      | "github:a/b"                                    | line 1, column 12: mirror: must be an object
            """)
    void mirrorRules(String rule, String mirror, String message) throws Exception {
        assertEquals(message, error(withMirror(mirror)));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            negative size       | {"path": "a", "size": -1}                 | line 3, column 25: files[0].size: must be a non-negative integer
            fractional size     | {"path": "a", "size": 1.5}                | line 3, column 25: files[0].size: must be a non-negative integer
            string size         | {"path": "a", "size": "10"}               | line 3, column 25: files[0].size: must be a non-negative integer
            size over 2^53      | {"path": "a", "size": 9007199254740993}   | line 3, column 25: files[0].size: must be at most 2^53 (9007199254740992)
            huge size           | {"path": "a", "size": 123456789012345678901234567890} | line 3, column 25: files[0].size: must be at most 2^53 (9007199254740992)
            missing path        | {"size": 5}                               | line 3, column 3: files[0]: missing required field 'path'
            empty path          | {"path": ""}                              | line 3, column 12: files[0].path: must not be empty
            absolute path       | {"path": "/etc/passwd"}                   | line 3, column 12: files[0].path: must be relative, got '/etc/passwd'
            drive path          | {"path": "C:/data/x"}                     | line 3, column 12: files[0].path: must be relative, got 'C:/data/x'
            dot-dot path        | {"path": "data/../../x"}                  | line 3, column 12: files[0].path: must not contain a '..' component, got 'data/../../x'
            NUL in path         | {"path": "a\\u0000b"}                     | line 3, column 12: files[0].path: must not contain NUL
            short sha256        | {"path": "a", "sha256": "abc"}            | line 3, column 27: files[0].sha256: must be 64 hex digits, got 'abc'
            non-hex sha1        | {"path": "a", "sha1": "zz9993e364706816aba3e25717850c26c9cd0d89d"} | line 3, column 25: files[0].sha1: must be 40 hex digits, got 'zz9993e364706816aba3e25717850c26c9cd0d89d'
            md5 of sha1 length  | {"path": "a", "md5": "a9993e364706816aba3e25717850c26c9cd0d89d"} | line 3, column 24: files[0].md5: must be 32 hex digits, got 'a9993e364706816aba3e25717850c26c9cd0d89d'
            short git blob      | {"path": "a", "gitBlobSha1": "f2ba8f"}    | line 3, column 32: files[0].gitBlobSha1: must be 40 hex digits, got 'f2ba8f'
            short lfs sha256    | {"path": "a", "lfsSha256": "f2ba8f"}      | line 3, column 30: files[0].lfsSha256: must be 64 hex digits, got 'f2ba8f'
            btih of 50 digits   | {"path": "a", "btih": "01234567890123456789012345678901234567890123456789"} | line 3, column 25: files[0].btih: must be 40 or 64 hex digits, got '01234567890123456789012345678901234567890123456789'
            unknown kind        | {"path": "a", "kind": "DIRECTORY"}        | line 3, column 25: files[0].kind: unknown value 'DIRECTORY' (one of FILE, TORRENT_REF, MAGNET_REF, LINK)
            reader-only kind    | {"path": "a", "kind": "UNKNOWN"}          | line 3, column 25: files[0].kind: unknown value 'UNKNOWN' (one of FILE, TORRENT_REF, MAGNET_REF, LINK)
            unknown field       | {"path": "a", "sizee": 5}                 | line 3, column 17: files[0].sizee: unknown field (known: path, size, sha256, sha1, md5, gitBlobSha1, lfsSha256, btih, kind, ref)
            repeated field      | {"path": "a", "path": "b"}                | line 3, column 17: files[0].path: appears more than once
            link without ref    | {"path": "a", "kind": "LINK"}             | line 3, column 3: files[0]: a LINK entry needs a ref (the URL)
            link with btih      | {"path": "a", "kind": "LINK", "ref": "https://x", "btih": "9e67eb7cc23c9417f39778a8e06cca5e26196a97"} | line 3, column 3: files[0]: a LINK entry has no btih
            magnet without btih | {"path": "a", "kind": "MAGNET_REF"}       | line 3, column 3: files[0]: a MAGNET_REF entry needs a btih
            bad torrent ref     | {"path": "a", "kind": "TORRENT_REF", "ref": "xyz"} | line 3, column 47: files[0].ref: must be a btih (40 or 64 hex digits) in a TORRENT_REF entry
            btih and ref differ | {"path": "a", "btih": "9e67eb7cc23c9417f39778a8e06cca5e26196a97", "ref": "0000000000000000000000000000000000000000"} | line 3, column 3: files[0]: btih and ref differ
            file with btih      | {"path": "a", "kind": "FILE", "btih": "9e67eb7cc23c9417f39778a8e06cca5e26196a97"} | line 3, column 3: files[0]: a FILE entry has no btih or ref (a file with a btih is a TORRENT_REF)
            entry not an object | "data/x.tsv"                              | line 3, column 3: files[0]: must be an object
            """)
    void fileRules(String rule, String file, String message) throws Exception {
        assertEquals(message, error(withFile(file)));
    }

    @Test
    void overlongPathIsRejected() throws Exception {
        assertEquals(
                "line 3, column 12: files[0].path: is longer than 4096 characters",
                error(withFile("{\"path\": \"" + "d/".repeat(2048) + "x\"}")));
        read(withFile("{\"path\": \"" + "d/".repeat(2047) + "xy\"}")); // exactly 4096 is fine
    }

    @Test
    void sizeOfExactly2To53IsAccepted() throws Exception {
        assertEquals(
                9_007_199_254_740_992L,
                read(withFile("{\"path\": \"a\", \"size\": 9007199254740992}"))
                        .entries()
                        .get(0)
                        .getSize());
    }

    @Test
    void duplicatePathIsReportedAtItsSecondOccurrence() throws Exception {
        String json = """
                {"mirror": {"platform": "github", "locator": "a/b"},
                 "files": [
                  {"path": "data/x.tsv", "size": 1},
                  {"path": "data/y.tsv", "size": 2},
                  {"size": 3, "path": "data/x.tsv"}
                 ]}
                """;
        assertEquals("line 5, column 23: files[2].path: duplicate path 'data/x.tsv'", error(json));
    }

    @Test
    void topLevelRules() throws Exception {
        assertEquals("line 1, column 1: missing required field 'mirror'", error("{\"files\": []}"));
        assertEquals(
                "line 1, column 1: missing required field 'files' (it may be an empty list)",
                error("{\"mirror\": {\"platform\": \"x\", \"locator\": \"y\"}}"));
        assertEquals("line 1, column 1: a manifest is a JSON object", error("[]"));
        assertEquals(
                "line 1, column 2: crawler: unknown field (known: mirror, observedAt, text, files)",
                error("{\"crawler\": \"mine\", \"files\": []}"));
        assertEquals("line 1, column 11: files: must be a list", error("{\"files\": {}}"));
        assertEquals(
                "line 1, column 16: observedAt: must be an ISO-8601 time with an offset such as 2026-11-22T00:00:00Z, got '2026-11-22'",
                error("{\"observedAt\": \"2026-11-22\"}"));
        assertEquals("line 1, column 10: text: must be a string", error("{\"text\": 42}"));
        assertEquals("line 1, column 15: files: appears more than once", error("{\"files\": [], \"files\": []}"));
        assertEquals("line 1, column 15: unexpected content after the manifest object", error("{\"files\": []} {}"));
    }

    @Test
    void truncatedJsonReportsJacksonsPosition() throws Exception {
        String json =
                "{\"mirror\": {\"platform\": \"x\", \"locator\": \"y\"},\n \"files\": [\n  {\"path\": \"a\", \"size\": 1}";
        String message = error(json);
        assertEquals(
                "line 3, column 27: files[0]: malformed JSON: Unexpected end-of-input: expected close marker for Array (start marker at line 2, column 11)",
                message);
    }

    @Test
    void trailingCommaReportsJacksonsPosition() throws Exception {
        String message = error(
                "{\"mirror\": {\"platform\": \"x\", \"locator\": \"y\"},\n \"files\": [\n  {\"path\": \"a\", \"size\": 1,}\n]}");
        assertEquals(
                "line 3, column 27: files[0].size: malformed JSON: Unexpected character ('}' (code 125)): was expecting double-quote to start field name",
                message);
        String inArray = error(
                "{\"mirror\": {\"platform\": \"x\", \"locator\": \"y\"},\n \"files\": [\n  {\"path\": \"a\"},\n]}");
        assertEquals(
                "line 4, column 1: files[1]: malformed JSON: Unexpected character (']' (code 93)): expected a value",
                inArray);
    }

    @Test
    void fileOverOneGibibyteIsRefusedBeforeParsing() throws Exception {
        Path big = dir.resolve("huge.json");
        try (var file = new RandomAccessFile(big.toFile(), "rw")) {
            file.setLength(ManifestJson.MAX_FILE_BYTES + 1); // sparse: no disk space used
        }
        ManifestException e = assertThrows(ManifestException.class, () -> ManifestJson.read(big));
        assertEquals(big + ": 1,073,741,825 bytes is more than a manifest may be (1,073,741,824)", e.getMessage());
    }

    @Test
    void missingFileIsNoSuchFile() {
        assertThrows(NoSuchFileException.class, () -> ManifestJson.read(dir.resolve("absent.json")));
    }

    @Test
    void aMillionFilesAreReadInOnePass() throws Exception {
        Path file = dir.resolve("big.json");
        try (var out = Files.newBufferedWriter(file)) {
            out.write(
                    "{\"mirror\": {\"platform\": \"hf\", \"locator\": \"datasets/someone/faces\", \"status\": \"PRESENT\"},\n");
            out.write(" \"observedAt\": \"2026-11-22T00:00:00Z\",\n \"files\": [\n");
            for (int i = 0; i < 1_000_000; i++) {
                if (i > 0) {
                    out.write(",\n");
                }
                out.write("  {\"path\": \"m.0");
                out.write(Integer.toString(i, 36));
                out.write("/0-FaceId-0.jpg\", \"size\": ");
                out.write(Integer.toString(20_000 + i % 9_000));
                out.write('}');
            }
            out.write("\n]}\n");
        }
        Manifest m = ManifestJson.read(file);
        assertEquals(1_000_000, m.entries().size());
        assertEquals("hf:datasets/someone/faces", m.mirror().getKey());
        assertEquals(
                "m.0" + Integer.toString(999_999, 36) + "/0-FaceId-0.jpg",
                m.entries().get(999_999).getPath());
    }
}
