package org.revenant.source.manifest;

import java.util.Locale;
import java.util.regex.Pattern;
import org.revenant.source.torrent.TorrentManifests;

/**
 * Locators of the platforms Revenant knows are normalised so a user's crawler and Revenant's own
 * sources produce the same mirror key for the same place (architecture section 2); any other platform's
 * locator is kept as given.
 */
final class MirrorKeys {

    static final Pattern PLATFORM = Pattern.compile("[a-z0-9][a-z0-9-]*");
    static final int MAX_PLATFORM_CHARS = 64;
    static final int MAX_LOCATOR_CHARS = 2048;

    private static final Pattern GITHUB = Pattern.compile("[A-Za-z0-9][A-Za-z0-9-]*/[A-Za-z0-9._-]+");
    private static final Pattern HEX40 = Pattern.compile("[0-9a-fA-F]{40}");
    private static final Pattern HEX64 = Pattern.compile("[0-9a-fA-F]{64}");
    private static final Pattern BTMH = Pattern.compile("(?i)btmh:[0-9a-f]{64}");

    private MirrorKeys() {}

    /** @throws IllegalArgumentException with the reason, when a known platform's locator has the wrong shape */
    static String locator(String platform, String locator) {
        switch (platform) {
            case "github":
                if (!GITHUB.matcher(locator).matches()) {
                    throw new IllegalArgumentException("a github locator is owner/repo");
                }
                return locator.toLowerCase(Locale.ROOT);
            case TorrentManifests.PLATFORM:
                if (HEX40.matcher(locator).matches() || BTMH.matcher(locator).matches()) {
                    return locator.toLowerCase(Locale.ROOT);
                }
                if (HEX64.matcher(locator).matches()) {
                    return "btmh:" + locator.toLowerCase(Locale.ROOT);
                }
                throw new IllegalArgumentException(
                        "a torrent locator is a 40-hex-digit infohash or btmh:<64 hex digits>");
            default:
                return locator;
        }
    }

    static String key(String platform, String normalizedLocator) {
        return platform + ":" + normalizedLocator;
    }
}
