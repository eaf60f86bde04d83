package org.revenant.source.zenodo;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.revenant.avro.CrawlCheckpoint;
import org.revenant.avro.EntryKind;
import org.revenant.avro.ManifestEntry;
import org.revenant.avro.Mirror;
import org.revenant.avro.MirrorStatus;
import org.revenant.crawl.CrawlException;
import org.revenant.crawl.CrawlOutcome;
import org.revenant.crawl.Discovery;
import org.revenant.crawl.DiscoveryTerms;
import org.revenant.crawl.HttpFetcher;
import org.revenant.crawl.HttpResult;
import org.revenant.crawl.Json;
import org.revenant.crawl.Mirrors;
import org.revenant.crawl.Snapshot;
import org.revenant.crawl.Source;
import org.revenant.crawl.SourceConfig;
import org.revenant.crawl.SourceDescriptor;
import org.revenant.crawl.TextLinks;
import org.revenant.crawl.Urls;

/** Zenodo records: {@code /api/records?q=} for discovery, {@code /api/records/{id}} for a record's files and md5 checksums. */
public final class ZenodoSource implements Source {

    /** The platform: its configuration, defaults and factory (docs/decisions/015). */
    public static final SourceDescriptor DESCRIPTOR = SourceDescriptor.api(
                    "zenodo",
                    ZenodoSource.PLATFORM,
                    "url",
                    "https://zenodo.org",
                    "REVENANT_ZENODO_URL",
                    null,
                    "records",
                    "[0-9]+",
                    "a numeric record id",
                    Duration.ofHours(12),
                    ZenodoSource::new)
            // Requests an hour to its host from one crawler, under Zenodo's 2,000 an hour for guests (decision 027).
            .budgeted(1800);

    public static final String NAME = "zenodo";
    public static final String PLATFORM = "zenodo";
    static final int MAX_SEARCH_PAGES = 3;
    static final int MAX_TEXT_CHARS = 64 * 1024;
    static final int MAX_FILES = 1_000_000;
    static final Pattern MD5 = Pattern.compile("[0-9a-f]{32}");
    static final Pattern RECORD_ID = Pattern.compile("[0-9]{1,19}");

    private final SourceConfig config;
    private final HttpFetcher http;
    private final URI base;

    public ZenodoSource(SourceConfig config, HttpFetcher http) {
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
        if (!config.discover()) {
            return List.of();
        }
        // By name, and by a file's MD5, the one hash Zenodo keeps (decision 030).
        List<String> out = new ArrayList<>(terms.sortedNames());
        for (String md5 : terms.sortedMd5s()) {
            out.add(Discovery.field("files.entries.checksum:\"md5:" + md5 + "\""));
        }
        return out;
    }

    @Override
    public Discovery discover(String query, DiscoveryTerms terms, CrawlCheckpoint previous) throws CrawlException {
        Set<String> found = new LinkedHashSet<>();
        URI next = Urls.of(base, "/api/records?q=" + Urls.param(Discovery.searchText(query)) + "&size=100&page=1");
        for (int page = 0; page < MAX_SEARCH_PAGES && next != null; page++) {
            HttpResult r = get(next, null);
            if (r.status() != 200) {
                throw new CrawlException("record search '" + query + "': HTTP " + r.status());
            }
            JsonNode body = Json.expect(Json.parse(r), false, r);
            for (JsonNode hit : body.path("hits").path("hits")) {
                Discovery.accept(found, Json.text(hit, "id"), RECORD_ID);
            }
            String link = Json.text(body.path("links"), "next");
            next = link == null ? null : Urls.sameOrigin(base, link);
        }
        return new Discovery(List.copyOf(found), null);
    }

    @Override
    public String mirrorKey(String locator) {
        return PLATFORM + ":" + locator;
    }

    @Override
    public CrawlOutcome crawl(String id, CrawlCheckpoint previous) throws CrawlException {
        String etag = previous == null ? null : previous.getEtag();
        String page = base + "/records/" + id;
        HttpResult r = get(Urls.of(base, "/api/records/" + Urls.path(id)), etag);
        if (r.notModified()) {
            return CrawlOutcome.unchanged(etag, previous.getLastTreeSha());
        }
        MirrorStatus status = Mirrors.forHttpStatus(r.status());
        if (status != null) {
            return CrawlOutcome.of(
                    Snapshot.status(
                            Mirrors.withStatus(mirrorKey(id), PLATFORM, id, page, status, "HTTP " + r.status())),
                    null,
                    null);
        }
        if (r.status() != 200) {
            throw new CrawlException("record " + id + ": HTTP " + r.status());
        }
        JsonNode record = Json.expect(Json.parse(r), false, r);
        JsonNode meta = record.path("metadata");
        String description = Json.text(meta, "description");
        String access = Json.text(meta, "access_right");
        Map<String, String> ids = new LinkedHashMap<>();
        if (Json.text(record, "doi") != null) {
            ids.put("doi", Json.text(record, "doi"));
        }
        if (Json.text(record, "conceptrecid") != null) {
            ids.put("conceptrecid", Json.text(record, "conceptrecid"));
        }
        String revision = Json.text(record, "revision");
        Mirror.Builder mirror = Mirror.newBuilder()
                .setKey(mirrorKey(id))
                .setPlatform(PLATFORM)
                .setLocator(id)
                .setUrl(page)
                .setTitle(Json.text(meta, "title"))
                .setDescription(Mirrors.cap(description, MAX_TEXT_CHARS))
                .setIdentifiers(ids)
                .setStatus(MirrorStatus.PRESENT);
        if ("restricted".equals(access) || "embargoed".equals(access)) {
            mirror.setStatus(MirrorStatus.GATED).setStatusDetail("access_right " + access);
        }
        List<ManifestEntry> entries = new ArrayList<>();
        int position = 0;
        for (JsonNode f : record.path("files")) {
            CrawlException.checkInterrupted();
            position++;
            if (entries.size() >= MAX_FILES) { // the first ones are published, marked partial
                mirror.setPartial(true)
                        .setPartialReason(
                                "record has more than " + MAX_FILES + " files: the first " + MAX_FILES + " listed");
                break;
            }
            entries.add(file(id, position, f));
        }
        entries.addAll(TextLinks.extract(description, "description"));
        return CrawlOutcome.of(
                new Snapshot(mirror.build(), entries, Mirrors.cap(description, MAX_TEXT_CHARS)), r.etag(), revision);
    }

    /**
     * One entry of {@code files}, in either shape Zenodo has served (decision 016): the current one
     * ({@code key}, {@code size}, {@code checksum: "md5:…"}) or the older one ({@code filename},
     * {@code filesize}, a bare md5 {@code checksum}). An entry in neither shape fails the crawl: a
     * shape Revenant does not read must never be published as a mirror without files.
     */
    static ManifestEntry file(String id, int position, JsonNode f) throws CrawlException {
        String path = Json.text(f, "key");
        JsonNode size = f.path("size");
        if (path == null) {
            path = Json.text(f, "filename");
            size = f.path("filesize");
        }
        if (path == null || path.isEmpty()) {
            throw new CrawlException("record " + id + ": file " + position + " has neither key nor filename"
                    + " (a file shape Revenant does not read)");
        }
        String checksum = Json.text(f, "checksum");
        String md5 = null;
        if (checksum != null) {
            String c = checksum.strip().toLowerCase(Locale.ROOT);
            if (c.startsWith("md5:")) {
                c = c.substring(4);
            }
            md5 = MD5.matcher(c).matches() ? c : null;
        }
        return ManifestEntry.newBuilder()
                .setPath(path)
                .setSize(
                        size.isIntegralNumber() && size.canConvertToLong() && size.asLong() >= 0 ? size.asLong() : null)
                .setMd5(md5)
                .setKind(EntryKind.FILE)
                .build();
    }

    private HttpResult get(URI uri, String etag) throws CrawlException {
        return http.get(HttpFetcher.Request.get(uri).ifNoneMatch(etag).token(config.token()));
    }
}
