package org.revenant.source.github;

import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Git LFS pointer file: the small blob Git stores in place of a large file, naming the content's
 * SHA-256 and real size. Only pointers under 1 KiB are considered, as git-lfs itself does.
 */
public record LfsPointer(String sha256, long size) {

    public static final int MAX_POINTER_BYTES = 1024;
    private static final Pattern VERSION =
            Pattern.compile("version (https://git-lfs\\.github\\.com/spec/v1|https://hawser\\.github\\.com/spec/v1)\n");
    private static final Pattern OID = Pattern.compile("(?m)^oid sha256:([0-9a-f]{64})$");
    private static final Pattern SIZE = Pattern.compile("(?m)^size (\\d{1,18})$");

    /** @return the pointer, or null when the bytes are not one */
    public static LfsPointer parse(byte[] blob) {
        if (blob == null || blob.length > MAX_POINTER_BYTES) {
            return null;
        }
        String text = new String(blob, StandardCharsets.UTF_8);
        if (!VERSION.matcher(text).lookingAt()) {
            return null;
        }
        Matcher oid = OID.matcher(text);
        Matcher size = SIZE.matcher(text);
        if (!oid.find() || !size.find()) {
            return null;
        }
        return new LfsPointer(oid.group(1), Long.parseLong(size.group(1)));
    }
}
