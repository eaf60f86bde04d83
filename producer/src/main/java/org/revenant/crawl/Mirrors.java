package org.revenant.crawl;

import java.util.Map;
import org.revenant.avro.Mirror;
import org.revenant.avro.MirrorStatus;

/** Shared shapes of mirrors, and what HTTP statuses mean for a mirror on every platform. */
public final class Mirrors {

    private Mirrors() {}

    /** 404/410 → GONE, 451 → BLOCKED; null for statuses that say nothing about the mirror's availability. */
    public static MirrorStatus forHttpStatus(int status) {
        return switch (status) {
            case 404, 410 -> MirrorStatus.GONE;
            case 451 -> MirrorStatus.BLOCKED;
            default -> null;
        };
    }

    /** A mirror seen only as a status (gone, blocked, ...), with why. */
    public static Mirror withStatus(
            String key, String platform, String locator, String url, MirrorStatus status, String detail) {
        return Mirror.newBuilder()
                .setKey(key)
                .setPlatform(platform)
                .setLocator(locator)
                .setUrl(url)
                .setStatus(status)
                .setStatusDetail(detail)
                .setIdentifiers(Map.of())
                .build();
    }

    /** Text capped for the snapshot (the streams app keeps it per mirror). */
    public static String cap(String text, int maxChars) {
        if (text == null) {
            return null;
        }
        return text.length() <= maxChars ? text : text.substring(0, maxChars);
    }
}
