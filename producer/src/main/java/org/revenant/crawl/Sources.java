package org.revenant.crawl;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** The enabled sources of a configuration, built by their platforms' factories, sharing one HTTP client. */
public final class Sources {

    private Sources() {}

    /** @param only source names to keep (empty: all enabled ones) */
    public static Map<String, Source> build(CrawlConfig config, HttpFetcher http, Set<String> only) {
        Map<String, Source> out = new LinkedHashMap<>();
        for (SourceConfig c : config.enabled()) {
            if (!only.isEmpty() && !only.contains(c.name())) {
                continue;
            }
            out.put(c.name(), config.platform(c.name()).factory().create(c, http));
        }
        return out;
    }
}
