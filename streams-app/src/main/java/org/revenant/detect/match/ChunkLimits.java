package org.revenant.detect.match;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.revenant.avro.ManifestEntry;
import org.revenant.avro.Mirror;
import org.revenant.avro.SnapshotChunk;

/**
 * What one snapshot chunk may hold, so that no chunk can make the state the matcher keeps per
 * mirror (the assembly record and its changelog record) larger than a Kafka record may be.
 * Revenant's publishers stay far inside these bounds; a chunk outside them is not processed but
 * dead-lettered with the reason. Free text (title, description, README) is cut, not rejected,
 * since cutting it loses nothing the matcher needs and rejecting it would let a mirror owner hide
 * the mirror by writing a long README.
 */
public final class ChunkLimits {

    /**
     * Chunks in one snapshot. The manifest reader accepts 5,000,000 entries and the publisher
     * writes at most 2,000 per chunk (fewer when paths are long: about 512 KiB per chunk), so a
     * real snapshot needs a few thousand chunks; the received-chunk bitset of this many is 16 KiB.
     */
    public static final int MAX_CHUNK_COUNT = 131_072;
    /** Entries in one chunk (the publisher writes at most 2,000). */
    public static final int MAX_ENTRIES_PER_CHUNK = 10_000;
    /** Characters in one entry path (PATH_MAX on Linux is 4,096 bytes). */
    public static final int MAX_PATH = 4_096;
    /** Characters in an entry's hashes and reference (a link may be a long URL). */
    public static final int MAX_REF = 8_192;
    /** Characters in a mirror key, platform or locator, and in a snapshot id. */
    public static final int MAX_KEY = 1_024;
    /** Identifiers of one mirror (btih, btmh, doi, ...), each name and value at most {@link #MAX_IDENTIFIER}. */
    public static final int MAX_IDENTIFIERS = 32;

    public static final int MAX_IDENTIFIER = 256;
    /** Characters of a mirror's title, url, owner or status detail kept; the rest is cut. */
    public static final int MAX_MIRROR_FIELD = 2_048;
    /** Characters of a mirror's description kept; the rest is cut. */
    public static final int MAX_DESCRIPTION = 16_384;
    /** UTF-8 bytes of a snapshot's text (README) kept in state; the rest is cut. */
    public static final int MAX_TEXT_BYTES = 256 * 1024;
    /** Distinct (dataset, signature) hits kept per snapshot; a registry's worth, not a mirror's. */
    public static final int MAX_HITS = 128;
    /** Characters of a path kept in evidence and change samples. */
    public static final int MAX_SHOWN_PATH = 512;

    private ChunkLimits() {}

    /** Why the chunk cannot be processed, or null when it is within every bound. */
    public static String violation(SnapshotChunk chunk) {
        if (chunk.getChunkCount() < 1 || chunk.getChunkCount() > MAX_CHUNK_COUNT) {
            return "chunk count " + chunk.getChunkCount() + " is not in [1, " + MAX_CHUNK_COUNT + "]";
        }
        if (chunk.getChunkIndex() < 0 || chunk.getChunkIndex() >= chunk.getChunkCount()) {
            return "chunk index " + chunk.getChunkIndex() + " is not in [0, " + chunk.getChunkCount() + ")";
        }
        if (tooLong(chunk.getSnapshotId(), MAX_KEY)) {
            return "snapshot id is missing or longer than " + MAX_KEY + " characters";
        }
        if (hasNul(chunk.getSnapshotId())) {
            return "snapshot id contains a NUL character";
        }
        String mirror = mirrorViolation(chunk.getMirror());
        if (mirror != null) {
            return mirror;
        }
        if (chunk.getEntries() == null || chunk.getEntries().size() > MAX_ENTRIES_PER_CHUNK) {
            return "chunk has "
                    + (chunk.getEntries() == null
                            ? "no entry list"
                            : chunk.getEntries().size() + " entries") + "; at most " + MAX_ENTRIES_PER_CHUNK
                    + " are accepted";
        }
        for (int i = 0; i < chunk.getEntries().size(); i++) {
            String entry = entryViolation(chunk.getEntries().get(i));
            if (entry != null) {
                return "entry " + i + ": " + entry;
            }
        }
        return null;
    }

    private static String mirrorViolation(Mirror mirror) {
        if (mirror == null || mirror.getStatus() == null) {
            return "chunk without a mirror or its status";
        }
        if (tooLong(mirror.getKey(), MAX_KEY)
                || tooLong(mirror.getPlatform(), MAX_KEY)
                || tooLong(mirror.getLocator(), MAX_KEY)) {
            return "mirror key, platform or locator is missing or longer than " + MAX_KEY + " characters";
        }
        if (hasNul(mirror.getKey())) {
            // NUL separates the mirror key from the rest in state store keys: one in a key could reach another mirror's
            // state.
            return "mirror key contains a NUL character";
        }
        Map<String, String> ids = mirror.getIdentifiers();
        if (ids != null) {
            if (ids.size() > MAX_IDENTIFIERS) {
                return "mirror has " + ids.size() + " identifiers; at most " + MAX_IDENTIFIERS + " are accepted";
            }
            for (Map.Entry<String, String> id : ids.entrySet()) {
                if (tooLong(id.getKey(), MAX_IDENTIFIER) || tooLong(id.getValue(), MAX_IDENTIFIER)) {
                    return "mirror identifier longer than " + MAX_IDENTIFIER + " characters";
                }
            }
        }
        return null;
    }

    private static String entryViolation(ManifestEntry entry) {
        if (entry == null || entry.getKind() == null) {
            return "empty entry";
        }
        if (tooLong(entry.getPath(), MAX_PATH)) {
            return "path is missing or longer than " + MAX_PATH + " characters";
        }
        if (hasNul(entry.getPath())) {
            return "path contains a NUL character";
        }
        for (String field : new String[] {
            entry.getSha256(),
            entry.getSha1(),
            entry.getMd5(),
            entry.getGitBlobSha1(),
            entry.getLfsSha256(),
            entry.getRef()
        }) {
            if (field != null && field.length() > MAX_REF) {
                return "hash or reference longer than " + MAX_REF + " characters";
            }
        }
        return null;
    }

    /** True when {@code s} holds the character that separates parts of state store keys. */
    public static boolean hasNul(String s) {
        return s != null && s.indexOf('\u0000') >= 0;
    }

    private static boolean tooLong(String s, int max) {
        return s == null || s.length() > max;
    }

    /** The mirror with its free-text fields cut to their bounds (the same object when nothing is cut). */
    public static Mirror cut(Mirror mirror) {
        if (!over(mirror.getTitle(), MAX_MIRROR_FIELD)
                && !over(mirror.getUrl(), MAX_MIRROR_FIELD)
                && !over(mirror.getOwner(), MAX_MIRROR_FIELD)
                && !over(mirror.getStatusDetail(), MAX_MIRROR_FIELD)
                && !over(mirror.getDescription(), MAX_DESCRIPTION)) {
            return mirror;
        }
        return Mirror.newBuilder(mirror)
                .setTitle(cut(mirror.getTitle(), MAX_MIRROR_FIELD))
                .setUrl(cut(mirror.getUrl(), MAX_MIRROR_FIELD))
                .setOwner(cut(mirror.getOwner(), MAX_MIRROR_FIELD))
                .setStatusDetail(cut(mirror.getStatusDetail(), MAX_MIRROR_FIELD))
                .setDescription(cut(mirror.getDescription(), MAX_DESCRIPTION))
                .build();
    }

    /** At most {@code max} characters, never splitting a surrogate pair. */
    public static String cut(String s, int max) {
        if (!over(s, max)) {
            return s;
        }
        int end = Character.isHighSurrogate(s.charAt(max - 1)) ? max - 1 : max;
        return s.substring(0, end);
    }

    /** At most {@code maxBytes} bytes of UTF-8, never splitting a character. */
    public static String cutUtf8(String s, int maxBytes) {
        if (s == null || s.length() * 3L <= maxBytes || s.getBytes(StandardCharsets.UTF_8).length <= maxBytes) {
            return s;
        }
        int bytes = 0;
        int i = 0;
        while (i < s.length()) {
            int cp = s.codePointAt(i);
            int size = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
            if (bytes + size > maxBytes) {
                break;
            }
            bytes += size;
            i += Character.charCount(cp);
        }
        return s.substring(0, i);
    }

    private static boolean over(String s, int max) {
        return s != null && s.length() > max;
    }
}
