package org.revenant.cli;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Writes the few bencode shapes the CLI tests need to build .torrent files of their own. */
final class Bencode {

    private Bencode() {}

    static byte[] encode(Object value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        write(value, out);
        return out.toByteArray();
    }

    @SuppressWarnings("unchecked")
    private static void write(Object value, ByteArrayOutputStream out) {
        if (value instanceof Long || value instanceof Integer) {
            out.writeBytes(("i" + value + "e").getBytes(StandardCharsets.US_ASCII));
        } else if (value instanceof String s) {
            write(s.getBytes(StandardCharsets.UTF_8), out);
        } else if (value instanceof byte[] b) {
            out.writeBytes((b.length + ":").getBytes(StandardCharsets.US_ASCII));
            out.writeBytes(b);
        } else if (value instanceof List<?> list) {
            out.write('l');
            list.forEach(v -> write(v, out));
            out.write('e');
        } else if (value instanceof Map<?, ?> map) {
            out.write('d');
            new TreeMap<>((Map<String, Object>) map).forEach((k, v) -> {
                write(k, out);
                write(v, out);
            });
            out.write('e');
        } else {
            throw new IllegalArgumentException("cannot bencode " + value);
        }
    }

    /** A multi-file v1 torrent with the given (path, size) files and zeroed piece hashes (one per piece). */
    static byte[] torrent(String name, Map<String, Long> files) {
        List<Object> list = files.entrySet().stream()
                .map(e -> (Object) Map.of("length", e.getValue(), "path", List.of(e.getKey().split("/"))))
                .toList();
        long total = files.values().stream().mapToLong(Long::longValue).sum();
        long pieceLength = 16L * 1024 * 1024;
        int pieces = (int) ((total + pieceLength - 1) / pieceLength);
        Map<String, Object> info = Map.of("name", name, "piece length", pieceLength, "files", list,
                "pieces", new byte[20 * Math.max(1, pieces)]);
        return encode(Map.of("announce", "udp://tracker.example.org:1337", "info", info));
    }
}
