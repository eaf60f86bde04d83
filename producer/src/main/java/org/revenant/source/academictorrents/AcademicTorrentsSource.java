package org.revenant.source.academictorrents;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;
import org.revenant.avro.CrawlCheckpoint;
import org.revenant.avro.Mirror;
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
import org.revenant.crawl.SourceConfig;
import org.revenant.crawl.SourceDescriptor;
import org.revenant.crawl.Sweep;
import org.revenant.crawl.Sweeps;
import org.revenant.crawl.Urls;
import org.revenant.source.torrent.BencodeReader;
import org.revenant.source.torrent.TorrentException;
import org.revenant.source.torrent.TorrentManifest;
import org.revenant.source.torrent.TorrentManifests;
import org.revenant.source.torrent.TorrentMetainfo;

/**
 * Academic Torrents: the whole catalogue is one file, {@code /database.xml}, fetched conditionally
 * and searched here for the registry's names and infohashes; each match (and each watched
 * infohash) is downloaded from {@code /download/{infohash}.torrent} and becomes a torrent mirror.
 */
public final class AcademicTorrentsSource implements Source {

    /** The platform: its configuration, defaults and factory (docs/decisions/015). */
    public static final SourceDescriptor DESCRIPTOR = SourceDescriptor.api(
                    "academictorrents",
                    TorrentManifests.PLATFORM,
                    "url",
                    "https://academictorrents.com",
                    "REVENANT_AT_URL",
                    null,
                    "infohashes",
                    "[0-9a-fA-F]{40}",
                    "a 40-hex-digit infohash",
                    Duration.ofHours(24),
                    AcademicTorrentsSource::new)
            // The whole catalogue, once per torrent, one fetch a second; 100 per crawl --once (decision 024).
            .sweeping(new Sweep(true, 1, 100))
            // Requests an hour to its host from one crawler, its sweep's one a second and the rest (decision 027).
            .budgeted(4000);

    public static final String NAME = "academictorrents";
    public static final String CATALOGUE = "database.xml";
    static final int MAX_CATALOGUE_BYTES = 256 * 1024 * 1024;
    private static final Pattern HEX40 = Pattern.compile("[0-9a-f]{40}");

    private final SourceConfig config;
    private final HttpFetcher http;
    private final URI base;

    public AcademicTorrentsSource(SourceConfig config, HttpFetcher http) {
        this.config = config;
        this.http = http;
        this.base = config.url();
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<String> queries(DiscoveryTerms terms) {
        return config.discover() ? List.of(CATALOGUE) : List.of();
    }

    @Override
    public Discovery discover(String query, DiscoveryTerms terms, CrawlCheckpoint previous) throws CrawlException {
        String etag = previous == null ? null : previous.getEtag();
        if (config.sweep().enabled() && Sweeps.remaining(previous) != 0) {
            etag = null; // a sweep still under way needs the whole list again, not a 304
        }
        HttpResult r = http.get(HttpFetcher.Request.get(Urls.of(base, "/database.xml"))
                .accept("application/rss+xml, application/xml, text/xml")
                .ifNoneMatch(etag)
                .maxBodyBytes(MAX_CATALOGUE_BYTES));
        if (r.notModified()) {
            return new Discovery(List.of(), etag);
        }
        if (r.status() != 200) {
            throw new CrawlException("database.xml: HTTP " + r.status());
        }
        Catalogue catalogue = read(r, terms);
        return new Discovery(catalogue.matches(), r.etag(), config.sweep().enabled() ? catalogue.others() : List.of());
    }

    /** What database.xml holds: the items named like a dataset (or carrying a known infohash), and the rest. */
    record Catalogue(List<String> matches, List<String> others) {}

    static List<String> matches(HttpResult r, DiscoveryTerms terms) throws CrawlException {
        return read(r, terms).matches();
    }

    /**
     * Infohashes of catalogue items whose infohash is in the registry or whose title or description
     * names a dataset. Crawling one is cheap and decides nothing: the detection engine does.
     */
    static Catalogue read(HttpResult r, DiscoveryTerms terms) throws CrawlException {
        XMLInputFactory factory = XMLInputFactory.newFactory();
        factory.setProperty(XMLInputFactory.SUPPORT_DTD, false); // no entity expansion from a hostile catalogue
        factory.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        Set<String> found = new LinkedHashSet<>();
        Set<String> others = new LinkedHashSet<>();
        try {
            XMLStreamReader xml = factory.createXMLStreamReader(new ByteArrayInputStream(r.body()));
            String title = null;
            String description = null;
            String infohash = null;
            while (xml.hasNext()) {
                int event = xml.next();
                if (event == XMLStreamConstants.START_ELEMENT) {
                    String name = xml.getLocalName();
                    if (name.equals("item")) {
                        title = null;
                        description = null;
                        infohash = null;
                    } else if (name.equals("title")) {
                        title = xml.getElementText();
                    } else if (name.equals("description")) {
                        description = xml.getElementText();
                    } else if (name.equals("infohash")) {
                        infohash = xml.getElementText().strip().toLowerCase(Locale.ROOT);
                    }
                } else if (event == XMLStreamConstants.END_ELEMENT
                        && xml.getLocalName().equals("item")) {
                    if (infohash != null
                            && HEX40.matcher(infohash).matches()
                            && (terms.btihs().contains(infohash)
                                    || terms.titleMentions(title)
                                    || terms.titleMentions(description))) {
                        found.add(infohash);
                    } else if (infohash != null
                            && HEX40.matcher(infohash).matches()
                            && others.size() < Discovery.MAX_SWEEP) {
                        others.add(infohash);
                    }
                }
            }
        } catch (XMLStreamException e) {
            String where =
                    e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNumber();
            throw new CrawlException(
                    "malformed database.xml from " + r.uri() + where + ": " + firstLine(e.getMessage()));
        }
        others.removeAll(found);
        return new Catalogue(new ArrayList<>(found), new ArrayList<>(others));
    }

    @Override
    public String mirrorKey(String infohash) {
        return TorrentManifests.mirrorKey(infohash.toLowerCase(Locale.ROOT), null);
    }

    @Override
    public CrawlOutcome crawl(String infohash, CrawlCheckpoint previous) throws CrawlException {
        String btih = infohash.toLowerCase(Locale.ROOT);
        if (!HEX40.matcher(btih).matches()) {
            throw new CrawlException("not an infohash: " + infohash);
        }
        String etag = previous == null ? null : previous.getEtag();
        String details = base + "/details/" + btih;
        HttpResult r = http.get(HttpFetcher.Request.get(Urls.of(base, "/download/" + btih + ".torrent"))
                .accept("application/x-bittorrent")
                .ifNoneMatch(etag)
                .maxBodyBytes(BencodeReader.Limits.TORRENT_FILE.maxInputBytes()));
        if (r.notModified()) {
            return CrawlOutcome.unchanged(etag, btih);
        }
        MirrorStatus status = Mirrors.forHttpStatus(r.status());
        if (status != null) {
            return CrawlOutcome.of(
                    Snapshot.status(Mirrors.withStatus(
                            mirrorKey(btih),
                            TorrentManifests.PLATFORM,
                            btih,
                            details,
                            status,
                            "Academic Torrents: HTTP " + r.status())),
                    null,
                    null);
        }
        if (r.status() != 200) {
            throw new CrawlException("torrent " + btih + ": HTTP " + r.status());
        }
        if (r.body().length > 0 && r.body()[0] == '<') {
            throw new CrawlException("torrent " + btih + ": Academic Torrents returned an HTML page, not a .torrent");
        }
        TorrentMetainfo meta;
        try {
            meta = TorrentMetainfo.parse(r.body());
        } catch (TorrentException e) {
            throw new CrawlException("torrent " + btih + " is not readable: " + e.getMessage());
        }
        if (!btih.equals(meta.btih())) {
            throw new CrawlException("asked for " + btih + " but the .torrent served has infohash " + meta.btih());
        }
        TorrentManifest manifest = TorrentManifests.fromMetainfo(meta, details);
        Mirror mirror = Mirror.newBuilder(manifest.mirror()).build();
        return CrawlOutcome.of(new Snapshot(mirror, manifest.entries(), null), r.etag(), btih);
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "unreadable";
        }
        int nl = s.indexOf('\n');
        return (nl < 0 ? s : s.substring(0, nl)).strip();
    }
}
