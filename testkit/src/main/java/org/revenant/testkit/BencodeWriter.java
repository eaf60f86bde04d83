package org.revenant.testkit;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes bencode for tests that build their own .torrent files: integers, strings (UTF-8),
 * byte arrays, lists, and maps (written with sorted keys, as a well-formed torrent has them).
 */
public final class BencodeWriter {

    private BencodeWriter() {}

    public static byte[] encode(Object value) {
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
}
