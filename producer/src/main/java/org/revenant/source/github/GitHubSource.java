package org.revenant.source.github;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
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
import org.revenant.source.torrent.TorrentException;
import org.revenant.source.torrent.TorrentManifest;
import org.revenant.source.torrent.TorrentManifests;
import org.revenant.source.torrent.TorrentMetainfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * GitHub through its REST API: repository and code search for discovery; for a repository, its
 * metadata (conditional on the last ETag), the recursive tree (walked subtree by subtree when
 * GitHub truncates it), Git LFS pointers behind {@code .gitattributes} patterns, {@code .torrent}
 * files read through the blobs API, and the README with the magnets and download links in it.
 */
public final class GitHubSource implements Source {

    /** The platform: its configuration, defaults and factory (docs/decisions/015). */
    public static final SourceDescriptor DESCRIPTOR = SourceDescriptor.api(
                    "github",
                    GitHubSource.PLATFORM,
                    "apiUrl",
                    "https://api.github.com",
                    "REVENANT_GITHUB_API_URL",
                    "GITHUB_TOKEN",
                    "repos",
                    "[A-Za-z0-9][A-Za-z0-9-]*/[A-Za-z0-9._-]+",
                    "owner/repo",
                    Duration.ofHours(6),
                    GitHubSource::new)
            // Requests an hour to its host from one crawler, under GitHub's 5,000 an hour with a token (without one
            // GitHub allows 60) (decision 027).
            .budgeted(4500);

    public static final String NAME = "github";
    public static final String PLATFORM = "github";
    static final int MAX_SEARCH_PAGES = 3;
    static final int MAX_TREE_ENTRIES = 1_000_000;
    static final int MAX_SUBTREE_REQUESTS = 5_000;
    static final int MAX_LFS_POINTERS = 500;
    static final int MAX_TORRENTS = 20;
    static final long MAX_TORRENT_BYTES = 10L * 1024 * 1024;
    static final int MAX_README_CHARS = 64 * 1024;
    static final int MAX_README_RESPONSE_BYTES = 4 * 1024 * 1024;

    private static final Logger LOG = LoggerFactory.getLogger(GitHubSource.class);
    private static final String ACCEPT = "application/vnd.github+json";
    static final Pattern REPOSITORY = Pattern.compile("[A-Za-z0-9][A-Za-z0-9-]*/[A-Za-z0-9._-]+");

    private final SourceConfig config;
    private final HttpFetcher http;
    private final URI api;

    private final int maxTreeEntries;
    private final int maxSubtreeRequests;

    public GitHubSource(SourceConfig config, HttpFetcher http) {
        this(config, http, MAX_TREE_ENTRIES, MAX_SUBTREE_REQUESTS);
    }

    /** Smaller caps let tests reach them with a handful of requests. */
    GitHubSource(SourceConfig config, HttpFetcher http, int maxTreeEntries, int maxSubtreeRequests) {
        this.config = config;
        this.http = http;
        this.api = config.url();
        this.maxTreeEntries = maxTreeEntries;
        this.maxSubtreeRequests = maxSubtreeRequests;
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
        List<String> out = new ArrayList<>();
        for (String name : terms.sortedNames()) {
            out.add("repos:\"" + name + "\"");
        }
        if (config.token() != null) { // code search needs authentication
            for (String file : terms.sortedFileNames()) {
                out.add("code:filename:\"" + file + "\"");
            }
            for (String btih : terms.sortedBtihs()) {
                out.add("code:" + btih);
            }
            // Git LFS pointers (decision 028): a renamed copy's pointer still says the file's exact size
            // and SHA-256. Words and numbers only, so the query means the same whether or not the
            // search keeps punctuation and quotes.
            for (long size : terms.sortedSizes()) {
                out.add("code:" + lfsSizeQuery(size));
            }
            for (String sha256 : terms.sortedSha256s()) {
                out.add("code:" + lfsOidQuery(sha256));
            }
        }
        return out;
    }

    /** Code search for Git LFS pointer files that give this exact size ({@code size <bytes>}). */
    static String lfsSizeQuery(long size) {
        return "size " + size + " oid sha256";
    }

    /** Code search for Git LFS pointer files of this content ({@code oid sha256:<hex>}). */
    static String lfsOidQuery(String sha256) {
        return "oid sha256 " + sha256;
    }

    @Override
    public Optional<String> limitation() {
        if (!config.discover() || config.token() != null) {
            return Optional.empty();
        }
        return Optional.of("github: GITHUB_TOKEN is not set, so code search is off: copies are found by repository"
                + " name only, not by file names, infohashes or Git LFS pointers (sizes, SHA-256)");
    }

    @Override
    public Discovery discover(String query, DiscoveryTerms terms, CrawlCheckpoint previous) throws CrawlException {
        boolean code = query.startsWith("code:");
        String q = query.substring(query.indexOf(':') + 1);
        URI next = Urls.of(
                api, (code ? "/search/code" : "/search/repositories") + "?q=" + Urls.param(q) + "&per_page=100");
        Set<String> found = new LinkedHashSet<>();
        for (int page = 0; page < MAX_SEARCH_PAGES && next != null; page++) {
            HttpResult r = get(next, null, ACCEPT);
            if (r.status() != 200) {
                throw failure("search " + query, r);
            }
            JsonNode items = Json.expect(Json.parse(r), false, r).path("items");
            for (JsonNode item : items) {
                String fullName = code ? Json.text(item.path("repository"), "full_name") : Json.text(item, "full_name");
                Discovery.accept(found, fullName, REPOSITORY);
            }
            String link = Json.nextLink(r);
            next = link == null ? null : Urls.sameOrigin(api, link);
        }
        return new Discovery(List.copyOf(found), null);
    }

    @Override
    public String mirrorKey(String locator) {
        return PLATFORM + ":" + locator.toLowerCase(Locale.ROOT);
    }

    @Override
    public CrawlOutcome crawl(String requested, CrawlCheckpoint previous) throws CrawlException {
        String locator = requested;
        String key = mirrorKey(locator);
        String repoPath = "/repos/" + Urls.path(locator);
        String etag = previous == null ? null : previous.getEtag();
        String lastTree = previous == null ? null : previous.getLastTreeSha();
        HttpResult r = get(Urls.of(api, repoPath), etag, ACCEPT);
        if (r.notModified()) {
            return CrawlOutcome.unchanged(etag, lastTree);
        }
        String htmlUrl = "https://github.com/" + locator;
        MirrorStatus gone = Mirrors.forHttpStatus(r.status());
        if (gone != null || (r.status() == 403 && r.text().contains("access blocked"))) {
            MirrorStatus status = gone != null ? gone : MirrorStatus.BLOCKED;
            return CrawlOutcome.of(
                    Snapshot.status(Mirrors.withStatus(
                            key,
                            PLATFORM,
                            locator.toLowerCase(Locale.ROOT),
                            htmlUrl,
                            status,
                            "HTTP " + r.status() + ": " + message(r))),
                    null,
                    null);
        }
        if (r.status() != 200) {
            throw failure("repository " + locator, r);
        }
        JsonNode repo = Json.expect(Json.parse(r), false, r);
        String fullName = orElse(Json.text(repo, "full_name"), locator);
        Snapshot renamedFrom = null;
        String oldKey = null;
        if (!fullName.equalsIgnoreCase(locator) && REPOSITORY.matcher(fullName).matches()) {
            // Renamed or transferred: GitHub answered (through a 301 to /repositories/<id>) with the
            // repository's current name. One mirror, keyed by that name; the old key is closed as
            // GONE pointing at it (decision 016), and the tree and README are read under it.
            renamedFrom = renamed(key, locator, fullName, Json.text(repo, "id"));
            oldKey = key;
            locator = fullName;
            key = mirrorKey(fullName);
            repoPath = "/repos/" + Urls.path(fullName);
            htmlUrl = "https://github.com/" + fullName;
        }
        String branch = Json.text(repo, "default_branch"); // none: nothing was ever pushed (an empty repository)
        Mirror.Builder mirror = Mirror.newBuilder()
                .setKey(key)
                .setPlatform(PLATFORM)
                .setLocator(locator.toLowerCase(Locale.ROOT))
                .setUrl(orElse(Json.text(repo, "html_url"), htmlUrl))
                .setTitle(orElse(Json.text(repo, "name"), fullName))
                .setDescription(Json.text(repo, "description"))
                .setOwner(Json.text(repo.path("owner"), "login"))
                .setStatus(MirrorStatus.PRESENT);
        Map<String, String> ids = new LinkedHashMap<>();
        ids.put("fullName", fullName);
        if (oldKey != null) {
            ids.put("renamedFrom", oldKey); // the streams app carries the old key's alerts here
        }
        if (Json.text(repo, "id") != null) {
            ids.put("id", Json.text(repo, "id"));
        }
        if (branch != null) {
            ids.put("defaultBranch", branch);
        }
        if (repo.path("disabled").asBoolean(false)) {
            return new CrawlOutcome(
                    Snapshot.status(mirror.setStatus(MirrorStatus.DISABLED)
                            .setStatusDetail("disabled by GitHub")
                            .setIdentifiers(ids)
                            .build()),
                    also(renamedFrom),
                    r.etag(),
                    null,
                    Map.of());
        }
        if (repo.path("private").asBoolean(false)) {
            return new CrawlOutcome(
                    Snapshot.status(mirror.setStatus(MirrorStatus.PRIVATE)
                            .setIdentifiers(ids)
                            .build()),
                    also(renamedFrom),
                    r.etag(),
                    null,
                    Map.of());
        }

        Tree tree = branch == null || branch.isBlank() ? new Tree(null, List.of(), null) : tree(repoPath, branch);
        if (tree.sha != null) {
            ids.put("treeSha", tree.sha);
        }
        if (tree.partial != null) {
            LOG.info("{}: partial listing: {}", key, tree.partial);
            mirror.setPartial(true).setPartialReason(tree.partial);
        }
        List<ManifestEntry> entries = new ArrayList<>(tree.entries.size());
        List<Snapshot> torrents = new ArrayList<>(also(renamedFrom));
        GitAttributes lfs = lfsPatterns(repoPath, tree.entries);
        int pointers = 0;
        int torrentFiles = 0;
        for (TreeEntry e : tree.entries) {
            CrawlException.checkInterrupted();
            ManifestEntry.Builder entry = ManifestEntry.newBuilder()
                    .setPath(e.path)
                    .setSize(e.size)
                    .setGitBlobSha1(e.sha)
                    .setKind(EntryKind.FILE);
            if (lfs != null
                    && e.size < LfsPointer.MAX_POINTER_BYTES
                    && e.size >= 100
                    && pointers < MAX_LFS_POINTERS
                    && lfs.tracked(e.path)) {
                pointers++;
                LfsPointer pointer = LfsPointer.parse(blob(repoPath, e, LfsPointer.MAX_POINTER_BYTES));
                if (pointer != null) {
                    entry.setLfsSha256(pointer.sha256()).setSize(pointer.size());
                }
            } else if (e.path.toLowerCase(Locale.ROOT).endsWith(".torrent")
                    && e.size <= MAX_TORRENT_BYTES
                    && torrentFiles < MAX_TORRENTS) {
                torrentFiles++;
                byte[] bytes = blob(repoPath, e, (int) MAX_TORRENT_BYTES);
                if (bytes != null) {
                    try {
                        TorrentMetainfo meta = TorrentMetainfo.parse(bytes);
                        entry.setKind(EntryKind.TORRENT_REF).setRef(meta.btih() != null ? meta.btih() : meta.btmh());
                        String where = "https://github.com/" + fullName + "/blob/" + branch + "/" + e.path;
                        TorrentManifest inside = TorrentManifests.fromMetainfo(meta, where);
                        torrents.add(new Snapshot(inside.mirror(), inside.entries(), null));
                    } catch (TorrentException | RuntimeException | StackOverflowError ex) {
                        // One unreadable .torrent costs its TORRENT_REF, not the repository's listing.
                        LOG.info("{}: {} is not a readable .torrent: {}", key, e.path, ex.toString());
                    }
                }
            }
            entries.add(entry.build());
        }

        if (lfs != null && lfs.exhausted()) {
            LOG.info("{}: .gitattributes patterns too costly to check on every path; later files not read as LFS", key);
        }
        String description = Json.text(repo, "description");
        Readme readme = readme(repoPath);
        entries.addAll(TextLinks.extract(description, "description"));
        if (readme != null) {
            entries.addAll(TextLinks.extract(readme.text, readme.path));
        }
        String text = join(description, readme == null ? null : readme.text);
        Snapshot snapshot =
                new Snapshot(mirror.setIdentifiers(ids).build(), entries, Mirrors.cap(text, MAX_README_CHARS));
        return new CrawlOutcome(snapshot, torrents, r.etag(), tree.sha, Map.of());
    }

    /** The snapshot that closes a repository's old key after a rename, pointing at the new one. */
    private Snapshot renamed(String oldKey, String oldLocator, String fullName, String id) {
        Map<String, String> ids = new LinkedHashMap<>();
        ids.put("renamedTo", mirrorKey(fullName));
        if (id != null) {
            ids.put("id", id);
        }
        Mirror old = Mirrors.withStatus(
                oldKey,
                PLATFORM,
                oldLocator.toLowerCase(Locale.ROOT),
                "https://github.com/" + oldLocator,
                MirrorStatus.GONE,
                "renamed to " + fullName + (id != null ? " (repository id " + id + ")" : ""));
        old.setIdentifiers(ids);
        return Snapshot.status(old);
    }

    private static List<Snapshot> also(Snapshot s) {
        return s == null ? List.of() : List.of(s);
    }

    private record TreeEntry(String path, long size, String sha) {}

    /** @param partial why the listing stops short of the whole tree, or null when it is complete */
    private record Tree(String sha, List<TreeEntry> entries, String partial) {}

    private record Readme(String path, String text) {}

    /** The recursive tree; when GitHub truncates it, every subtree is fetched on its own instead. */
    private Tree tree(String repoPath, String branch) throws CrawlException {
        HttpResult r = get(Urls.of(api, repoPath + "/git/trees/" + Urls.path(branch) + "?recursive=1"), null, ACCEPT);
        if (r.status() == 409) { // "Git Repository is empty." A 404 is not: the listing failed (decision 016)
            return new Tree(null, List.of(), null);
        }
        if (r.status() != 200) {
            throw failure("tree of " + repoPath, r);
        }
        JsonNode root = Json.expect(Json.parse(r), false, r);
        String sha = Json.text(root, "sha");
        if (!root.path("truncated").asBoolean(false)) {
            List<TreeEntry> entries = new ArrayList<>();
            boolean full = addBlobs(root, "", entries);
            return new Tree(sha, entries, full ? null : tooManyFiles());
        }
        LOG.info("{}: recursive tree truncated by GitHub; walking its subtrees", repoPath);
        List<TreeEntry> entries = new ArrayList<>();
        Deque<String[]> pending = new ArrayDeque<>();
        pending.add(new String[] {sha, ""});
        int requests = 0;
        while (!pending.isEmpty()) {
            String[] next = pending.poll();
            CrawlException.checkInterrupted();
            if (++requests > maxSubtreeRequests) {
                // Adding directories must not hide the files already listed: publish those, marked partial.
                return new Tree(
                        sha,
                        entries,
                        "tree has more than " + maxSubtreeRequests + " directories: " + entries.size()
                                + " files listed from the first " + maxSubtreeRequests);
            }
            HttpResult sub = get(Urls.of(api, repoPath + "/git/trees/" + next[0]), null, ACCEPT);
            if (sub.status() != 200) {
                throw failure("subtree " + next[1] + " of " + repoPath, sub);
            }
            JsonNode node = Json.expect(Json.parse(sub), false, sub);
            if (!addBlobs(node, next[1], entries)) {
                return new Tree(sha, entries, tooManyFiles());
            }
            for (JsonNode item : node.path("tree")) {
                if ("tree".equals(Json.text(item, "type")) && Json.text(item, "sha") != null) {
                    pending.add(new String[] {Json.text(item, "sha"), next[1] + Json.text(item, "path") + "/"});
                }
            }
        }
        return new Tree(sha, entries, null);
    }

    private String tooManyFiles() {
        return "tree has more than " + maxTreeEntries + " files: the first " + maxTreeEntries + " listed";
    }

    /** @return false when the cap on files was reached (the rest of this tree is not listed) */
    private boolean addBlobs(JsonNode tree, String prefix, List<TreeEntry> into) throws CrawlException {
        for (JsonNode item : tree.path("tree")) {
            CrawlException.checkInterrupted();
            // Only regular files: trees have no size, "commit" is a submodule, 120000 a symlink.
            if (!"blob".equals(Json.text(item, "type")) || "120000".equals(Json.text(item, "mode"))) {
                continue;
            }
            String path = Json.text(item, "path");
            if (path == null) {
                continue;
            }
            if (into.size() >= maxTreeEntries) {
                return false;
            }
            into.add(new TreeEntry(prefix + path, size(item.path("size")), Json.text(item, "sha")));
        }
        return true;
    }

    /** A size as GitHub writes it; anything else (negative, fractional, beyond a long) is unknown: 0. */
    private static long size(JsonNode node) {
        return node.canConvertToLong() && node.isIntegralNumber() && node.asLong() >= 0 ? node.asLong() : 0;
    }

    private GitAttributes lfsPatterns(String repoPath, List<TreeEntry> entries) throws CrawlException {
        for (TreeEntry e : entries) {
            if (e.path.equals(".gitattributes") && e.size < 64 * 1024) {
                byte[] bytes = blob(repoPath, e, 64 * 1024);
                if (bytes != null) {
                    GitAttributes attributes = GitAttributes.parse(new String(bytes, StandardCharsets.UTF_8));
                    return attributes.isEmpty() ? null : attributes;
                }
            }
        }
        return null;
    }

    /** A blob's bytes through the blobs API (JSON, base64), or null when it cannot be read. */
    private byte[] blob(String repoPath, TreeEntry e, int maxBytes) throws CrawlException {
        HttpResult r;
        try {
            r = http.get(HttpFetcher.Request.get(Urls.of(api, repoPath + "/git/blobs/" + e.sha))
                    .accept(ACCEPT)
                    .token(config.token())
                    .maxBodyBytes(maxBytes * 4 / 3 + 4096));
        } catch (CrawlException ex) {
            if (ex.rateLimited() || Thread.currentThread().isInterrupted()) {
                throw ex;
            }
            LOG.info("{}: cannot read blob of {}: {}", repoPath, e.path, ex.getMessage());
            return null;
        }
        if (r.status() != 200) {
            LOG.info("{}: blob of {}: HTTP {}", repoPath, e.path, r.status());
            return null;
        }
        try {
            JsonNode node = Json.parse(r);
            String content = Json.text(node, "content");
            if (content == null || !"base64".equals(Json.text(node, "encoding"))) {
                return null;
            }
            return Base64.getMimeDecoder().decode(content);
        } catch (CrawlException | IllegalArgumentException ex) {
            LOG.info("{}: blob of {} unreadable: {}", repoPath, e.path, ex.getMessage());
            return null;
        }
    }

    /** The README, or null; one that is too large or unreadable costs the text, never the listing. */
    private Readme readme(String repoPath) throws CrawlException {
        HttpResult r;
        JsonNode node;
        try {
            r = http.get(HttpFetcher.Request.get(Urls.of(api, repoPath + "/readme"))
                    .accept(ACCEPT)
                    .token(config.token())
                    .maxBodyBytes(MAX_README_RESPONSE_BYTES));
            if (r.status() != 200) {
                return null;
            }
            node = Json.parse(r);
        } catch (CrawlException e) {
            if (e.rateLimited() || Thread.currentThread().isInterrupted()) {
                throw e;
            }
            LOG.info("{}: README not read: {}", repoPath, e.getMessage());
            return null;
        }
        String content = Json.text(node, "content");
        if (content == null) {
            return null;
        }
        try {
            String text = new String(Base64.getMimeDecoder().decode(content), StandardCharsets.UTF_8);
            return new Readme(orElse(Json.text(node, "path"), "README"), Mirrors.cap(text, MAX_README_CHARS));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private HttpResult get(URI uri, String etag, String accept) throws CrawlException {
        return http.get(
                HttpFetcher.Request.get(uri).accept(accept).ifNoneMatch(etag).token(config.token()));
    }

    private static CrawlException failure(String what, HttpResult r) {
        if (r.status() == 401) {
            return new CrawlException(what + ": HTTP 401, the GitHub token was refused (check GITHUB_TOKEN)");
        }
        return new CrawlException(what + ": HTTP " + r.status() + " " + message(r));
    }

    static String message(HttpResult r) {
        try {
            JsonNode node = Json.parse(r);
            String m = Json.text(node, "message");
            String reason = Json.text(node.path("block"), "reason");
            return m == null ? "" : reason == null ? m : m + " (" + reason + ")";
        } catch (CrawlException e) {
            return "";
        }
    }

    private static String orElse(String value, String fallback) {
        return value == null || value.isBlank() ? fallback : value;
    }

    static String join(String a, String b) {
        if (a == null || a.isBlank()) {
            return b;
        }
        return b == null || b.isBlank() ? a : a + "\n\n" + b;
    }
}
