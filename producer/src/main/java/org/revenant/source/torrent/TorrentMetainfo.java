package org.revenant.source.torrent;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.revenant.source.torrent.BencodeValue.BBytes;
import org.revenant.source.torrent.BencodeValue.BDict;
import org.revenant.source.torrent.BencodeValue.BInt;
import org.revenant.source.torrent.BencodeValue.BList;

/**
 * What Revenant needs from a .torrent file: its infohashes and its file list. Handles v1
 * (single- and multi-file), v2 ({@code file tree}) and hybrid torrents. Padding files and
 * symlinks are not content and are left out of {@link #files()}; see
 * docs/decisions/002-torrent-parsing.md for what is rejected and why.
 *
 * @param btih        v1 infohash, SHA-1 of the raw info dictionary, 40 lower-case hex; null for v2-only
 * @param btmh        v2 infohash, SHA-256 of the raw info dictionary, 64 lower-case hex; null for v1
 * @param name        the torrent's name (the file name, or the root directory of a multi-file torrent)
 * @param singleFile  true when the torrent is one file named {@code name}
 * @param pieceLength bytes per piece
 * @param totalSize   sum of the sizes in {@link #files()} (padding excluded)
 * @param files       content files in torrent order
 * @param trackers    announce URLs, de-duplicated, in file order
 */
public record TorrentMetainfo(
        String btih,
        String btmh,
        String name,
        boolean singleFile,
        long pieceLength,
        long totalSize,
        List<TorrentFile> files,
        List<String> trackers) {

    /** Sizes above 2^53 are not plausible and would lose precision in JSON consumers. */
    public static final long MAX_SIZE = 1L << 53;

    private static final int MIN_V2_PIECE_LENGTH = 16 * 1024;
    /**
     * A path as a client writes it ({@code <name>/<path>}) longer than file systems accept is no
     * file anyone can have; the manifest format has the same cap.
     */
    public static final int MAX_PATH_CHARS = 4096;
    /**
     * All paths together. A v2 file tree names a folder once for all the files in it, so without
     * this a small torrent could expand into gigabytes of path strings.
     */
    public static final long MAX_TOTAL_PATH_CHARS = 64L << 20;

    /** Caps for untrusted .torrent files. */
    public record Limits(BencodeReader.Limits bencode, int maxFiles) {
        public static final Limits DEFAULT = new Limits(BencodeReader.Limits.TORRENT_FILE, 1_000_000);

        public Limits {
            if (bencode == null || maxFiles < 1) {
                throw new IllegalArgumentException("torrent limits");
            }
        }
    }

    public TorrentMetainfo {
        if (btih == null && btmh == null) {
            throw new IllegalArgumentException("a torrent needs a v1 or a v2 infohash");
        }
        files = List.copyOf(files);
        trackers = List.copyOf(trackers);
    }

    public boolean isHybrid() {
        return btih != null && btmh != null;
    }

    public static TorrentMetainfo parse(byte[] data) throws TorrentException {
        return parse(data, Limits.DEFAULT);
    }

    public static TorrentMetainfo parse(byte[] data, Limits limits) throws TorrentException {
        BencodeReader.Document doc = BencodeReader.read(data, limits.bencode());
        if (!(doc.root() instanceof BDict root)) {
            throw new TorrentException(
                    "not a torrent: top-level value is a " + doc.root().typeName() + ", expected a dictionary");
        }
        BencodeValue infoValue = root.get("info");
        if (infoValue == null) {
            throw new TorrentException("not a torrent: no 'info' dictionary");
        }
        if (!(infoValue instanceof BDict info)) {
            throw new TorrentException(
                    "invalid torrent: 'info' is a " + infoValue.typeName() + ", expected a dictionary");
        }
        return new Parser(info, limits).parse(data, doc, trackers(root));
    }

    /** The per-file work, kept apart from the record so the record stays a plain value. */
    private static final class Parser {
        private final BDict info;
        private final Limits limits;
        private int fileCount;
        private long pathChars;
        private int nameLength;

        Parser(BDict info, Limits limits) {
            this.info = info;
            this.limits = limits;
        }

        TorrentMetainfo parse(byte[] data, BencodeReader.Document doc, List<String> trackers) throws TorrentException {
            String name = name();
            nameLength = name.length();
            long pieceLength = positiveInt(info, "piece length", "info");
            long metaVersion = 1;
            BencodeValue mv = info.get("meta version");
            if (mv != null) {
                metaVersion = requireInt(mv, "'meta version'");
                if (metaVersion != 1 && metaVersion != 2) {
                    throw new TorrentException("unsupported torrent meta version " + metaVersion);
                }
            }
            boolean v2 = metaVersion == 2;
            boolean v1 = info.get("files") != null || info.get("length") != null || info.get("pieces") != null;
            if (!v1 && !v2) {
                throw new TorrentException("invalid torrent: info has neither 'length' nor 'files'");
            }

            List<TorrentFile> v1Files = null;
            boolean v1Single = false;
            if (v1) {
                V1Layout layout = v1Layout(name, pieceLength);
                v1Files = layout.files;
                v1Single = layout.single;
            }
            List<TorrentFile> v2Files = null;
            boolean v2Single = false;
            if (v2) {
                if (Long.bitCount(pieceLength) != 1 || pieceLength < MIN_V2_PIECE_LENGTH) {
                    throw new TorrentException("invalid v2 torrent: piece length " + pieceLength
                            + " is not a power of two of at least 16 KiB");
                }
                BencodeValue tree = info.get("file tree");
                if (!(tree instanceof BDict treeDict)) {
                    throw new TorrentException("invalid v2 torrent: 'file tree' is missing or not a dictionary");
                }
                fileCount = 0;
                pathChars = 0;
                v2Files = new ArrayList<>();
                walkTree(treeDict, "", v2Files);
                v2Single = isSingleRootFile(treeDict);
                if (v1 && !sameFiles(v1Files, v2Files)) {
                    throw new TorrentException("invalid hybrid torrent: v1 file list and v2 file tree disagree");
                }
            }
            List<TorrentFile> files = v2 ? v2Files : v1Files;
            boolean single = v2 ? v2Single : v1Single;
            long total = 0;
            for (TorrentFile f : files) {
                total = addSize(total, f.size());
            }
            if (total == 0) {
                throw new TorrentException("invalid torrent: it has no content (total size 0)");
            }
            String btih = v1 ? hash("SHA-1", data, doc) : null;
            String btmh = v2 ? hash("SHA-256", data, doc) : null;
            return new TorrentMetainfo(btih, btmh, name, single, pieceLength, total, files, trackers);
        }

        private String name() throws TorrentException {
            BencodeValue value = info.get("name.utf-8");
            if (!(value instanceof BBytes)) {
                value = info.get("name");
            }
            if (value == null) {
                throw new TorrentException("invalid torrent: info has no 'name'");
            }
            if (!(value instanceof BBytes bytes)) {
                throw new TorrentException(
                        "invalid torrent: 'name' is a " + value.typeName() + ", expected a byte string");
            }
            String name = utf8(bytes.bytes(), "torrent name");
            checkComponent(name, "torrent name");
            if (name.length() > MAX_PATH_CHARS) {
                throw new TorrentException(
                        "invalid torrent: its name is longer than " + MAX_PATH_CHARS + " characters");
            }
            return name;
        }

        private record V1Layout(List<TorrentFile> files, boolean single) {}

        private V1Layout v1Layout(String name, long pieceLength) throws TorrentException {
            BencodeValue filesValue = info.get("files");
            BencodeValue lengthValue = info.get("length");
            if (filesValue != null && lengthValue != null) {
                throw new TorrentException("invalid torrent: info has both 'length' and 'files'");
            }
            List<TorrentFile> files = new ArrayList<>();
            long totalWithPadding;
            boolean single;
            if (lengthValue != null) {
                long length = size(lengthValue, "'length'");
                files.add(new TorrentFile(name, length));
                totalWithPadding = length;
                single = true;
            } else if (filesValue instanceof BList list) {
                if (list.items().isEmpty()) {
                    throw new TorrentException("invalid torrent: 'files' is empty");
                }
                if (list.items().size() > limits.maxFiles()) {
                    throw new TorrentException("torrent lists " + list.items().size()
                            + " files, more than the limit of " + limits.maxFiles());
                }
                totalWithPadding = 0;
                int index = 0;
                for (BencodeValue item : list.items()) {
                    totalWithPadding = addSize(totalWithPadding, v1File(item, index++, files));
                }
                if (files.isEmpty() && totalWithPadding > 0) {
                    throw new TorrentException("invalid torrent: 'files' holds only padding");
                }
                single = false;
            } else if (filesValue != null) {
                throw new TorrentException(
                        "invalid torrent: 'files' is a " + filesValue.typeName() + ", expected a list");
            } else {
                throw new TorrentException("invalid torrent: info has neither 'length' nor 'files'");
            }
            checkPieces(pieceLength, totalWithPadding);
            return new V1Layout(files, single);
        }

        /** Adds a content file to {@code out} unless it is padding or a symlink; returns its size. */
        private long v1File(BencodeValue item, int index, List<TorrentFile> out) throws TorrentException {
            String where = "file " + index;
            if (!(item instanceof BDict file)) {
                throw new TorrentException(
                        "invalid torrent: " + where + " is a " + item.typeName() + ", expected a dictionary");
            }
            String attr = attr(file, where);
            BencodeValue lengthValue = file.get("length");
            if (lengthValue == null && attr.indexOf('l') < 0) {
                throw new TorrentException("invalid torrent: " + where + " has no 'length'");
            }
            // A symlink may omit its length: it has no content of its own.
            long length = lengthValue == null ? 0 : size(lengthValue, where + " 'length'");
            BencodeValue pathValue = file.get("path.utf-8");
            if (!(pathValue instanceof BList)) {
                pathValue = file.get("path");
            }
            boolean pad = attr.indexOf('p') >= 0;
            if (pathValue == null) {
                if (pad) {
                    return length;
                }
                throw new TorrentException("invalid torrent: " + where + " has no 'path'");
            }
            List<String> components = pathComponents(pathValue, where + " path");
            if (!pad && components.isEmpty()) {
                throw new TorrentException("invalid torrent: " + where + " has an empty path");
            }
            // Padding files written before BEP 47 carried only a conventional name.
            pad = pad
                    || (!components.isEmpty()
                            && (components.get(0).equals(".pad")
                                    || components.get(components.size() - 1).startsWith("_____padding_file_")));
            if (attr.indexOf('l') >= 0) {
                BencodeValue target = file.get("symlink path");
                if (target != null) {
                    pathComponents(target, where + " symlink path");
                }
                return length;
            }
            if (!pad) {
                String path = String.join("/", components);
                countPath(path, where);
                out.add(new TorrentFile(path, length));
            }
            return length;
        }

        private List<String> pathComponents(BencodeValue value, String where) throws TorrentException {
            if (!(value instanceof BList list)) {
                throw new TorrentException(
                        "invalid torrent: " + where + " is a " + value.typeName() + ", expected a list");
            }
            List<String> components = new ArrayList<>(list.items().size());
            for (BencodeValue element : list.items()) {
                if (!(element instanceof BBytes bytes)) {
                    throw new TorrentException("invalid torrent: " + where + " has a " + element.typeName()
                            + " element, expected byte strings");
                }
                if (bytes.bytes().length == 0) {
                    continue; // libtorrent ignores empty elements too
                }
                String component = utf8(bytes.bytes(), where);
                checkComponent(component, where);
                components.add(component);
            }
            return components;
        }

        private void walkTree(BDict dir, String prefix, List<TorrentFile> out) throws TorrentException {
            for (Map.Entry<String, BencodeValue> entry : dir.entries().entrySet()) {
                String key = entry.getKey();
                BencodeValue value = entry.getValue();
                if (key.isEmpty()) {
                    if (prefix.isEmpty()) {
                        throw new TorrentException("invalid v2 torrent: file tree has a file with an empty name");
                    }
                    if (dir.entries().size() != 1) {
                        throw new TorrentException("invalid v2 torrent: file tree entry '" + printable(prefix)
                                + "' is both a file and a directory");
                    }
                    v2File(value, prefix, out);
                    continue;
                }
                String component = utf8(BencodeValue.keyBytes(key), "v2 file tree name");
                checkComponent(component, "v2 file tree name");
                // Checked before the longer path is built, so a folder cannot grow past the cap.
                checkPathLength(
                        prefix.length() + 1 + component.length(), "v2 file tree entry '" + printable(component) + "'");
                String path = prefix.isEmpty() ? component : prefix + "/" + component;
                if (!(value instanceof BDict child)) {
                    throw new TorrentException("invalid v2 torrent: file tree entry '" + printable(path) + "' is a "
                            + value.typeName() + ", expected a dictionary");
                }
                walkTree(child, path, out);
            }
        }

        private void v2File(BencodeValue value, String path, List<TorrentFile> out) throws TorrentException {
            String where = "v2 file '" + printable(path) + "'";
            if (!(value instanceof BDict file)) {
                throw new TorrentException(
                        "invalid v2 torrent: " + where + " is a " + value.typeName() + ", expected a dictionary");
            }
            if (++fileCount > limits.maxFiles()) {
                throw new TorrentException("torrent has more than " + limits.maxFiles() + " files");
            }
            BencodeValue lengthValue = file.get("length");
            if (lengthValue == null) {
                throw new TorrentException("invalid v2 torrent: " + where + " has no 'length'");
            }
            long length = size(lengthValue, where + " 'length'");
            String attr = attr(file, where);
            if (attr.indexOf('p') >= 0) {
                throw new TorrentException("invalid v2 torrent: " + where + " is a padding file inside the file tree");
            }
            if (attr.indexOf('l') >= 0) {
                return; // a symlink has no content of its own
            }
            if (length > 0) {
                BencodeValue root = file.get("pieces root");
                if (!(root instanceof BBytes rootBytes) || rootBytes.bytes().length != 32) {
                    throw new TorrentException("invalid v2 torrent: " + where + " has no 32-byte 'pieces root'");
                }
                if (allZero(rootBytes.bytes())) {
                    throw new TorrentException("invalid v2 torrent: " + where + " has an all-zero 'pieces root'");
                }
            }
            countPath(path, where);
            out.add(new TorrentFile(path, length));
        }

        private void checkPathLength(long length, String where) throws TorrentException {
            if (nameLength + 1 + length > MAX_PATH_CHARS) {
                throw new TorrentException(
                        "invalid torrent: the path of " + where + " is longer than " + MAX_PATH_CHARS + " characters");
            }
        }

        private void countPath(String path, String where) throws TorrentException {
            checkPathLength(path.length(), where);
            pathChars += path.length();
            if (pathChars > MAX_TOTAL_PATH_CHARS) {
                throw new TorrentException(
                        "invalid torrent: its file paths add up to more than " + MAX_TOTAL_PATH_CHARS + " characters");
            }
        }

        private static boolean isSingleRootFile(BDict tree) {
            if (tree.entries().size() != 1) {
                return false;
            }
            BencodeValue only = tree.entries().values().iterator().next();
            return only instanceof BDict d && d.entries().size() == 1 && d.get("") != null;
        }

        private void checkPieces(long pieceLength, long totalWithPadding) throws TorrentException {
            BencodeValue pieces = info.get("pieces");
            if (pieces == null) {
                throw new TorrentException("invalid torrent: info has no 'pieces'");
            }
            if (!(pieces instanceof BBytes bytes)) {
                throw new TorrentException(
                        "invalid torrent: 'pieces' is a " + pieces.typeName() + ", expected a byte string");
            }
            if (bytes.bytes().length % 20 != 0) {
                throw new TorrentException(
                        "invalid torrent: 'pieces' is " + bytes.bytes().length + " bytes, not a multiple of 20");
            }
            long expected = totalWithPadding / pieceLength + (totalWithPadding % pieceLength == 0 ? 0 : 1);
            long actual = bytes.bytes().length / 20;
            if (actual != expected) {
                throw new TorrentException("invalid torrent: " + actual + " piece hashes for " + totalWithPadding
                        + " bytes in pieces of " + pieceLength + " (expected " + expected + ")");
            }
        }

        private static boolean sameFiles(List<TorrentFile> a, List<TorrentFile> b) {
            return a.equals(b);
        }
    }

    private static List<String> trackers(BDict root) {
        Set<String> urls = new LinkedHashSet<>();
        if (root.get("announce") instanceof BBytes announce) {
            addTracker(urls, announce);
        }
        // Trackers sit outside the info dictionary: a malformed list costs us trackers, not the torrent.
        if (root.get("announce-list") instanceof BList tiers) {
            for (BencodeValue tier : tiers.items()) {
                if (tier instanceof BList urlsInTier) {
                    for (BencodeValue url : urlsInTier.items()) {
                        if (url instanceof BBytes bytes) {
                            addTracker(urls, bytes);
                        }
                    }
                }
            }
        }
        return new ArrayList<>(urls);
    }

    private static void addTracker(Set<String> urls, BBytes bytes) {
        String url = new String(bytes.bytes(), StandardCharsets.UTF_8).strip();
        if (!url.isEmpty()) {
            urls.add(url);
        }
    }

    private static String hash(String algorithm, byte[] data, BencodeReader.Document doc) {
        try {
            MessageDigest digest = MessageDigest.getInstance(algorithm);
            digest.update(data, doc.infoStart(), doc.infoEnd() - doc.infoStart());
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(algorithm + " is required of every JVM", e);
        }
    }

    private static long requireInt(BencodeValue value, String what) throws TorrentException {
        if (!(value instanceof BInt i)) {
            throw new TorrentException(
                    "invalid torrent: " + what + " is a " + value.typeName() + ", expected an integer");
        }
        return i.value();
    }

    private static long positiveInt(BDict dict, String key, String where) throws TorrentException {
        BencodeValue value = dict.get(key);
        if (value == null) {
            throw new TorrentException("invalid torrent: " + where + " has no '" + key + "'");
        }
        long n = requireInt(value, "'" + key + "'");
        if (n <= 0) {
            throw new TorrentException("invalid torrent: '" + key + "' is " + n + ", expected a positive number");
        }
        return n;
    }

    private static long size(BencodeValue value, String what) throws TorrentException {
        long n = requireInt(value, what);
        if (n < 0) {
            throw new TorrentException("invalid torrent: " + what + " is negative (" + n + ")");
        }
        if (n > MAX_SIZE) {
            throw new TorrentException("invalid torrent: " + what + " is " + n + ", more than 2^53 bytes");
        }
        return n;
    }

    private static long addSize(long total, long size) throws TorrentException {
        long sum = total + size; // both are at most 2^53, so this cannot overflow a long
        if (sum > MAX_SIZE) {
            throw new TorrentException("invalid torrent: total size is more than 2^53 bytes");
        }
        return sum;
    }

    private static String attr(BDict file, String where) throws TorrentException {
        BencodeValue attr = file.get("attr");
        if (attr == null) {
            return "";
        }
        if (!(attr instanceof BBytes bytes)) {
            throw new TorrentException(
                    "invalid torrent: " + where + " 'attr' is a " + attr.typeName() + ", expected a byte string");
        }
        return new String(bytes.bytes(), StandardCharsets.ISO_8859_1);
    }

    private static String utf8(byte[] bytes, String what) throws TorrentException {
        if (isAscii(bytes)) {
            // Most names are ASCII: no decoder to allocate for each of a million path components.
            return new String(bytes, StandardCharsets.ISO_8859_1);
        }
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new TorrentException("invalid torrent: " + what + " is not valid UTF-8");
        }
    }

    /** One file or directory name: it must stay inside the torrent's directory. */
    private static void checkComponent(String component, String what) throws TorrentException {
        if (component.isEmpty()) {
            throw new TorrentException("invalid torrent: " + what + " is empty");
        }
        if (component.equals(".") || component.equals("..")) {
            throw new TorrentException("invalid torrent: " + what + " '" + component + "' is not allowed");
        }
        if (component.indexOf('/') >= 0) {
            throw new TorrentException("invalid torrent: " + what + " '" + printable(component)
                    + "' contains '/' (absolute or nested path)");
        }
        if (component.indexOf('\0') >= 0) {
            throw new TorrentException("invalid torrent: " + what + " contains a NUL character");
        }
    }

    private static boolean isAscii(byte[] bytes) {
        for (byte b : bytes) {
            if (b < 0) {
                return false;
            }
        }
        return true;
    }

    private static boolean allZero(byte[] bytes) {
        for (byte b : bytes) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }

    /** Keeps error messages on one line whatever the torrent contains. */
    static String printable(String s) {
        StringBuilder out = new StringBuilder(Math.min(s.length(), 120));
        for (int i = 0; i < s.length() && out.length() < 120; i++) {
            char c = s.charAt(i);
            out.append(Character.isISOControl(c) ? '?' : c);
        }
        return out.toString();
    }
}
