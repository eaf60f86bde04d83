package org.revenant.crawl;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.revenant.testkit.BencodeWriter;

/** Bytes the fixture servers serve: small .torrent files, Git blobs as the blobs API returns them, LFS pointers. */
public final class Fixtures {

    private Fixtures() {}

    /** A multi-file v1 torrent of (path, size) files with zeroed piece hashes. */
    public static byte[] torrent(String name, Map<String, Long> files) {
        List<Object> list = files.entrySet().stream()
                .map(e -> (Object) Map.of(
                        "length", e.getValue(), "path", List.of(e.getKey().split("/"))))
                .toList();
        long total = files.values().stream().mapToLong(Long::longValue).sum();
        long piece = 64L * 1024 * 1024;
        int pieces = (int) Math.max(1, (total + piece - 1) / piece);
        Map<String, Object> info =
                Map.of("name", name, "piece length", piece, "files", list, "pieces", new byte[20 * pieces]);
        return bencode(Map.of("announce", "udp://tracker.example.org:1337/announce", "info", info));
    }

    /** The v1 infohash of a torrent made by {@link #torrent}. */
    public static String btih(byte[] torrent) {
        String s = new String(torrent, StandardCharsets.ISO_8859_1);
        int start = s.indexOf("4:infod") + 6;
        return sha1(Arrays.copyOfRange(torrent, start, torrent.length - 1));
    }

    /** A Git LFS pointer for content of this sha256 and size. */
    public static byte[] lfsPointer(String sha256, long size) {
        return ("version https://git-lfs.github.com/spec/v1\noid sha256:" + sha256 + "\nsize " + size + "\n")
                .getBytes(StandardCharsets.UTF_8);
    }

    /** Git's blob id: SHA-1 of "blob <length>\0" + content. */
    public static String gitBlobSha1(byte[] content) {
        byte[] header = ("blob " + content.length + "\0").getBytes(StandardCharsets.US_ASCII);
        byte[] all = new byte[header.length + content.length];
        System.arraycopy(header, 0, all, 0, header.length);
        System.arraycopy(content, 0, all, header.length, content.length);
        return sha1(all);
    }

    /** A GET /repos/{o}/{r}/git/blobs/{sha} body: base64 wrapped at 60 characters, as GitHub sends it. */
    public static String blobJson(String base, String repo, byte[] content) {
        String sha = gitBlobSha1(content);
        String b64 = Base64.getMimeEncoder(60, "\n".getBytes(StandardCharsets.US_ASCII))
                        .encodeToString(content) + "\n";
        return "{\"sha\":\"" + sha + "\",\"node_id\":\"B_kwDOAAAAA\",\"size\":" + content.length
                + ",\"url\":\"" + base + "/repos/" + repo + "/git/blobs/" + sha + "\",\"content\":\""
                + b64.replace("\n", "\\n") + "\",\"encoding\":\"base64\"}";
    }

    public static String sha1(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] bencode(Object value) {
        return BencodeWriter.encode(value);
    }
}
