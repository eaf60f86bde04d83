package org.revenant.source.hf;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
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
import org.revenant.crawl.Sweep;
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
                    HuggingFaceSource::new)
            // Datasets by last modification, the candidates' trees fetched once each, one a second,
            // 100 per crawl --once (decision 029).
            .sweeping(new Sweep(true, 1, 100))
            // Requests an hour to its host from one crawler, under the Hub's 500 per 5 minutes (decision 027).
            .budgeted(5000);

    /** The discovery query of the sweep (decision 029). */
    static final String SWEEP_QUERY = "sweep:lastModified";
    /** Listing pages (100 datasets each) one run of the sweep reads, new changes and backlog together. */
    static final int SWEEP_PAGES_PER_RUN = 20;
    /** Checkpoint keys: the newest change seen so far, and where the first pass goes on. */
    static final String NEWEST = "hf.sweep.newest";

    static final String BACKLOG = "hf.sweep.backlog";
    static final String LISTED = "hf.sweep.listed";
    private static final int MAX_SIBLINGS_CHECKED = 10_000;
    /**
     * Files whose names say "a dump of data": archives, record and index files, TSV tables, arrays;
     * not Parquet or CSV, which the Hub itself makes of most datasets (decision 029).
     */
    private static final Pattern DATA_FILE = Pattern.compile(
            "(?i).*\\.(tsv|rec|idx|lst|bin|npy|npz|mat|h5|hdf5|zip|7z|rar|tar|tgz|gz|bz2|xz|zst|lmdb|mdb)$");

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
    private final int sweepPagesPerRun;

    public HuggingFaceSource(SourceConfig config, HttpFetcher http) {
        this(config, http, MAX_TREE_PAGES, MAX_ENTRIES);
    }

    /** Smaller caps let tests reach them with a handful of requests. */
    HuggingFaceSource(SourceConfig config, HttpFetcher http, int maxTreePages, int maxEntries) {
        this(config, http, maxTreePages, maxEntries, SWEEP_PAGES_PER_RUN);
    }

    HuggingFaceSource(SourceConfig config, HttpFetcher http, int maxTreePages, int maxEntries, int sweepPagesPerRun) {
        this.config = config;
        this.http = http;
        this.api = config.url();
        this.maxTreePages = maxTreePages;
        this.maxEntries = maxEntries;
        this.sweepPagesPerRun = sweepPagesPerRun;
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
        List<String> out = new ArrayList<>(terms.sortedNames());
        if (config.sweep().enabled()) {
            out.add(SWEEP_QUERY);
        }
        return out;
    }

    @Override
    public Discovery discover(String query, DiscoveryTerms terms, CrawlCheckpoint previous) throws CrawlException {
        if (query.equals(SWEEP_QUERY)) {
            return sweep(terms, previous);
        }
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

    /**
     * One run of the sweep (decision 029): the Hub's datasets newest change first, read from the top
     * down to the newest change an earlier run saw, then the first pass's backlog from where it
     * stopped, at most {@value #SWEEP_PAGES_PER_RUN} pages in all. A dataset whose file names look
     * like data (a registry file name, or an archive, record, table or array file) is a candidate:
     * in the first pass its tree is fetched once, as a sweep entry; one that changed since an
     * earlier run is crawled at once, as a search result would be (a dataset, unlike a torrent, can
     * gain files). Either way it is matched by sizes and hashes like any mirror.
     */
    private Discovery sweep(DiscoveryTerms terms, CrawlCheckpoint previous) throws CrawlException {
        Map<String, String> kept = previous == null ? Map.of() : previous.getExtra();
        Instant newestBefore = instant(kept.get(NEWEST));
        String backlog = kept.get(BACKLOG);
        boolean firstPass = newestBefore == null;
        Set<String> names = new LinkedHashSet<>();
        terms.fileNames().forEach(n -> names.add(n.toLowerCase(Locale.ROOT)));
        Set<String> candidates = new LinkedHashSet<>();
        Set<String> changed = new LinkedHashSet<>(); // changed since an earlier run: crawled now, swept or not
        Instant newest = newestBefore;
        long listed = parseLong(kept.get(LISTED));
        int pages = 0;
        URI next = Urls.of(api, "/api/datasets?sort=lastModified&direction=-1&limit=100&full=true");
        boolean caughtUp = false;
        // New changes since the last run, newest first.
        while (next != null && pages < sweepPagesPerRun && !caughtUp) {
            HttpResult r = get(next, null);
            pages++;
            if (r.status() != 200) {
                throw new CrawlException("dataset listing: HTTP " + r.status() + " " + errorMessage(r));
            }
            for (JsonNode item : Json.expect(Json.parse(r), true, r)) {
                Instant modified = instant(Json.text(item, "lastModified"));
                if (!firstPass && modified != null && !modified.isAfter(newestBefore)) {
                    caughtUp = true;
                    break;
                }
                if (modified != null && (newest == null || modified.isAfter(newest))) {
                    newest = modified;
                }
                listed++;
                consider(item, names, firstPass ? candidates : changed);
            }
            String link = Json.nextLink(r);
            next = link == null ? null : Urls.sameOrigin(api, link);
        }
        if (firstPass) {
            backlog = next == null ? null : next.toString(); // the rest of the first pass, for later runs
        }
        // The first pass's backlog, where the last run left it.
        URI more = backlog == null || firstPass ? null : Urls.sameOrigin(api, backlog);
        while (more != null && pages < sweepPagesPerRun) {
            HttpResult r = get(more, null);
            pages++;
            if (r.status() != 200) {
                throw new CrawlException("dataset listing (first pass): HTTP " + r.status() + " " + errorMessage(r));
            }
            for (JsonNode item : Json.expect(Json.parse(r), true, r)) {
                listed++;
                consider(item, names, candidates);
            }
            String link = Json.nextLink(r);
            more = link == null ? null : Urls.sameOrigin(api, link);
            backlog = more == null ? null : more.toString();
        }
        Map<String, String> state = new HashMap<>();
        state.put(NEWEST, newest == null ? null : newest.toString());
        state.put(BACKLOG, backlog);
        state.put(LISTED, Long.toString(listed));
        LOG.info(
                "hf sweep: {} page(s) read, {} changed candidate(s), {} to sweep; {} dataset(s) listed so far{}",
                pages,
                changed.size(),
                candidates.size(),
                listed,
                backlog == null ? ", first pass complete" : ", first pass goes on");
        List<String> now = changed.stream().limit(Discovery.MAX_LOCATORS).toList();
        return new Discovery(now, null, List.copyOf(candidates), state);
    }

    /** A dataset is a candidate when one of its first file names is the registry's or looks like data. */
    private static void consider(JsonNode item, Set<String> registryNames, Set<String> candidates) {
        String id = Json.text(item, "id");
        if (id == null || !DATASET.matcher(id).matches() || id.length() > Discovery.MAX_LOCATOR_CHARS) {
            return;
        }
        int checked = 0;
        for (JsonNode sibling : item.path("siblings")) {
            if (++checked > MAX_SIBLINGS_CHECKED) {
                break;
            }
            String path = Json.text(sibling, "rfilename");
            if (path == null) {
                continue;
            }
            String base = path.substring(path.lastIndexOf('/') + 1).toLowerCase(Locale.ROOT);
            if (base.length() > 255) {
                continue; // longer than any file system allows: not a file anyone downloads
            }
            if (registryNames.contains(base) || DATA_FILE.matcher(base).matches()) {
                candidates.add(id);
                return;
            }
        }
    }

    private static Instant instant(String text) {
        if (text == null) {
            return null;
        }
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static long parseLong(String text) {
        try {
            return text == null ? 0 : Long.parseLong(text);
        } catch (NumberFormatException e) {
            return 0;
        }
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
