package org.revenant.source.torrent;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Test-only bencode writer for building fixtures. Dictionaries are written in the order given
 * (a LinkedHashMap), so tests can produce non-canonical key orders on purpose.
 */
final class Bencoder {

    private Bencoder() {}

    static byte[] encode(Object value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        write(out, value);
        return out.toByteArray();
    }

    /** Builds an ordered dictionary from alternating keys and values. */
    static Map<String, Object> dict(Object... keysAndValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }

    private static void write(ByteArrayOutputStream out, Object value) {
        if (value instanceof Integer || value instanceof Long) {
            ascii(out, "i" + value + "e");
        } else if (value instanceof String s) {
            bytes(out, s.getBytes(StandardCharsets.UTF_8));
        } else if (value instanceof byte[] b) {
            bytes(out, b);
        } else if (value instanceof List<?> list) {
            out.write('l');
            list.forEach(item -> write(out, item));
            out.write('e');
        } else if (value instanceof Map<?, ?> map) {
            out.write('d');
            map.forEach((k, v) -> {
                // Keys given as ISO-8859-1 strings stand for raw bytes, as in BencodeValue.
                bytes(out, k instanceof byte[] kb ? kb : ((String) k).getBytes(StandardCharsets.UTF_8));
                write(out, v);
            });
            out.write('e');
        } else {
            throw new IllegalArgumentException("cannot bencode " + value);
        }
    }

    private static void bytes(ByteArrayOutputStream out, byte[] b) {
        ascii(out, b.length + ":");
        out.write(b, 0, b.length);
    }

    private static void ascii(ByteArrayOutputStream out, String s) {
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        out.write(b, 0, b.length);
    }
}
