package org.revenant.crawl;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.revenant.avro.ManifestEntry;
import org.revenant.avro.Mirror;

/**
 * The last bound on what a crawl publishes, whatever the source: every string a platform (or whoever
 * uploaded to it) wrote is capped, and entries too large to publish are left out. One file with a
 * megabyte-long name must not make the whole snapshot unpublishable, which would hide every other
 * file of the mirror; so the rest is published, marked partial with the reason.
 */
public final class SnapshotBounds {

    static final int MAX_ENTRIES = 1_000_000;
    static final int MAX_PATH_CHARS = 4096;
    static final int MAX_HASH_CHARS = 128;
    static final int MAX_FIELD_CHARS = 4096;
    static final int MAX_DESCRIPTION_CHARS = 64 * 1024;
    static final int MAX_TEXT_CHARS = 64 * 1024;
    static final int MAX_IDENTIFIERS = 32;
    /** The detection app dead-letters a chunk whose mirror has a longer identifier name or value. */
    static final int MAX_IDENTIFIER_CHARS = 256;

    private SnapshotBounds() {}

    public static Snapshot apply(Snapshot s) {
        List<ManifestEntry> kept = new ArrayList<>(Math.min(s.entries().size(), MAX_ENTRIES));
        int overlong = 0;
        for (ManifestEntry e : s.entries()) {
            if (kept.size() >= MAX_ENTRIES) {
                break;
            }
            if (e.getPath() == null
                    || e.getPath().length() > MAX_PATH_CHARS
                    || e.getRef() != null && e.getRef().length() > MAX_PATH_CHARS) {
                overlong++;
                continue;
            }
            kept.add(boundEntry(e));
        }
        List<String> reasons = new ArrayList<>();
        if (overlong > 0) {
            reasons.add(overlong + " entries with a path over " + MAX_PATH_CHARS + " characters left out");
        }
        int over = s.entries().size() - overlong - kept.size();
        if (over > 0) {
            reasons.add("more than " + MAX_ENTRIES + " entries: " + over + " left out");
        }
        Mirror mirror = boundMirror(s.mirror(), reasons);
        return new Snapshot(mirror, kept, Mirrors.cap(s.text(), MAX_TEXT_CHARS));
    }

    /** Marks a mirror partial with a reason, keeping any reason it already has. */
    public static Mirror partial(Mirror mirror, String reason) {
        String before = mirror.getPartialReason();
        String joined = before == null || before.isBlank() ? reason : before + "; " + reason;
        return Mirror.newBuilder(mirror)
                .setPartial(true)
                .setPartialReason(Mirrors.cap(joined, MAX_FIELD_CHARS))
                .build();
    }

    private static ManifestEntry boundEntry(ManifestEntry e) {
        boolean badSize = e.getSize() != null && e.getSize() < 0;
        if (!badSize
                && fits(e.getSha256())
                && fits(e.getSha1())
                && fits(e.getMd5())
                && fits(e.getGitBlobSha1())
                && fits(e.getLfsSha256())) {
            return e;
        }
        // No real digest is this long and no file has a negative size: drop the field, keep the file.
        return ManifestEntry.newBuilder(e)
                .setSize(badSize ? null : e.getSize())
                .setSha256(orNull(e.getSha256()))
                .setSha1(orNull(e.getSha1()))
                .setMd5(orNull(e.getMd5()))
                .setGitBlobSha1(orNull(e.getGitBlobSha1()))
                .setLfsSha256(orNull(e.getLfsSha256()))
                .build();
    }

    private static boolean fits(String hash) {
        return hash == null || hash.length() <= MAX_HASH_CHARS;
    }

    private static String orNull(String hash) {
        return fits(hash) ? hash : null;
    }

    private static Mirror boundMirror(Mirror m, List<String> reasons) {
        Mirror.Builder b = Mirror.newBuilder(m)
                .setUrl(Mirrors.cap(m.getUrl(), MAX_FIELD_CHARS))
                .setTitle(Mirrors.cap(m.getTitle(), MAX_FIELD_CHARS))
                .setDescription(Mirrors.cap(m.getDescription(), MAX_DESCRIPTION_CHARS))
                .setOwner(Mirrors.cap(m.getOwner(), MAX_FIELD_CHARS))
                .setStatusDetail(Mirrors.cap(m.getStatusDetail(), MAX_FIELD_CHARS))
                .setPartialReason(Mirrors.cap(m.getPartialReason(), MAX_FIELD_CHARS));
        Map<String, String> ids = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : m.getIdentifiers().entrySet()) {
            if (ids.size() < MAX_IDENTIFIERS && e.getKey().length() <= 64) {
                ids.put(e.getKey(), Mirrors.cap(e.getValue(), MAX_IDENTIFIER_CHARS));
            }
        }
        Mirror bounded = b.setIdentifiers(ids).build();
        for (String reason : reasons) {
            bounded = partial(bounded, reason);
        }
        return bounded;
    }
}
