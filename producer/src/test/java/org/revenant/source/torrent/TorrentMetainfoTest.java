package org.revenant.source.torrent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.revenant.source.torrent.Bencoder.dict;
import static org.revenant.source.torrent.TorrentFixtures.PIECE;
import static org.revenant.source.torrent.TorrentFixtures.file;
import static org.revenant.source.torrent.TorrentFixtures.multiFileInfo;
import static org.revenant.source.torrent.TorrentFixtures.pieces;
import static org.revenant.source.torrent.TorrentFixtures.root32;
import static org.revenant.source.torrent.TorrentFixtures.sha1;
import static org.revenant.source.torrent.TorrentFixtures.sha256;
import static org.revenant.source.torrent.TorrentFixtures.singleFileInfo;
import static org.revenant.source.torrent.TorrentFixtures.torrent;
import static org.revenant.source.torrent.TorrentFixtures.v2File;
import static org.revenant.source.torrent.TorrentFixtures.v2Info;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TorrentMetainfoTest {

    private static String rejection(Map<String, Object> info) {
        return assertThrows(TorrentException.class, () -> TorrentMetainfo.parse(torrent(info)))
                .getMessage();
    }

    @Test
    void singleFileTorrentHasV1InfohashOfRawInfoBytes() throws Exception {
        Map<String, Object> info = singleFileInfo("faces.tsv", 40_000);
        TorrentMetainfo meta = TorrentMetainfo.parse(torrent(info));
        assertEquals(sha1(Bencoder.encode(info)), meta.btih());
        assertNull(meta.btmh());
        assertEquals("faces.tsv", meta.name());
        assertTrue(meta.singleFile());
        assertEquals(List.of(new TorrentFile("faces.tsv", 40_000)), meta.files());
        assertEquals(40_000, meta.totalSize());
        assertEquals(PIECE, meta.pieceLength());
        assertEquals(List.of("http://tracker.example/announce"), meta.trackers());
    }

    @Test
    void infohashUsesRawBytesEvenWithUnsortedAndUnknownKeys() throws Exception {
        // Re-encoding would sort the keys and change the hash; the raw bytes must be hashed.
        Map<String, Object> info = dict(
                "pieces",
                pieces(10),
                "name",
                "x.bin",
                "zzz-unknown",
                List.of(1, "two"),
                "length",
                10,
                "piece length",
                PIECE);
        byte[] raw = Bencoder.encode(info);
        TorrentMetainfo meta = TorrentMetainfo.parse(torrent(info));
        assertEquals(sha1(raw), meta.btih());
    }

    @Test
    void multiFileTorrentListsPathsJoinedWithSlash() throws Exception {
        TorrentMetainfo meta = TorrentMetainfo.parse(torrent(multiFileInfo(
                "MS-Celeb-1M", List.of(file(1160, "README.md"), file(5_000_000, "data", "aligned", "Faces.tsv")))));
        assertFalse(meta.singleFile());
        assertEquals(
                List.of(new TorrentFile("README.md", 1160), new TorrentFile("data/aligned/Faces.tsv", 5_000_000)),
                meta.files());
        assertEquals(5_001_160, meta.totalSize());
    }

    @Test
    void paddingFilesAreSkippedButCountTowardsPieces() throws Exception {
        Map<String, Object> pad = dict("attr", "p", "length", PIECE - 100, "path", List.of(".pad", "16284"));
        Map<String, Object> legacyPad = file(50, "_____padding_file_0_");
        Map<String, Object> noPathPad = dict("attr", "p", "length", 10);
        TorrentMetainfo meta = TorrentMetainfo.parse(torrent(
                multiFileInfo("set", List.of(file(100, "a.jpg"), pad, file(200, "b.jpg"), legacyPad, noPathPad))));
        assertEquals(List.of(new TorrentFile("a.jpg", 100), new TorrentFile("b.jpg", 200)), meta.files());
        assertEquals(300, meta.totalSize());
    }

    @Test
    void symlinksAreNotListedAsContent() throws Exception {
        Map<String, Object> link =
                dict("attr", "l", "length", 0, "path", List.of("link"), "symlink path", List.of("a.jpg"));
        TorrentMetainfo meta = TorrentMetainfo.parse(torrent(multiFileInfo("set", List.of(file(100, "a.jpg"), link))));
        assertEquals(List.of(new TorrentFile("a.jpg", 100)), meta.files());
    }

    @Test
    void v2OnlyTorrentHasOnlyBtmh() throws Exception {
        Map<String, Object> info = v2Info(
                "photos",
                dict(
                        "a.jpg", v2File(100, 1),
                        "sub", dict("b.jpg", v2File(70_000, 2), "empty.txt", v2File(0, 0))));
        TorrentMetainfo meta = TorrentMetainfo.parse(torrent(info));
        assertNull(meta.btih());
        assertEquals(sha256(Bencoder.encode(info)), meta.btmh());
        assertEquals(64, meta.btmh().length());
        assertFalse(meta.singleFile());
        assertEquals(
                List.of(
                        new TorrentFile("a.jpg", 100),
                        new TorrentFile("sub/b.jpg", 70_000),
                        new TorrentFile("sub/empty.txt", 0)),
                meta.files());
    }

    @Test
    void v2TorrentWithOneRootFileIsSingleFile() throws Exception {
        TorrentMetainfo meta = TorrentMetainfo.parse(torrent(v2Info("one.bin", dict("one.bin", v2File(5, 1)))));
        assertTrue(meta.singleFile());
        assertEquals(List.of(new TorrentFile("one.bin", 5)), meta.files());
    }

    @Test
    void hybridTorrentHasBothInfohashesOfTheSameRawBytes() throws Exception {
        Map<String, Object> pad = dict("attr", "p", "length", PIECE - 100, "path", List.of(".pad", "x"));
        Map<String, Object> info = dict(
                "file tree",
                dict("a.bin", v2File(100, 1), "b.bin", v2File(300, 2)),
                "files",
                List.of(file(100, "a.bin"), pad, file(300, "b.bin")),
                "meta version",
                2,
                "name",
                "hybrid",
                "piece length",
                PIECE,
                "pieces",
                pieces(PIECE + 300));
        byte[] raw = Bencoder.encode(info);
        TorrentMetainfo meta = TorrentMetainfo.parse(torrent(info));
        assertTrue(meta.isHybrid());
        assertEquals(sha1(raw), meta.btih());
        assertEquals(sha256(raw), meta.btmh());
        assertEquals(List.of(new TorrentFile("a.bin", 100), new TorrentFile("b.bin", 300)), meta.files());
    }

    @Test
    void hybridWhoseV1AndV2FileListsDisagreeIsRejected() {
        Map<String, Object> info = dict(
                "file tree",
                dict("a.bin", v2File(100, 1)),
                "files",
                List.of(file(999, "a.bin")),
                "meta version",
                2,
                "name",
                "hybrid",
                "piece length",
                PIECE,
                "pieces",
                pieces(999));
        assertEquals("invalid hybrid torrent: v1 file list and v2 file tree disagree", rejection(info));
    }

    @Test
    void rejectsTopLevelThatIsNotADictionary() {
        TorrentException e =
                assertThrows(TorrentException.class, () -> TorrentMetainfo.parse(Bencoder.encode(List.of(1))));
        assertEquals("not a torrent: top-level value is a list, expected a dictionary", e.getMessage());
    }

    @Test
    void rejectsMissingInfoDictionary() {
        TorrentException e = assertThrows(
                TorrentException.class, () -> TorrentMetainfo.parse(Bencoder.encode(dict("announce", "x"))));
        assertEquals("not a torrent: no 'info' dictionary", e.getMessage());
    }

    @Test
    void rejectsInfoThatIsNotADictionary() {
        TorrentException e = assertThrows(
                TorrentException.class, () -> TorrentMetainfo.parse(Bencoder.encode(dict("info", "files"))));
        assertEquals("invalid torrent: 'info' is a byte string, expected a dictionary", e.getMessage());
    }

    @Test
    void rejectsMissingName() {
        Map<String, Object> info = singleFileInfo("x", 10);
        info.remove("name");
        assertEquals("invalid torrent: info has no 'name'", rejection(info));
    }

    @Test
    void rejectsNegativeSingleFileLength() {
        Map<String, Object> info = singleFileInfo("x", 10);
        info.put("length", -425);
        assertEquals("invalid torrent: 'length' is negative (-425)", rejection(info));
    }

    @Test
    void rejectsNegativeFileLengthInMultiFileTorrent() {
        assertEquals(
                "invalid torrent: file 1 'length' is negative (-45)",
                rejection(multiFileInfo("x", List.of(file(10, "a"), file(-45, "b")))));
    }

    @Test
    void rejectsSizeAbove2To53() {
        Map<String, Object> info =
                dict("length", (1L << 53) + 1, "name", "x", "piece length", PIECE, "pieces", new byte[20]);
        assertEquals("invalid torrent: 'length' is 9007199254740993, more than 2^53 bytes", rejection(info));
    }

    @Test
    void rejectsTotalSizeAbove2To53() {
        long big = 1L << 52;
        Map<String, Object> info = dict(
                "files",
                List.of(file(big, "a"), file(big, "b"), file(1, "c")),
                "name",
                "x",
                "piece length",
                PIECE,
                "pieces",
                new byte[20]);
        assertEquals("invalid torrent: total size is more than 2^53 bytes", rejection(info));
    }

    @Test
    void rejectsParentDirectoryComponent() {
        assertEquals(
                "invalid torrent: file 0 path '..' is not allowed",
                rejection(multiFileInfo("x", List.of(file(10, "..", "etc", "passwd")))));
    }

    @Test
    void rejectsCurrentDirectoryComponent() {
        assertEquals(
                "invalid torrent: file 0 path '.' is not allowed",
                rejection(multiFileInfo("x", List.of(file(10, ".")))));
    }

    @Test
    void rejectsAbsolutePathComponent() {
        assertEquals(
                "invalid torrent: file 0 path '/etc/passwd' contains '/' (absolute or nested path)",
                rejection(multiFileInfo("x", List.of(file(10, "/etc/passwd")))));
    }

    @Test
    void rejectsNameThatEscapesTheDownloadDirectory() {
        assertEquals("invalid torrent: torrent name '..' is not allowed", rejection(singleFileInfo("..", 10)));
        assertEquals(
                "invalid torrent: torrent name 'a/../../b' contains '/' (absolute or nested path)",
                rejection(singleFileInfo("a/../../b", 10)));
    }

    @Test
    void rejectsNonUtf8Name() {
        Map<String, Object> info = singleFileInfo("x", 10);
        info.put("name", new byte[] {(byte) 0xff, (byte) 0xfe, 'a'});
        assertEquals("invalid torrent: torrent name is not valid UTF-8", rejection(info));
    }

    @Test
    void dropsEmptyPathComponentsButRejectsAnEmptyPath() throws Exception {
        TorrentMetainfo meta = TorrentMetainfo.parse(torrent(multiFileInfo("x", List.of(file(10, "a", "", "b")))));
        assertEquals("a/b", meta.files().get(0).path());
        assertEquals("invalid torrent: file 0 has an empty path", rejection(multiFileInfo("x", List.of(file(10, "")))));
    }

    @Test
    void rejectsEmptyFileList() {
        assertEquals("invalid torrent: 'files' is empty", rejection(multiFileInfo("x", List.of())));
    }

    @Test
    void rejectsMoreFilesThanTheCap() {
        byte[] data = torrent(multiFileInfo("x", List.of(file(1, "a"), file(1, "b"), file(1, "c"))));
        TorrentMetainfo.Limits limits = new TorrentMetainfo.Limits(BencodeReader.Limits.TORRENT_FILE, 2);
        TorrentException e = assertThrows(TorrentException.class, () -> TorrentMetainfo.parse(data, limits));
        assertEquals("torrent lists 3 files, more than the limit of 2", e.getMessage());
    }

    @Test
    void rejectsPieceHashesThatDoNotCoverTheContent() {
        Map<String, Object> info = singleFileInfo("x", 10);
        info.put("length", 3L * PIECE);
        assertEquals(
                "invalid torrent: 1 piece hashes for 49152 bytes in pieces of 16384 (expected 3)", rejection(info));
    }

    @Test
    void rejectsNonPositivePieceLength() {
        Map<String, Object> info = singleFileInfo("x", 10);
        info.put("piece length", 0);
        assertEquals("invalid torrent: 'piece length' is 0, expected a positive number", rejection(info));
    }

    @Test
    void rejectsTorrentWithNoContent() {
        assertEquals("invalid torrent: it has no content (total size 0)", rejection(singleFileInfo("x", 0)));
    }

    @Test
    void rejectsV2PieceLengthThatIsNotAPowerOfTwo() {
        Map<String, Object> info = v2Info("x", dict("x", v2File(5, 1)));
        info.put("piece length", 32_767);
        assertEquals(
                "invalid v2 torrent: piece length 32767 is not a power of two of at least 16 KiB", rejection(info));
    }

    @Test
    void rejectsV2FileTreeEntryThatIsNotADictionary() {
        Map<String, Object> info = v2Info("x", dict("x", dict("length", 5, "pieces root", root32(1))));
        assertEquals(
                "invalid v2 torrent: file tree entry 'x/length' is a integer, expected a dictionary", rejection(info));
    }

    @Test
    void rejectsV2FileWithoutPiecesRoot() {
        Map<String, Object> info = v2Info("x", dict("x", dict("", dict("length", 5))));
        assertEquals("invalid v2 torrent: v2 file 'x' has no 32-byte 'pieces root'", rejection(info));
    }

    @Test
    void rejectsV2FileNamedDotDot() {
        assertEquals(
                "invalid torrent: v2 file tree name '..' is not allowed",
                rejection(v2Info("x", dict("..", v2File(5, 1)))));
    }

    @Test
    void rejectsUnknownMetaVersion() {
        Map<String, Object> info = singleFileInfo("x", 10);
        info.put("meta version", 3);
        assertEquals("unsupported torrent meta version 3", rejection(info));
    }

    @Test
    void rejectsTrailingGarbageAfterTheTorrent() {
        byte[] good = torrent(singleFileInfo("x", 10));
        byte[] bad = Arrays.copyOf(good, good.length + 3);
        TorrentException e = assertThrows(TorrentException.class, () -> TorrentMetainfo.parse(bad));
        assertEquals("trailing data after the top-level value at offset " + good.length, e.getMessage());
    }

    @Test
    void rejectsTruncatedTorrent() {
        byte[] good = torrent(singleFileInfo("x", 10));
        byte[] cut = Arrays.copyOf(good, good.length - 10);
        TorrentException e = assertThrows(TorrentException.class, () -> TorrentMetainfo.parse(cut));
        assertTrue(e.getMessage().startsWith("truncated"), e.getMessage());
    }
}
