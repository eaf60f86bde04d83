package org.revenant.source.torrents;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.revenant.avro.CrawlCheckpoint;
import org.revenant.avro.MirrorStatus;
import org.revenant.crawl.CrawlException;
import org.revenant.crawl.CrawlOutcome;
import org.revenant.crawl.Discovery;
import org.revenant.crawl.DiscoveryTerms;
import org.revenant.crawl.HttpFetcher;
import org.revenant.crawl.HttpResult;
import org.revenant.crawl.Mirrors;
import org.revenant.crawl.Snapshot;
import org.revenant.crawl.Source;
import org.revenant.crawl.SourceDescriptor;
import org.revenant.source.torrent.BencodeReader;
import org.revenant.source.torrent.MagnetLink;
import org.revenant.source.torrent.TorrentException;
import org.revenant.source.torrent.TorrentManifest;
import org.revenant.source.torrent.TorrentManifests;
import org.revenant.source.torrent.TorrentMetainfo;

/**
 * The {@code sources.torrents} watch list: local .torrent files, http(s) URLs of .torrent files and
 * magnet links, each re-read on the source's interval. A URL that answers 404/410/451 reports the
 * torrent mirror it served last time as gone or blocked.
 */
public final class TorrentWatchSource implements Source {

    /** The platform: its configuration, defaults and factory (docs/decisions/015). */
    public static final SourceDescriptor DESCRIPTOR = new SourceDescriptor(
            "torrents",
            TorrentManifests.PLATFORM,
            null,
            null,
            null,
            null,
            "items",
            null,
            null,
            Duration.ofHours(24),
            false,
            (config, http) -> new TorrentWatchSource(http));

    public static final String NAME = "torrents";
    static final String LAST_KEY = "mirrorKey";

    private final HttpFetcher http;

    public TorrentWatchSource(HttpFetcher http) {
        this.http = http;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<String> queries(DiscoveryTerms terms) {
        return List.of();
    }

    @Override
    public Discovery discover(String query, DiscoveryTerms terms, CrawlCheckpoint previous) {
        return new Discovery(List.of(), null);
    }

    @Override
    public String mirrorKey(String locator) {
        if (locator.toLowerCase(Locale.ROOT).startsWith("magnet:")) {
            try {
                MagnetLink m = MagnetLink.parse(locator);
                return TorrentManifests.mirrorKey(m.btih(), m.btmh());
            } catch (TorrentException e) {
                return null;
            }
        }
        return null; // known only once the .torrent is read
    }

    @Override
    public CrawlOutcome crawl(String locator, CrawlCheckpoint previous) throws CrawlException {
        try {
            String lower = locator.toLowerCase(Locale.ROOT);
            if (lower.startsWith("magnet:")) {
                return done(TorrentManifests.fromMagnet(MagnetLink.parse(locator)), null);
            }
            if (lower.startsWith("http://") || lower.startsWith("https://")) {
                String etag = previous == null ? null : previous.getEtag();
                HttpResult r = http.get(HttpFetcher.Request.get(URI.create(locator))
                        .accept("application/x-bittorrent")
                        .ifNoneMatch(etag)
                        .maxBodyBytes(BencodeReader.Limits.TORRENT_FILE.maxInputBytes()));
                if (r.notModified()) {
                    return CrawlOutcome.unchanged(etag, null);
                }
                MirrorStatus status = Mirrors.forHttpStatus(r.status());
                String lastKey = previous == null ? null : previous.getExtra().get(LAST_KEY);
                if (status != null && lastKey != null) {
                    String locatorPart = lastKey.substring(lastKey.indexOf(':') + 1);
                    return CrawlOutcome.of(
                            Snapshot.status(Mirrors.withStatus(
                                    lastKey,
                                    TorrentManifests.PLATFORM,
                                    locatorPart,
                                    locator,
                                    status,
                                    "HTTP " + r.status() + " from " + locator)),
                            null,
                            null);
                }
                if (r.status() != 200) {
                    throw new CrawlException("HTTP " + r.status() + " from " + locator);
                }
                return done(TorrentManifests.fromMetainfo(TorrentMetainfo.parse(r.body()), locator), r.etag());
            }
            Path file = Path.of(locator);
            if (Files.size(file) > BencodeReader.Limits.TORRENT_FILE.maxInputBytes()) {
                throw new CrawlException(locator + " is larger than a .torrent can be");
            }
            return done(TorrentManifests.fromMetainfo(TorrentMetainfo.parse(Files.readAllBytes(file)), null), null);
        } catch (TorrentException e) {
            throw new CrawlException(locator + ": " + e.getMessage());
        } catch (NoSuchFileException e) {
            throw new CrawlException(locator + ": no such file");
        } catch (IOException | IllegalArgumentException e) {
            throw new CrawlException("cannot read " + locator + ": " + e.getMessage());
        }
    }

    private static CrawlOutcome done(TorrentManifest manifest, String etag) {
        return new CrawlOutcome(
                new Snapshot(manifest.mirror(), manifest.entries(), null),
                List.of(),
                etag,
                null,
                Map.of(LAST_KEY, manifest.mirror().getKey()));
    }
}
