package org.revenant.source.torrent;

import java.io.ByteArrayOutputStream;
import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A BitTorrent magnet link: {@code xt=urn:btih:} (40 hex or 32 base32) and/or
 * {@code xt=urn:btmh:1220<64 hex>} (BEP 9, BEP 52), plus display name, trackers and exact length.
 *
 * @param btih        v1 infohash, 40 lower-case hex, or null
 * @param btmh        v2 infohash (the SHA-256 digest, without the multihash prefix), 64 lower-case hex, or null
 * @param displayName {@code dn}, or null
 * @param trackers    {@code tr} values in order, de-duplicated
 * @param exactLength {@code xl}, or null
 * @param uri         the link as given
 */
public record MagnetLink(
        String btih, String btmh, String displayName, List<String> trackers, Long exactLength, String uri) {

    /** Magnets are pasted into READMEs; a longer one is not a magnet we want to read. */
    public static final int MAX_LENGTH = 64 * 1024;

    private static final String SHA256_MULTIHASH_PREFIX = "1220";
    private static final String BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

    public MagnetLink {
        if (btih == null && btmh == null) {
            throw new IllegalArgumentException("a magnet needs a btih or a btmh");
        }
        trackers = List.copyOf(trackers);
    }

    public static MagnetLink parse(String text) throws TorrentException {
        if (text == null) {
            throw new TorrentException("invalid magnet link: empty");
        }
        String uri = text.strip();
        if (uri.length() > MAX_LENGTH) {
            throw new TorrentException("invalid magnet link: longer than " + MAX_LENGTH + " characters");
        }
        if (!uri.regionMatches(true, 0, "magnet:?", 0, 8)) {
            throw new TorrentException("invalid magnet link: does not start with 'magnet:?'");
        }
        String btih = null;
        String btmh = null;
        String displayName = null;
        Long exactLength = null;
        Set<String> trackers = new LinkedHashSet<>();
        for (String param : uri.substring(8).split("&")) {
            if (param.isEmpty()) {
                continue;
            }
            int eq = param.indexOf('=');
            if (eq <= 0) {
                throw new TorrentException("invalid magnet link: parameter '" + shorten(param) + "' has no value");
            }
            // BEP 9 allows numbered repeats such as xt.1 and tr.2.
            String key = param.substring(0, eq).toLowerCase(Locale.ROOT);
            int dot = key.indexOf('.');
            if (dot > 0) {
                key = key.substring(0, dot);
            }
            String value = decode(param.substring(eq + 1));
            switch (key) {
                case "xt" -> {
                    String lower = value.toLowerCase(Locale.ROOT);
                    if (lower.startsWith("urn:btih:")) {
                        btih = merge(btih, btihHex(value.substring(9)), "btih");
                    } else if (lower.startsWith("urn:btmh:")) {
                        btmh = merge(btmh, btmhHex(value.substring(9)), "btmh");
                    }
                    // other exact topics (ed2k, sha1, …) are not BitTorrent and are ignored
                }
                case "dn" -> displayName = value;
                case "tr" -> {
                    if (!value.isBlank()) {
                        trackers.add(value.strip());
                    }
                }
                case "xl" -> exactLength = exactLength(value);
                default -> {
                    // ws, as, xs, so, x.pe …: not needed to identify the torrent
                }
            }
        }
        if (btih == null && btmh == null) {
            throw new TorrentException("invalid magnet link: no xt=urn:btih: or xt=urn:btmh: infohash");
        }
        return new MagnetLink(btih, btmh, displayName, new ArrayList<>(trackers), exactLength, uri);
    }

    /** A magnet for a parsed torrent, so a mirror always has a link a user can open. */
    public static MagnetLink of(TorrentMetainfo meta) {
        StringBuilder uri = new StringBuilder("magnet:?");
        String sep = "";
        if (meta.btih() != null) {
            uri.append("xt=urn:btih:").append(meta.btih());
            sep = "&";
        }
        if (meta.btmh() != null) {
            uri.append(sep)
                    .append("xt=urn:btmh:")
                    .append(SHA256_MULTIHASH_PREFIX)
                    .append(meta.btmh());
        }
        uri.append("&dn=")
                .append(URLEncoder.encode(meta.name(), StandardCharsets.UTF_8).replace("+", "%20"));
        return new MagnetLink(meta.btih(), meta.btmh(), meta.name(), List.of(), meta.totalSize(), uri.toString());
    }

    private static String merge(String previous, String next, String what) throws TorrentException {
        if (previous != null && !previous.equals(next)) {
            throw new TorrentException("invalid magnet link: two different " + what + " infohashes");
        }
        return next;
    }

    private static String btihHex(String hash) throws TorrentException {
        if (hash.length() == 40 && isHex(hash)) {
            return hash.toLowerCase(Locale.ROOT);
        }
        if (hash.length() == 32) {
            return HexFormat.of().formatHex(base32(hash));
        }
        throw new TorrentException(
                "invalid magnet link: btih '" + shorten(hash) + "' is neither 40 hex nor 32 base32 characters");
    }

    private static String btmhHex(String multihash) throws TorrentException {
        String lower = multihash.toLowerCase(Locale.ROOT);
        if (!isHex(lower) || lower.length() < 4) {
            throw new TorrentException("invalid magnet link: btmh '" + shorten(multihash) + "' is not a hex multihash");
        }
        if (!lower.startsWith(SHA256_MULTIHASH_PREFIX)) {
            throw new TorrentException("invalid magnet link: btmh uses multihash type 0x" + lower.substring(0, 4)
                    + ", only sha2-256 (1220) is defined for BitTorrent v2");
        }
        String digest = lower.substring(4);
        if (digest.length() != 64) {
            throw new TorrentException("invalid magnet link: btmh sha2-256 digest has " + digest.length()
                    + " hex characters, expected 64");
        }
        return digest;
    }

    private static byte[] base32(String text) throws TorrentException {
        byte[] out = new byte[20];
        long buffer = 0;
        int bits = 0;
        int n = 0;
        for (int i = 0; i < text.length(); i++) {
            int v = BASE32.indexOf(Character.toUpperCase(text.charAt(i)));
            if (v < 0) {
                throw new TorrentException(
                        "invalid magnet link: btih '" + shorten(text) + "' has a character outside base32");
            }
            buffer = (buffer << 5) | v;
            bits += 5;
            if (bits >= 8) {
                bits -= 8;
                out[n++] = (byte) (buffer >>> bits);
            }
        }
        return out;
    }

    private static Long exactLength(String value) throws TorrentException {
        try {
            long n = Long.parseLong(value);
            if (n < 0) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new TorrentException("invalid magnet link: xl '" + shorten(value) + "' is not a byte count");
        }
    }

    /** Percent-decoding as in a query string ('+' is a space); the result must be UTF-8. */
    private static String decode(String s) throws TorrentException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == '%') {
                int hi = i + 1 < s.length() ? hexValue(s.charAt(i + 1)) : -1;
                int lo = i + 2 < s.length() ? hexValue(s.charAt(i + 2)) : -1;
                if (hi < 0 || lo < 0) {
                    throw new TorrentException("invalid magnet link: bad percent-escape in '" + shorten(s) + "'");
                }
                out.write(hi * 16 + lo);
                i += 3;
            } else if (c == '+') {
                out.write(' ');
                i++;
            } else {
                int cp = s.codePointAt(i);
                byte[] bytes = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8);
                out.write(bytes, 0, bytes.length);
                i += Character.charCount(cp);
            }
        }
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(out.toByteArray()))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new TorrentException("invalid magnet link: '" + shorten(s) + "' does not decode to UTF-8");
        }
    }

    private static int hexValue(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }

    private static boolean isHex(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (hexValue(s.charAt(i)) < 0) {
                return false;
            }
        }
        return true;
    }

    private static String shorten(String s) {
        String p = TorrentMetainfo.printable(s);
        return p.length() > 80 ? p.substring(0, 80) + "…" : p;
    }
}
