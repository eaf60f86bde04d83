package org.revenant.source.torrent;

import static org.revenant.source.torrent.Bencoder.dict;

import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/** Small torrents built in code; each test states the one thing it changes. */
final class TorrentFixtures {

    static final int PIECE = 16 * 1024;

    private TorrentFixtures() {}

    static byte[] pieces(long totalBytes) {
        long count = (totalBytes + PIECE - 1) / PIECE;
        byte[] hashes = new byte[(int) count * 20];
        for (int i = 0; i < hashes.length; i++) {
            hashes[i] = (byte) (i * 7 + 1);
        }
        return hashes;
    }

    static byte[] root32(int seed) {
        byte[] root = new byte[32];
        for (int i = 0; i < root.length; i++) {
            root[i] = (byte) (seed + i + 1);
        }
        return root;
    }

    static Map<String, Object> singleFileInfo(String name, long length) {
        return dict("length", length, "name", name, "piece length", PIECE, "pieces", pieces(length));
    }

    static Map<String, Object> file(long length, String... path) {
        return dict("length", length, "path", List.of((Object[]) path));
    }

    static Map<String, Object> multiFileInfo(String name, List<Map<String, Object>> files) {
        long total = files.stream()
                .mapToLong(f -> ((Number) f.get("length")).longValue())
                .sum();
        return dict("files", files, "name", name, "piece length", PIECE, "pieces", pieces(total));
    }

    /** A v2 file node: {@code {"": {length, pieces root}}}. */
    static Map<String, Object> v2File(long length, int seed) {
        Map<String, Object> leaf =
                length > 0 ? dict("length", length, "pieces root", root32(seed)) : dict("length", length);
        return dict("", leaf);
    }

    static Map<String, Object> v2Info(String name, Map<String, Object> fileTree) {
        return dict("file tree", fileTree, "meta version", 2, "name", name, "piece length", PIECE);
    }

    static byte[] torrent(Map<String, Object> info) {
        return Bencoder.encode(dict("announce", "http://tracker.example/announce", "info", info));
    }

    static String sha1(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(bytes));
    }

    static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
