package org.revenant.source.hf;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hugging Face datasets through the Hub API: {@code /api/datasets?search=} for discovery;
 * {@code /api/datasets/{id}} (gated, disabled, private, cardData), the recursive tree with LFS
 * SHA-256s (following {@code Link} pages) and the README for each dataset.
 */
public final class HuggingFaceSource implements Source {

    /** The platform: its configuration, defaults and factory (docs/decisions/015). */
    public static final SourceDescriptor DESCRIPTOR = SourceDescriptor.api(
            "hf",
            HuggingFaceSource.PLATFORM,
            "apiUrl",
            "https://huggingface.co",
            "REVENANT_HF_API_URL",
            "HF_TOKEN",
            "datasets",
            "([A-Za-z0-9][A-Za-z0-9._-]*/)?[A-Za-z0-9][A-Za-z0-9._-]*",
            "owner/name",
            Duration.ofHours(6),
            HuggingFaceSource::new);

    public static final String NAME = "hf";
    public static final String PLATFORM = "hf";
    static final int MAX_SEARCH_PAGES = 3;
    static final int MAX_TREE_PAGES = 2_000;
    static final int MAX_ENTRIES = 1_000_000;
    static final int MAX_TEXT_CHARS = 64 * 1024;
    static final int MAX_README_BYTES = 1024 * 1024;
    static final Pattern DATASET = Pattern.compile("([A-Za-z0-9][A-Za-z0-9._-]*/)?[A-Za-z0-9][A-Za-z0-9._-]*");
    private static final Logger LOG = LoggerFactory.getLogger(HuggingFaceSource.class);
    static final String DISABLED_MESSAGE = "Access to this resource is disabled.";

    private final SourceConfig config;
    private final HttpFetcher http;
    private final URI api;

    private final int maxTreePages;
    private final int maxEntries;

    public HuggingFaceSource(SourceConfig config, HttpFetcher http) {
        this(config, http, MAX_TREE_PAGES, MAX_ENTRIES);
    }

    /** Smaller caps let tests reach them with a handful of requests. */
    HuggingFaceSource(SourceConfig config, HttpFetcher http, int maxTreePages, int maxEntries) {
        this.config = config;
        this.http = http;
        this.api = config.url();
        this.maxTreePages = maxTreePages;
        this.maxEntries = maxEntries;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<String> queries(DiscoveryTerms terms) {
        return config.discover() ? terms.sortedNames() : List.of();
    }

    @Override
    public Discovery discover(String query, DiscoveryTerms terms, CrawlCheckpoint previous) throws CrawlException {
        URI next = Urls.of(api, "/api/datasets?search=" + Urls.param(query) + "&limit=100");
        Set<String> found = new LinkedHashSet<>();
        for (int page = 0; page < MAX_SEARCH_PAGES && next != null; page++) {
            HttpResult r = get(next, null);
            if (r.status() != 200) {
                throw new CrawlException("dataset search '" + query + "': HTTP " + r.status() + " " + errorMessage(r));
            }
            for (JsonNode item : Json.expect(Json.parse(r), true, r)) {
                Discovery.accept(found, Json.text(item, "id"), DATASET);
            }
            String link = Json.nextLink(r);
            next = link == null ? null : Urls.sameOrigin(api, link);
        }
        return new Discovery(List.copyOf(found), null);
    }

    @Override
    public String mirrorKey(String locator) {
        return PLATFORM + ":datasets/" + locator;
    }

    @Override
    public CrawlOutcome crawl(String requested, CrawlCheckpoint previous) throws CrawlException {
        String id = requested;
        String etag = previous == null ? null : previous.getEtag();
        String lastSha = previous == null ? null : previous.getLastTreeSha();
        String web = api + "/datasets/" + id;
        HttpResult r = get(Urls.of(api, "/api/datasets/" + Urls.path(id)), etag);
        if (r.notModified()) {
            return CrawlOutcome.unchanged(etag, lastSha);
        }
        MirrorStatus status = statusOf(r);
        if (status != null) {
            return CrawlOutcome.of(
                    Snapshot.status(Mirrors.withStatus(
                            mirrorKey(id),
                            PLATFORM,
                            "datasets/" + id,
                            web,
                            status,
                            "HTTP " + r.status() + describeError(r))),
                    null,
                    null);
        }
        if (r.status() != 200) {
            throw new CrawlException("dataset " + id + ": HTTP " + r.status() + " " + errorMessage(r));
        }
        JsonNode info = Json.expect(Json.parse(r), false, r);
        List<Snapshot> renamedFrom = new ArrayList<>();
        String oldKey = null;
        String canonical = Json.text(info, "id");
        if (canonical != null
                && !canonical.equals(id)
                && DATASET.matcher(canonical).matches()) {
            // Renamed: the Hub redirected (307) or answered under the repository's current name. One
            // mirror, keyed by that name; the old key is closed as GONE pointing at it (decision 016).
            Map<String, String> moved = new LinkedHashMap<>();
            moved.put("renamedTo", mirrorKey(canonical));
            if (Json.text(info, "_id") != null) {
                moved.put("_id", Json.text(info, "_id"));
            }
            Mirror old = Mirrors.withStatus(
                    mirrorKey(id), PLATFORM, "datasets/" + id, web, MirrorStatus.GONE, "renamed to " + canonical);
            old.setIdentifiers(moved);
            renamedFrom.add(Snapshot.status(old));
            oldKey = mirrorKey(id);
            id = canonical;
            web = api + "/datasets/" + id;
        }
        String sha = Json.text(info, "sha");
        String gated = info.path("gated").isTextual() ? info.path("gated").asText() : null;
        Map<String, String> ids = new LinkedHashMap<>();
        if (Json.text(info, "_id") != null) {
            ids.put("_id", Json.text(info, "_id")); // stable across renames
        }
        if (oldKey != null) {
            ids.put("renamedFrom", oldKey); // the streams app carries the old key's alerts here
        }
        if (sha != null) {
            ids.put("sha", sha);
        }
        if (gated != null) {
            ids.put("gated", gated);
        }
        String name = id.substring(id.lastIndexOf('/') + 1);
        JsonNode card = info.path("cardData");
        Mirror.Builder mirror = Mirror.newBuilder()
                .setKey(mirrorKey(id))
                .setPlatform(PLATFORM)
                .setLocator("datasets/" + id)
                .setUrl(web)
                .setTitle(name)
                .setDescription(Json.text(info, "description"))
                .setOwner(Json.text(info, "author"))
                .setIdentifiers(ids)
                .setStatus(MirrorStatus.PRESENT);
        if (info.path("disabled").asBoolean(false)) {
            return new CrawlOutcome(
                    Snapshot.status(mirror.setStatus(MirrorStatus.DISABLED)
                            .setStatusDetail("disabled on the Hub")
                            .build()),
                    renamedFrom,
                    r.etag(),
                    sha,
                    Map.of());
        }
        if (info.path("private").asBoolean(false)) {
            return new CrawlOutcome(
                    Snapshot.status(mirror.setStatus(MirrorStatus.PRIVATE).build()),
                    renamedFrom,
                    r.etag(),
                    sha,
                    Map.of());
        }
        if (gated != null) {
            mirror.setStatus(MirrorStatus.GATED)
                    .setStatusDetail("gated (" + gated + "): files need an accepted request");
        }
        String revision = sha != null ? sha : "main";
        List<ManifestEntry> entries = new ArrayList<>();
        String partial = tree(id, revision, entries);
        if (partial != null) {
            mirror.setPartial(true).setPartialReason(partial);
        }
        String readme = readme(id, revision);
        entries.addAll(TextLinks.extract(readme, "README.md"));
        StringBuilder text = new StringBuilder();
        append(text, Json.text(info, "description"));
        append(text, Json.text(card, "pretty_name"));
        if (card.isObject()) {
            append(text, "cardData: " + card);
        }
        append(text, readme);
        return new CrawlOutcome(
                new Snapshot(mirror.build(), entries, Mirrors.cap(text.toString(), MAX_TEXT_CHARS)),
                renamedFrom,
                r.etag(),
                sha,
                Map.of());
    }

    /**
     * Lists the tree into {@code entries}, page by page.
     *
     * @return why the listing stops short (a cap was reached; what was listed is kept), or null
     */
    private String tree(String id, String revision, List<ManifestEntry> entries) throws CrawlException {
        URI next = Urls.of(
                api,
                "/api/datasets/" + Urls.path(id) + "/tree/" + Urls.param(revision) + "?recursive=true&expand=false");
        for (int page = 0; next != null; page++) {
            CrawlException.checkInterrupted();
            if (page >= maxTreePages) {
                // More pages must not hide the files already listed: publish those, marked partial.
                return "tree has more than " + maxTreePages + " pages: " + entries.size()
                        + " files listed from the first " + maxTreePages;
            }
            HttpResult r = get(next, null);
            if (r.status() == 401 || r.status() == 403) {
                return null; // gated: the listing needs an accepted access request
            }
            if (r.status() != 200) {
                throw new CrawlException("tree of " + id + ": HTTP " + r.status() + " " + errorMessage(r));
            }
            for (JsonNode item : Json.expect(Json.parse(r), true, r)) {
                CrawlException.checkInterrupted();
                if (!"file".equals(Json.text(item, "type")) || Json.text(item, "path") == null) {
                    continue;
                }
                if (entries.size() >= maxEntries) {
                    return "tree has more than " + maxEntries + " files: the first " + maxEntries + " listed";
                }
                JsonNode lfs = item.path("lfs");
                ManifestEntry.Builder e = ManifestEntry.newBuilder()
                        .setPath(Json.text(item, "path"))
                        .setSize(item.path("size").asLong(0))
                        .setGitBlobSha1(Json.text(item, "oid"))
                        .setKind(EntryKind.FILE);
                if (lfs.isObject() && Json.text(lfs, "oid") != null) {
                    e.setLfsSha256(Json.text(lfs, "oid"));
                    if (lfs.has("size")) {
                        e.setSize(lfs.path("size").asLong());
                    }
                }
                entries.add(e.build());
            }
            String link = Json.nextLink(r);
            next = link == null ? null : Urls.sameOrigin(api, link);
        }
        return null;
    }

    /** The README, or null; one too large to read costs the text, never the listing. */
    private String readme(String id, String revision) throws CrawlException {
        HttpResult r;
        try {
            r = http.get(HttpFetcher.Request.get(Urls.of(
                            api, "/datasets/" + Urls.path(id) + "/resolve/" + Urls.param(revision) + "/README.md"))
                    .accept("text/plain, */*")
                    .token(config.token())
                    .maxBodyBytes(MAX_README_BYTES));
        } catch (CrawlException e) {
            if (e.rateLimited() || Thread.currentThread().isInterrupted()) {
                throw e;
            }
            LOG.info("{}: README not read: {}", id, e.getMessage());
            return null;
        }
        return r.status() == 200 ? Mirrors.cap(r.text(), MAX_TEXT_CHARS) : null;
    }

    /** The Hub says what is wrong in X-Error-Code / X-Error-Message headers. */
    static MirrorStatus statusOf(HttpResult r) {
        String code = r.header("X-Error-Code").orElse("");
        String message = r.header("X-Error-Message").orElse("");
        if (message.contains(DISABLED_MESSAGE) || "DisabledRepo".equals(code)) {
            return MirrorStatus.DISABLED;
        }
        if (r.status() == 451) {
            return MirrorStatus.BLOCKED;
        }
        if (r.status() == 404 || r.status() == 410 || ((r.status() == 401) && "RepoNotFound".equals(code))) {
            return MirrorStatus.GONE;
        }
        if (r.status() == 403 && "GatedRepo".equals(code)) {
            return MirrorStatus.GATED;
        }
        return null;
    }

    private static String describeError(HttpResult r) {
        String code = r.header("X-Error-Code").orElse(null);
        String message = r.header("X-Error-Message").orElse(null);
        return (code != null ? " " + code : "") + (message != null ? ": " + message : "");
    }

    private static String errorMessage(HttpResult r) {
        String m = r.header("X-Error-Message").orElse(null);
        if (m != null) {
            return m;
        }
        try {
            return String.valueOf(Json.text(Json.parse(r), "error"));
        } catch (CrawlException e) {
            return "";
        }
    }

    private HttpResult get(URI uri, String etag) throws CrawlException {
        return http.get(HttpFetcher.Request.get(uri).ifNoneMatch(etag).token(config.token()));
    }

    private static void append(StringBuilder text, String part) {
        if (part != null && !part.isBlank()) {
            if (text.length() > 0) {
                text.append("\n\n");
            }
            text.append(part);
        }
    }
}
