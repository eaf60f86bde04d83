package org.revenant.source.torrent;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Strict bencode parser for untrusted input. It bounds everything an attacker controls: input
 * size, nesting depth, the number of values, and every string length is checked against the bytes
 * that remain before anything is allocated. While reading the top-level dictionary it remembers
 * where the value of the {@code info} key starts and ends, so infohashes are taken over the
 * original bytes and never over a re-encoding.
 */
public final class BencodeReader {

    /** Caps applied while parsing; the defaults suit .torrent files. */
    public record Limits(int maxInputBytes, int maxDepth, int maxValues) {
        public static final Limits TORRENT_FILE = new Limits(16 * 1024 * 1024, 64, 2_000_000);

        public Limits {
            if (maxInputBytes < 1 || maxDepth < 1 || maxValues < 1) {
                throw new IllegalArgumentException("bencode limits must be positive");
            }
        }
    }

    /**
     * A parsed document. {@code infoStart}/{@code infoEnd} delimit the raw bytes of the top-level
     * {@code info} value (end exclusive), or are -1 when there is none.
     */
    public record Document(BencodeValue root, int infoStart, int infoEnd) {
        public boolean hasInfo() {
            return infoStart >= 0;
        }
    }

    private static final BencodeValue.BList EMPTY_LIST = new BencodeValue.BList(List.of());
    private static final BencodeValue.BDict EMPTY_DICT = new BencodeValue.BDict(Map.of());
    // Lengths are bounded by the input size (an int); 18 digits cannot overflow a long.
    private static final int MAX_LENGTH_DIGITS = 18;

    private final Limits limits;
    private byte[] in;
    private int pos;
    private int values;
    private int infoStart;
    private int infoEnd;

    private BencodeReader(Limits limits) {
        this.limits = limits;
    }

    public static Document read(byte[] data) throws TorrentException {
        return read(data, Limits.TORRENT_FILE);
    }

    public static Document read(byte[] data, Limits limits) throws TorrentException {
        if (data == null) {
            throw new IllegalArgumentException("data");
        }
        if (data.length > limits.maxInputBytes()) {
            throw new TorrentException(
                    "input is " + data.length + " bytes, more than the limit of " + limits.maxInputBytes());
        }
        if (data.length == 0) {
            throw new TorrentException("empty input");
        }
        BencodeReader reader = new BencodeReader(limits);
        reader.in = data;
        reader.infoStart = -1;
        reader.infoEnd = -1;
        BencodeValue root = reader.value(0);
        if (reader.pos != data.length) {
            throw TorrentException.at(reader.pos, "trailing data after the top-level value");
        }
        return new Document(root, reader.infoStart, reader.infoEnd);
    }

    private BencodeValue value(int depth) throws TorrentException {
        if (pos >= in.length) {
            throw TorrentException.at(pos, "truncated input: expected a value");
        }
        if (++values > limits.maxValues()) {
            throw TorrentException.at(pos, "more than " + limits.maxValues() + " values");
        }
        byte b = in[pos];
        if (b == 'i') {
            return integer();
        }
        if (b >= '0' && b <= '9') {
            return new BencodeValue.BBytes(byteString());
        }
        if (b == 'l' || b == 'd') {
            if (depth + 1 > limits.maxDepth()) {
                throw TorrentException.at(pos, "nesting deeper than " + limits.maxDepth());
            }
            return b == 'l' ? list(depth + 1) : dict(depth + 1);
        }
        throw TorrentException.at(
                pos, "unexpected byte 0x" + String.format("%02x", b & 0xff) + " where a value should start");
    }

    private BencodeValue.BInt integer() throws TorrentException {
        int start = pos;
        pos++; // 'i'
        boolean negative = pos < in.length && in[pos] == '-';
        if (negative) {
            pos++;
        }
        int digitsStart = pos;
        long value = 0;
        while (pos < in.length && in[pos] >= '0' && in[pos] <= '9') {
            int digit = in[pos] - '0';
            // Accumulate as a negative number so Long.MIN_VALUE is representable.
            if (value < (Long.MIN_VALUE + digit) / 10) {
                throw TorrentException.at(start, "integer overflows 64 bits");
            }
            value = value * 10 - digit;
            pos++;
        }
        int digits = pos - digitsStart;
        if (pos >= in.length) {
            throw TorrentException.at(start, "truncated integer");
        }
        if (in[pos] != 'e') {
            throw TorrentException.at(pos, "invalid character in integer");
        }
        if (digits == 0) {
            throw TorrentException.at(start, "integer without digits");
        }
        if (digits > 1 && in[digitsStart] == '0') {
            throw TorrentException.at(start, "integer with a leading zero");
        }
        if (negative && value == 0) {
            throw TorrentException.at(start, "negative zero integer");
        }
        pos++; // 'e'
        if (!negative) {
            if (value == Long.MIN_VALUE) {
                throw TorrentException.at(start, "integer overflows 64 bits");
            }
            value = -value;
        }
        return new BencodeValue.BInt(value);
    }

    private byte[] byteString() throws TorrentException {
        int start = pos;
        long length = 0;
        int digits = 0;
        while (pos < in.length && in[pos] >= '0' && in[pos] <= '9') {
            if (++digits > MAX_LENGTH_DIGITS) {
                throw TorrentException.at(start, "byte string length too long");
            }
            length = length * 10 + (in[pos] - '0');
            pos++;
        }
        if (pos >= in.length) {
            throw TorrentException.at(start, "truncated byte string length");
        }
        if (in[pos] != ':') {
            throw TorrentException.at(pos, "expected ':' after byte string length");
        }
        if (digits > 1 && in[start] == '0') {
            throw TorrentException.at(start, "byte string length with a leading zero");
        }
        pos++; // ':'
        // Checked before allocating, so "999999999999:" in a tiny file costs nothing.
        if (length > in.length - pos) {
            throw TorrentException.at(
                    start, "truncated byte string (declares " + length + " bytes, " + (in.length - pos) + " remain)");
        }
        byte[] bytes = Arrays.copyOfRange(in, pos, pos + (int) length);
        pos += (int) length;
        return bytes;
    }

    private BencodeValue.BList list(int depth) throws TorrentException {
        pos++; // 'l'
        List<BencodeValue> items = null;
        while (true) {
            if (pos >= in.length) {
                throw TorrentException.at(pos, "truncated list");
            }
            if (in[pos] == 'e') {
                pos++;
                return items == null ? EMPTY_LIST : new BencodeValue.BList(Collections.unmodifiableList(items));
            }
            if (items == null) {
                items = new ArrayList<>();
            }
            items.add(value(depth));
        }
    }

    private BencodeValue.BDict dict(int depth) throws TorrentException {
        pos++; // 'd'
        Map<String, BencodeValue> entries = null;
        while (true) {
            if (pos >= in.length) {
                throw TorrentException.at(pos, "truncated dictionary");
            }
            if (in[pos] == 'e') {
                pos++;
                return entries == null ? EMPTY_DICT : new BencodeValue.BDict(Collections.unmodifiableMap(entries));
            }
            int keyOffset = pos;
            if (in[pos] < '0' || in[pos] > '9') {
                throw TorrentException.at(pos, "dictionary key is not a byte string");
            }
            if (++values > limits.maxValues()) {
                throw TorrentException.at(pos, "more than " + limits.maxValues() + " values");
            }
            String key = new String(byteString(), StandardCharsets.ISO_8859_1);
            if (entries == null) {
                entries = new LinkedHashMap<>();
            }
            if (entries.containsKey(key)) {
                throw TorrentException.at(keyOffset, "duplicate dictionary key");
            }
            int valueStart = pos;
            BencodeValue value = value(depth);
            if (depth == 1 && key.equals("info")) {
                infoStart = valueStart;
                infoEnd = pos;
            }
            entries.put(key, value);
        }
    }
}
