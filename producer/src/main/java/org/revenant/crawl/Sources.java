package org.revenant.crawl;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.revenant.config.CrawlConfig;
import org.revenant.config.SourceConfig;
import org.revenant.source.academictorrents.AcademicTorrentsSource;
import org.revenant.source.github.GitHubSource;
import org.revenant.source.hf.HuggingFaceSource;
import org.revenant.source.ia.InternetArchiveSource;
import org.revenant.source.torrent.TorrentWatchSource;
import org.revenant.source.zenodo.ZenodoSource;

/** The enabled sources of a configuration, sharing one HTTP client. */
public final class Sources {

    private Sources() {
    }

    /** @param only source names to keep (empty: all enabled ones) */
    public static Map<String, Source> build(CrawlConfig config, HttpFetcher http, Set<String> only) {
        Map<String, Source> out = new LinkedHashMap<>();
        for (SourceConfig c : config.enabled()) {
            if (!only.isEmpty() && !only.contains(c.name())) {
                continue;
            }
            Source s = switch (c.name()) {
                case "github" -> new GitHubSource(c, http);
                case "hf" -> new HuggingFaceSource(c, http);
                case "academictorrents" -> new AcademicTorrentsSource(c, http);
                case "ia" -> new InternetArchiveSource(c, http);
                case "zenodo" -> new ZenodoSource(c, http);
                case "torrents" -> new TorrentWatchSource(http);
                default -> throw new IllegalArgumentException("unknown source " + c.name());
            };
            out.put(c.name(), s);
        }
        return out;
    }
}
