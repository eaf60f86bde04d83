package org.revenant.crawl;

/** How much of one source's swept catalogue the crawlers have examined (decisions 024, 029). */
public record Coverage(String source, long examined, long known) {}
