package org.revenant.crawl;

import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.revenant.avro.EntryKind;
import org.revenant.avro.ManifestEntry;
import org.revenant.source.torrent.MagnetLink;
import org.revenant.source.torrent.TorrentException;

/**
 * Magnet links and links to known file hosts found in a README or description, as
 * {@code MAGNET_REF} and {@code LINK} entries. The text is attacker-controlled: matches are bounded
 * in number and length, and a magnet that does not parse is skipped.
 */
public final class TextLinks {

    public static final int MAX_LINKS = 100;
    private static final Pattern MAGNET =
            Pattern.compile("magnet:\\?[^\\s\"'<>()\\[\\]`]{1,4000}", Pattern.CASE_INSENSITIVE);
    private static final Pattern URL =
            Pattern.compile("https?://[^\\s\"'<>()\\[\\]`]{1,2000}", Pattern.CASE_INSENSITIVE);
    /** Where retracted datasets have been shared: download links to these hosts are worth recording. */
    private static final Set<String> FILE_HOSTS = Set.of(
            "drive.google.com",
            "docs.google.com",
            "pan.baidu.com",
            "yun.baidu.com",
            "dropbox.com",
            "www.dropbox.com",
            "dl.dropboxusercontent.com",
            "mega.nz",
            "mega.co.nz",
            "onedrive.live.com",
            "1drv.ms",
            "academictorrents.com",
            "archive.org",
            "zenodo.org",
            "huggingface.co",
            "kaggle.com",
            "www.kaggle.com",
            "figshare.com",
            "box.com",
            "app.box.com",
            "weiyun.com",
            "share.weiyun.com",
            "aliyundrive.com",
            "www.aliyundrive.com",
            "cowtransfer.com",
            "data.vision.ee.ethz.ch");

    private TextLinks() {}

    /** @param origin where the text came from, used as the entries' path (e.g. {@code README.md}) */
    public static List<ManifestEntry> extract(String text, String origin) {
        List<ManifestEntry> out = new ArrayList<>();
        if (text == null || text.isEmpty()) {
            return out;
        }
        Map<String, ManifestEntry> unique = new LinkedHashMap<>();
        Matcher m = MAGNET.matcher(text);
        while (m.find() && unique.size() < MAX_LINKS) {
            try {
                MagnetLink magnet = MagnetLink.parse(m.group());
                String ref = magnet.btih() != null ? magnet.btih() : magnet.btmh();
                unique.putIfAbsent(
                        "magnet:" + ref,
                        ManifestEntry.newBuilder()
                                .setPath(origin + "#magnet:" + ref)
                                .setKind(EntryKind.MAGNET_REF)
                                .setRef(ref)
                                .build());
            } catch (TorrentException | RuntimeException e) {
                // not a magnet we can read: nothing to record
            }
        }
        m = URL.matcher(text);
        while (m.find() && unique.size() < MAX_LINKS) {
            String url = trimPunctuation(m.group());
            String host = host(url);
            if (host != null && (FILE_HOSTS.contains(host) || host.endsWith(".archive.org"))) {
                unique.putIfAbsent(
                        "link:" + url,
                        ManifestEntry.newBuilder()
                                .setPath(origin + "#link")
                                .setKind(EntryKind.LINK)
                                .setRef(url)
                                .build());
            }
        }
        out.addAll(unique.values());
        return out;
    }

    private static String host(String url) {
        try {
            String host = URI.create(url).getHost();
            return host == null ? null : host.toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static String trimPunctuation(String url) {
        int end = url.length();
        while (end > 0 && ".,;:!?*_".indexOf(url.charAt(end - 1)) >= 0) {
            end--;
        }
        return url.substring(0, end);
    }
}
