package org.revenant.detect.manifest;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.revenant.avro.EntryKind;
import org.revenant.avro.ManifestEntry;

/**
 * The binary encoding of one page of a mirror's manifest: a run of entries sorted by path in
 * UTF-8 byte order, each path front-coded against the one before it and each hash that is
 * lowercase hex packed into bytes. Every field of {@link ManifestEntry} is kept, so a page
 * decodes to the entries it was made of. The layout is in docs/decisions/014-paged-manifest-state.md.
 *
 * <p>Decoding is bounded: a page of more than {@link #MAX_ENTRIES} entries or {@link #MAX_BYTES}
 * bytes, or one whose lengths run past its end, is rejected with an
 * {@link IllegalArgumentException} naming what was wrong, never read further.
 */
public final class ManifestPage {

    /** Entries per page at most; a page of this many typical entries stays far under 1 MiB. */
    public static final int MAX_ENTRIES = 512;
    /** Encoded bytes per page at most. */
    public static final int MAX_BYTES = 1 << 20;

    private static final byte MAGIC = 'P';
    private static final byte VERSION = 1;
    private static final EntryKind[] KINDS = EntryKind.values();

    private static final int HAS_SIZE = 1;
    private static final int HAS_REF = 1 << 1;
    /** Bits 2..6: the hash field is present; bits 7..11: it is packed hex. */
    private static final int HASH_PRESENT = 2;

    private static final int HASH_PACKED = 7;

    private ManifestPage() {}

    /**
     * @param entries sorted by path in UTF-8 byte order, no path twice, at most {@link #MAX_ENTRIES}
     * @throws IllegalArgumentException if they are not, or the page would exceed {@link #MAX_BYTES}
     */
    public static byte[] encode(List<ManifestEntry> entries) {
        Objects.requireNonNull(entries, "entries");
        if (entries.size() > MAX_ENTRIES) {
            throw new IllegalArgumentException("page of " + entries.size() + " entries exceeds " + MAX_ENTRIES);
        }
        Out out = new Out(64 + 64 * entries.size());
        out.write(MAGIC);
        out.write(VERSION);
        writeVarint(out, entries.size());
        byte[] previous = new byte[0];
        for (ManifestEntry entry : entries) {
            byte[] path = entry.getPath().getBytes(StandardCharsets.UTF_8);
            if (previous.length > 0 || entry != entries.get(0)) {
                if (Arrays.compareUnsigned(previous, path) >= 0) {
                    throw new IllegalArgumentException(
                            "page entries not strictly sorted by path at " + entry.getPath());
                }
            }
            int shared = Arrays.mismatch(previous, path);
            shared = shared < 0 ? path.length : Math.min(shared, path.length);
            writeVarint(out, shared);
            writeBytes(out, path, shared, path.length - shared);
            previous = path;

            int flags = (entry.getSize() != null ? HAS_SIZE : 0) | (entry.getRef() != null ? HAS_REF : 0);
            for (int i = 0; i < HASHES; i++) {
                String hash = hash(entry, i);
                if (hash != null) {
                    flags |= 1 << (HASH_PRESENT + i);
                    if (packable(hash)) {
                        flags |= 1 << (HASH_PACKED + i);
                    }
                }
            }
            writeVarint(out, flags);
            out.write(entry.getKind().ordinal());
            if (entry.getSize() != null) {
                writeVarlong(out, entry.getSize());
            }
            for (int i = 0; i < HASHES; i++) {
                if ((flags & (1 << (HASH_PRESENT + i))) == 0) {
                    continue;
                }
                String hash = hash(entry, i);
                if ((flags & (1 << (HASH_PACKED + i))) != 0) {
                    writeVarint(out, hash.length() / 2);
                    out.writePackedHex(hash);
                } else {
                    byte[] text = hash.getBytes(StandardCharsets.UTF_8);
                    writeBytes(out, text, 0, text.length);
                }
            }
            if (entry.getRef() != null) {
                byte[] ref = entry.getRef().getBytes(StandardCharsets.UTF_8);
                writeBytes(out, ref, 0, ref.length);
            }
            if (out.size() > MAX_BYTES) {
                throw new IllegalArgumentException("page exceeds " + MAX_BYTES + " bytes at " + entry.getPath());
            }
        }
        return out.toByteArray();
    }

    /** The entries of an encoded page, in path order. */
    public static List<ManifestEntry> decode(byte[] page) {
        try {
            Walk walk = new Walk(page);
            List<ManifestEntry> entries = new ArrayList<>(walk.count);
            while (walk.next()) {
                String[] hashes = new String[HASHES];
                for (int i = 0; i < HASHES; i++) {
                    if ((walk.flags & (1 << (HASH_PRESENT + i))) != 0) {
                        byte[] value = readBytes(walk.in);
                        hashes[i] = (walk.flags & (1 << (HASH_PACKED + i))) != 0
                                ? hex(value)
                                : new String(value, StandardCharsets.UTF_8);
                    }
                }
                String ref =
                        (walk.flags & HAS_REF) != 0 ? new String(readBytes(walk.in), StandardCharsets.UTF_8) : null;
                // Every field is given, so the constructor builds what a builder would, without its checks' cost.
                entries.add(new ManifestEntry(
                        walk.path(),
                        walk.size,
                        hashes[0],
                        hashes[1],
                        hashes[2],
                        hashes[3],
                        hashes[4],
                        KINDS[walk.kind],
                        ref));
            }
            return entries;
        } catch (BufferUnderflowException e) {
            throw new IllegalArgumentException("manifest page ends inside an entry", e);
        }
    }

    /** The entries a page claims, read from its header only; 0 for what is not a page. */
    public static int count(byte[] page) {
        try {
            return new Walk(page).count;
        } catch (IllegalArgumentException | BufferUnderflowException e) {
            return 0;
        }
    }

    /**
     * The path of a page's last entry, found without building its entries (a merge that only
     * appends after a page needs no more of it); null for an empty page or one that does not decode.
     */
    public static String lastPath(byte[] page) {
        try {
            Walk walk = new Walk(page);
            while (walk.next()) {
                for (int i = 0; i < HASHES; i++) {
                    if ((walk.flags & (1 << (HASH_PRESENT + i))) != 0) {
                        skipBytes(walk.in);
                    }
                }
                if ((walk.flags & HAS_REF) != 0) {
                    skipBytes(walk.in);
                }
            }
            return walk.count == 0 ? null : walk.path();
        } catch (IllegalArgumentException | BufferUnderflowException e) {
            return null;
        }
    }

    /**
     * Reads a page entry by entry with every bound checked: the path, flags, kind and size of each;
     * the caller reads or skips the hashes and ref that follow before asking for the next.
     */
    private static final class Walk {
        final ByteBuffer in;
        final int count;
        private int read;
        private byte[] path = new byte[64];
        private int pathLength;
        int flags;
        int kind;
        Long size;

        Walk(byte[] page) {
            Objects.requireNonNull(page, "page");
            if (page.length > MAX_BYTES) {
                throw new IllegalArgumentException("page of " + page.length + " bytes exceeds " + MAX_BYTES);
            }
            in = ByteBuffer.wrap(page);
            if (in.get() != MAGIC || in.get() != VERSION) {
                throw new IllegalArgumentException("not a version " + VERSION + " manifest page");
            }
            count = readVarint(in);
            if (count > MAX_ENTRIES) {
                throw new IllegalArgumentException("page claims " + count + " entries, more than " + MAX_ENTRIES);
            }
        }

        /** Reads the next entry's path, flags, kind and size; false (and the page checked to its end) after the last. */
        boolean next() {
            if (read == count) {
                if (in.hasRemaining()) {
                    throw new IllegalArgumentException(in.remaining() + " bytes after the last entry");
                }
                return false;
            }
            int shared = readVarint(in);
            if (shared > pathLength) {
                throw new IllegalArgumentException(
                        "entry " + read + " shares " + shared + " bytes of a " + pathLength + "-byte path");
            }
            int suffix = length(in);
            if (shared + suffix > path.length) {
                path = Arrays.copyOf(path, Math.max(2 * path.length, shared + suffix));
            }
            in.get(path, shared, suffix);
            pathLength = shared + suffix;
            flags = readVarint(in);
            kind = in.get() & 0xff;
            if (kind >= KINDS.length) {
                throw new IllegalArgumentException("entry " + read + " has unknown kind " + kind);
            }
            size = (flags & HAS_SIZE) != 0 ? readVarlong(in) : null;
            read++;
            return true;
        }

        String path() {
            return new String(path, 0, pathLength, StandardCharsets.UTF_8);
        }
    }

    /** The hash fields, in the order of their flag bits. */
    private static final int HASHES = 5;

    private static String hash(ManifestEntry e, int i) {
        switch (i) {
            case 0:
                return e.getSha256();
            case 1:
                return e.getSha1();
            case 2:
                return e.getMd5();
            case 3:
                return e.getGitBlobSha1();
            default:
                return e.getLfsSha256();
        }
    }

    private static final byte[] DIGITS = "0123456789abcdef".getBytes(StandardCharsets.ISO_8859_1);

    /**
     * Whether the text is lowercase hex of even length: only such hex unpacks to exactly itself, so
     * anything else is kept as text.
     */
    private static boolean packable(String s) {
        int n = s.length();
        if (n == 0 || n % 2 != 0) {
            return false;
        }
        int bad = 0;
        for (int i = 0; i < n; i++) {
            bad |= nibble(s.charAt(i)); // no branch per digit: a hash's digits are random, so it would mispredict
        }
        return bad >= 0;
    }

    /** The value of a lowercase hex digit; -1 for any other character. */
    private static final byte[] NIBBLES = new byte[128];

    static {
        Arrays.fill(NIBBLES, (byte) -1);
        for (int i = 0; i < 16; i++) {
            NIBBLES[DIGITS[i]] = (byte) i;
        }
    }

    private static int nibble(char c) {
        return c < NIBBLES.length ? NIBBLES[c] : -1;
    }

    private static String hex(byte[] b) {
        byte[] s = new byte[2 * b.length];
        for (int i = 0; i < b.length; i++) {
            s[2 * i] = DIGITS[(b[i] >> 4) & 0xf];
            s[2 * i + 1] = DIGITS[b[i] & 0xf];
        }
        return new String(s, StandardCharsets.ISO_8859_1);
    }

    /** A growing byte buffer without the locking of {@link java.io.ByteArrayOutputStream}. */
    private static final class Out {
        private byte[] buf;
        private int size;

        Out(int capacity) {
            buf = new byte[capacity];
        }

        void write(int b) {
            if (size == buf.length) {
                buf = Arrays.copyOf(buf, buf.length * 2);
            }
            buf[size++] = (byte) b;
        }

        void write(byte[] b, int off, int len) {
            ensure(len);
            System.arraycopy(b, off, buf, size, len);
            size += len;
        }

        /** Writes {@link #packable} hex as the bytes it spells. */
        void writePackedHex(String hex) {
            int len = hex.length() / 2;
            ensure(len);
            for (int i = 0; i < len; i++) {
                buf[size++] = (byte) (nibble(hex.charAt(2 * i)) << 4 | nibble(hex.charAt(2 * i + 1)));
            }
        }

        void ensure(int len) {
            if (size + len > buf.length) {
                buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + len));
            }
        }

        int size() {
            return size;
        }

        byte[] toByteArray() {
            return Arrays.copyOf(buf, size);
        }
    }

    private static void writeBytes(Out out, byte[] b, int off, int len) {
        writeVarint(out, len);
        out.write(b, off, len);
    }

    private static byte[] readBytes(ByteBuffer in) {
        byte[] b = new byte[length(in)];
        in.get(b);
        return b;
    }

    private static void skipBytes(ByteBuffer in) {
        int len = length(in); // read first: the position to skip from is after the length
        in.position(in.position() + len);
    }

    /** A length that must fit in what is left of the page. */
    private static int length(ByteBuffer in) {
        int len = readVarint(in);
        if (len > in.remaining()) {
            throw new IllegalArgumentException("a length of " + len + " runs past the page's end");
        }
        return len;
    }

    private static void writeVarint(Out out, int v) {
        writeVarlong(out, v & 0xffffffffL);
    }

    /** Unsigned LEB128; a negative size (which ChunkLimits does not let in) still round-trips in 10 bytes. */
    private static void writeVarlong(Out out, long v) {
        out.ensure(10);
        byte[] buf = out.buf;
        int at = out.size;
        while ((v & ~0x7fL) != 0) {
            buf[at++] = (byte) ((v & 0x7f) | 0x80);
            v >>>= 7;
        }
        buf[at++] = (byte) v;
        out.size = at;
    }

    private static int readVarint(ByteBuffer in) {
        long v = readVarlong(in);
        if (v < 0 || v > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("a count or length of " + v + " is out of range");
        }
        return (int) v;
    }

    private static long readVarlong(ByteBuffer in) {
        long v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            byte b = in.get();
            v |= (long) (b & 0x7f) << shift;
            if ((b & 0x80) == 0) {
                return v;
            }
        }
        throw new IllegalArgumentException("a number runs longer than 10 bytes");
    }
}
