package org.revenant.cli;

import java.util.List;
import java.util.Map;
import org.revenant.testkit.BencodeWriter;

/** Builds the .torrent files the CLI tests need. */
final class Bencode {

    private Bencode() {}

    static byte[] encode(Object value) {
        return BencodeWriter.encode(value);
    }

    /** A multi-file v1 torrent with the given (path, size) files and zeroed piece hashes (one per piece). */
    static byte[] torrent(String name, Map<String, Long> files) {
        List<Object> list = files.entrySet().stream()
                .map(e -> (Object) Map.of(
                        "length", e.getValue(), "path", List.of(e.getKey().split("/"))))
                .toList();
        long total = files.values().stream().mapToLong(Long::longValue).sum();
        long pieceLength = 16L * 1024 * 1024;
        int pieces = (int) ((total + pieceLength - 1) / pieceLength);
        Map<String, Object> info = Map.of(
                "name", name, "piece length", pieceLength, "files", list, "pieces", new byte[20 * Math.max(1, pieces)]);
        return encode(Map.of("announce", "udp://tracker.example.org:1337", "info", info));
    }
}
