package org.revenant.source.ia;

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

/**
 * Internet Archive items: {@code /advancedsearch.php} for discovery, {@code /metadata/{identifier}}
 * for an item's files (size, md5, sha1). The metadata API answers {@code {}} for an item that does
 * not exist (or no longer does), and marks taken-down items {@code is_dark}.
 */
public final class InternetArchiveSource implements Source {

    /** The platform: its configuration, defaults and factory (docs/decisions/015). */
    public static final SourceDescriptor DESCRIPTOR = SourceDescriptor.api(
                    "ia",
                    InternetArchiveSource.PLATFORM,
                    "url",
                    "https://archive.org",
                    "REVENANT_IA_URL",
                    null,
                    "items",
                    "[A-Za-z0-9][A-Za-z0-9._-]*",
                    "an item identifier",
                    Duration.ofHours(12),
                    InternetArchiveSource::new)
            // Requests an hour to its host from one crawler, about one a second: the Internet Archive publishes no
            // fixed limit (decision 027).
            .budgeted(3600);

    public static final String NAME = "ia";
    public static final String PLATFORM = "ia";
    static final int ROWS = 100;
    static final int MAX_SEARCH_PAGES = 3;
    static final int MAX_FILES = 1_000_000;
    static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
    static final int MAX_TEXT_CHARS = 64 * 1024;
    private static final Pattern HEX32 = Pattern.compile("[0-9a-f]{32}");
    private static final Pattern HEX40 = Pattern.compile("[0-9a-f]{40}");

    private final SourceConfig config;
    private final HttpFetcher http;
    private final URI base;

    public InternetArchiveSource(SourceConfig config, HttpFetcher http) {
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
        // By name, and by content (decision 030): an item whose own torrent is a known one, and an
        // item whose total size is within 1 % above a known copy's (an item adds its metadata files).
        List<String> out = new ArrayList<>(terms.sortedNames());
        for (String btih : terms.sortedBtihs()) {
            out.add(Discovery.field("btih:" + btih));
        }
        for (long total : terms.sortedTotals()) {
            out.add(Discovery.field("item_size:[" + total + " TO " + (total + total / 100) + "]"));
        }
        return out;
    }

    @Override
    public Discovery discover(String query, DiscoveryTerms terms, CrawlCheckpoint previous) throws CrawlException {
        Set<String> found = new LinkedHashSet<>();
        String q = Discovery.searchText(query);
        for (int page = 1; page <= MAX_SEARCH_PAGES; page++) {
            URI uri = Urls.of(
                    base,
                    "/advancedsearch.php?q=" + Urls.param(q) + "&fl%5B%5D=identifier&rows=" + ROWS + "&page=" + page
                            + "&output=json");
            HttpResult r = http.get(HttpFetcher.Request.get(uri));
            if (r.status() != 200) {
                throw new CrawlException("advanced search '" + query + "': HTTP " + r.status());
            }
            JsonNode response = Json.expect(Json.parse(r), false, r).path("response");
            if (!response.isObject()) {
                throw new CrawlException("unexpected JSON from " + r.uri() + ": no \"response\" object");
            }
            JsonNode docs = response.path("docs");
            for (JsonNode doc : docs) {
                Discovery.accept(found, Json.text(doc, "identifier"), IDENTIFIER);
            }
            long numFound = response.path("numFound").asLong(0);
            if (docs.size() < ROWS || (long) page * ROWS >= numFound) {
                break;
            }
        }
        return new Discovery(List.copyOf(found), null);
    }

    @Override
    public String mirrorKey(String locator) {
        return PLATFORM + ":" + locator;
    }

    @Override
    public CrawlOutcome crawl(String identifier, CrawlCheckpoint previous) throws CrawlException {
        String etag = previous == null ? null : previous.getEtag();
        String details = base + "/details/" + identifier;
        HttpResult r = http.get(HttpFetcher.Request.get(Urls.of(base, "/metadata/" + Urls.path(identifier)))
                .ifNoneMatch(etag));
        if (r.notModified()) {
            return CrawlOutcome.unchanged(etag, null);
        }
        MirrorStatus status = Mirrors.forHttpStatus(r.status());
        if (status != null) {
            return CrawlOutcome.of(
                    Snapshot.status(Mirrors.withStatus(
                            mirrorKey(identifier), PLATFORM, identifier, details, status, "HTTP " + r.status())),
                    null,
                    null);
        }
        if (r.status() != 200) {
            throw new CrawlException("item " + identifier + ": HTTP " + r.status());
        }
        JsonNode item = Json.expect(Json.parse(r), false, r);
        if (item.isEmpty()) {
            return CrawlOutcome.of(
                    Snapshot.status(Mirrors.withStatus(
                            mirrorKey(identifier),
                            PLATFORM,
                            identifier,
                            details,
                            MirrorStatus.GONE,
                            "the metadata API returned {} (no such item)")),
                    r.etag(),
                    null);
        }
        JsonNode meta = item.path("metadata");
        String title = joined(meta.path("title"));
        String description = joined(meta.path("description"));
        Map<String, String> ids = new LinkedHashMap<>();
        ids.put("identifier", identifier);
        Mirror.Builder mirror = Mirror.newBuilder()
                .setKey(mirrorKey(identifier))
                .setPlatform(PLATFORM)
                .setLocator(identifier)
                .setUrl(details)
                .setTitle(title != null ? title : identifier)
                .setDescription(Mirrors.cap(description, MAX_TEXT_CHARS))
                .setOwner(joined(meta.path("uploader")))
                .setIdentifiers(ids)
                .setStatus(MirrorStatus.PRESENT);
        if (item.path("is_dark").asBoolean(false)) {
            return CrawlOutcome.of(
                    Snapshot.status(mirror.setStatus(MirrorStatus.BLOCKED)
                            .setStatusDetail("the item is dark (taken down)")
                            .build()),
                    r.etag(),
                    null);
        }
        List<ManifestEntry> entries = new ArrayList<>();
        for (JsonNode f : item.path("files")) {
            CrawlException.checkInterrupted();
            String name = Json.text(f, "name");
            if (name == null) {
                continue;
            }
            if (entries.size() >= MAX_FILES) { // the first ones are published, marked partial
                mirror.setPartial(true)
                        .setPartialReason(
                                "item has more than " + MAX_FILES + " files: the first " + MAX_FILES + " listed");
                break;
            }
            ManifestEntry.Builder entry = ManifestEntry.newBuilder()
                    .setPath(name)
                    .setSize(size(f.path("size")))
                    .setMd5(hex(Json.text(f, "md5"), HEX32))
                    .setSha1(hex(Json.text(f, "sha1"), HEX40))
                    .setKind(EntryKind.FILE);
            String btih = hex(Json.text(f, "btih"), HEX40);
            if (btih != null) {
                // The item's own torrent: the Archive gives its infohash, which names the same files
                // wherever the torrent is seeded (decision 016).
                entry.setKind(EntryKind.TORRENT_REF).setRef(btih);
                ids.putIfAbsent("btih", btih);
            }
            entries.add(entry.build());
        }
        entries.addAll(TextLinks.extract(description, "description"));
        mirror.setIdentifiers(ids);
        return CrawlOutcome.of(
                new Snapshot(mirror.build(), entries, Mirrors.cap(description, MAX_TEXT_CHARS)), r.etag(), null);
    }

    /** IA writes sizes as strings ("91124295076"). */
    private static Long size(JsonNode node) {
        if (node.isNumber()) {
            return node.asLong();
        }
        if (node.isTextual()) {
            try {
                return Long.parseLong(node.asText().strip());
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return null;
    }

    private static String hex(String value, Pattern shape) {
        if (value == null) {
            return null;
        }
        String v = value.strip().toLowerCase(Locale.ROOT);
        return shape.matcher(v).matches() ? v : null;
    }

    /** Metadata fields are a string or a list of strings. */
    private static String joined(JsonNode node) {
        if (node.isTextual()) {
            return node.asText();
        }
        if (node.isArray()) {
            List<String> parts = new ArrayList<>();
            node.forEach(n -> parts.add(n.asText()));
            return String.join("\n", parts);
        }
        return null;
    }
}
