package org.revenant.crawl;

import java.util.List;
import java.util.Objects;

/**
 * Mirrors a discovery query turned up.
 *
 * @param locators the platform's locators (owner/repo, an item identifier, an infohash, ...)
 * @param etag     the validator of the listing, when it had one (Academic Torrents' database.xml)
 */
public record Discovery(List<String> locators, String etag) {

    public Discovery {
        locators = List.copyOf(Objects.requireNonNull(locators, "locators"));
    }
}
