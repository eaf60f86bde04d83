package org.revenant.crawl;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The result of crawling one mirror.
 *
 * @param snapshot   what to publish, or null when the platform said nothing changed (HTTP 304)
 * @param discovered further mirrors met on the way (a .torrent inside a repository is itself a torrent mirror)
 * @param etag       the validator to send next time, if the platform gave one
 * @param treeSha    the manifest's version (a git tree sha, a revision), if known
 * @param extra      anything else the source wants back next time
 */
public record CrawlOutcome(
        Snapshot snapshot, List<Snapshot> discovered, String etag, String treeSha, Map<String, String> extra) {

    public CrawlOutcome {
        discovered = List.copyOf(Objects.requireNonNull(discovered, "discovered"));
        extra = Map.copyOf(Objects.requireNonNull(extra, "extra"));
    }

    public static CrawlOutcome of(Snapshot snapshot, String etag, String treeSha) {
        return new CrawlOutcome(snapshot, List.of(), etag, treeSha, Map.of());
    }

    public static CrawlOutcome unchanged(String etag, String treeSha) {
        return new CrawlOutcome(null, List.of(), etag, treeSha, Map.of());
    }

    public boolean isUnchanged() {
        return snapshot == null;
    }
}
