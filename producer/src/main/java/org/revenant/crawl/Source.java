package org.revenant.crawl;

import java.util.List;
import java.util.Optional;
import org.revenant.avro.CrawlCheckpoint;

/**
 * One platform. It knows the platform's API and turns its answers into snapshots; scheduling,
 * checkpoints and publishing are the crawler's business, not the source's.
 */
public interface Source {

    /** The config name: {@code github}, {@code hf}, {@code academictorrents}, {@code ia}, {@code zenodo}, {@code torrents}. */
    String name();

    /** The search queries this source runs for the registry's terms (empty: no discovery). */
    List<String> queries(DiscoveryTerms terms);

    /** Runs one query. {@code previous} is the query's checkpoint, or null. */
    Discovery discover(String query, DiscoveryTerms terms, CrawlCheckpoint previous) throws CrawlException;

    /** The mirror key a locator gets, e.g. {@code github:owner/repo}. */
    String mirrorKey(String locator);

    /**
     * Crawls one mirror. A mirror that is gone, blocked, gated or disabled is a snapshot with that
     * status, not an exception; an exception means we could not tell.
     *
     * @param previous the mirror's checkpoint (ETag, last tree sha), or null on the first crawl
     */
    CrawlOutcome crawl(String locator, CrawlCheckpoint previous) throws CrawlException;

    /**
     * What this source cannot do as configured, said once at start (log, banner, {@code /health}
     * notices): e.g. GitHub without a token searches repositories by name only. Empty when nothing
     * is missing.
     */
    default Optional<String> limitation() {
        return Optional.empty();
    }
}
