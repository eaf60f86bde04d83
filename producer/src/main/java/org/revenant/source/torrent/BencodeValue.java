package org.revenant.source.torrent;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * The four bencode types. Dictionary keys are byte strings; they are held as ISO-8859-1 strings
 * because that maps every byte to exactly one char, so no key is lost or merged and
 * {@link #keyBytes(String)} gives the raw bytes back (file names in a v2 file tree are keys).
 */
public sealed interface BencodeValue {

    /** Bencode type name used in error messages. */
    String typeName();

    record BInt(long value) implements BencodeValue {
        @Override
        public String typeName() {
            return "integer";
        }
    }

    record BBytes(byte[] bytes) implements BencodeValue {
        @Override
        public String typeName() {
            return "byte string";
        }
    }

    record BList(List<BencodeValue> items) implements BencodeValue {
        @Override
        public String typeName() {
            return "list";
        }
    }

    /** Keys in input order (bencode requires sorted keys, but real files do not always comply). */
    record BDict(Map<String, BencodeValue> entries) implements BencodeValue {
        @Override
        public String typeName() {
            return "dictionary";
        }

        public BencodeValue get(String key) {
            return entries.get(key);
        }
    }

    static byte[] keyBytes(String key) {
        return key.getBytes(StandardCharsets.ISO_8859_1);
    }
}
