package org.revenant.source.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.revenant.avro.EntryKind;
import org.revenant.avro.ManifestEntry;
import org.revenant.avro.MirrorStatus;
import org.revenant.crawl.CrawlOutcome;
import org.revenant.crawl.FetchSettings;
import org.revenant.crawl.FixtureServer;
import org.revenant.crawl.HttpFetcher;
import org.revenant.crawl.Secret;
import org.revenant.crawl.Snapshot;
import org.revenant.crawl.SourceConfig;
import org.revenant.source.hf.HuggingFaceSource;

/**
 * HuggingFaceSource against huggingface_hub's recorded repo-info responses and opendal's recorded tree
 * listing (decision 016). The recordings are of models; Revenant crawls datasets, whose repo info has
 * the same fields, so they are served at the dataset paths (a recorded {@code Location} naming
 * {@code /api/models/} is rewritten to {@code /api/datasets/} accordingly).
 */
@Timeout(30)
class HuggingFaceReplayTest {

    static final String SHA = "86b5e0934494bd15c9632b12f734a8a67f723594";

    final FixtureServer server = new FixtureServer();
    final FixtureServer cdn = new FixtureServer();

    @AfterEach
    void stop() {
        server.close();
        cdn.close();
    }

    HuggingFaceSource source(Secret token) {
        SourceConfig config = new SourceConfig("hf", true, Duration.ofHours(6), server.uri(""), true, List.of(), token);
        FetchSettings settings = new FetchSettings(
                Duration.ofSeconds(2),
                Duration.ofSeconds(5),
                8 * 1024 * 1024,
                3,
                Duration.ofMillis(1),
                Duration.ofMinutes(2),
                2,
                "test");
        return new HuggingFaceSource(
                config, new HttpFetcher(settings, new ArrayList<Duration>()::add, Clock.systemUTC()));
    }

    FixtureServer.Response replay(Recordings.Exchange e) {
        FixtureServer.Response r = e.response("https://huggingface.co", server.base());
        String location = r.headers().get("location");
        return location == null ? r : r.withHeader("location", location.replace("/api/models/", "/api/datasets/"));
    }

    /** The renamed repository's current info, its tree (opendal's recording) and a README behind a CDN redirect. */
    JsonNode serveCurrent() throws Exception {
        Recordings.Exchange info =
                Recordings.hub("https://huggingface.co/api/models/google-bert/bert-base-uncased|200");
        server.on("/api/datasets/google-bert/bert-base-uncased", req -> replay(info));
        String tree = Recordings.JSON
                .readTree(Recordings.dir().resolve("opendal/tree.json").toFile())
                .toString();
        server.on(
                "/api/datasets/google-bert/bert-base-uncased/tree/" + SHA + "?recursive=true&expand=false",
                req -> FixtureServer.json(200, tree));
        // Not recorded: resolve/ URLs redirect to a CDN host, as the Hub documents for LFS files.
        server.on(
                "/datasets/google-bert/bert-base-uncased/resolve/" + SHA + "/README.md",
                req -> FixtureServer.json(302, "").withHeader("Location", cdn.base() + "/repos/ab/cd/README.md?sig=1"));
        cdn.on(
                "/repos/ab/cd/README.md?sig=1",
                req -> FixtureServer.bytes(
                        200,
                        "# BERT base\nmirror: https://example.org/bert.tar".getBytes(StandardCharsets.UTF_8),
                        "text/plain"));
        return Recordings.JSON.readTree(info.body());
    }

    void assertOneMirrorUnderTheNewName(CrawlOutcome out, JsonNode info) throws Exception {
        assertEquals(
                "hf:datasets/google-bert/bert-base-uncased",
                out.snapshot().mirror().getKey());
        assertEquals(
                info.path("_id").asText(),
                out.snapshot().mirror().getIdentifiers().get("_id"));
        assertEquals(SHA, out.treeSha());
        List<ManifestEntry> files = out.snapshot().entries().stream()
                .filter(e -> e.getKind() == EntryKind.FILE)
                .toList();
        JsonNode recorded = Recordings.json("opendal/tree.json").get(0);
        assertEquals(1, files.size(), "the directory entry is not a file");
        assertEquals(recorded.path("path").asText(), files.get(0).getPath());
        assertEquals(recorded.path("lfs").path("oid").asText(), files.get(0).getLfsSha256());
        assertEquals(recorded.path("lfs").path("size").asLong(), files.get(0).getSize());
        assertEquals(recorded.path("oid").asText(), files.get(0).getGitBlobSha1());

        assertEquals(1, out.discovered().size());
        Snapshot old = out.discovered().get(0);
        assertEquals("hf:datasets/bert-base-uncased", old.mirror().getKey());
        assertEquals(MirrorStatus.GONE, old.mirror().getStatus());
        assertEquals(
                "hf:datasets/google-bert/bert-base-uncased",
                old.mirror().getIdentifiers().get("renamedTo"));
        assertEquals(
                "hf:datasets/bert-base-uncased",
                out.snapshot().mirror().getIdentifiers().get("renamedFrom"));
        assertEquals(0, server.count("/api/datasets/bert-base-uncased/"), "the tree is asked under the new name");
    }

    @Test
    void aRecorded307RenameKeepsOneMirrorUnderTheNameTheHubReturns() throws Exception {
        JsonNode info = serveCurrent();
        Recordings.Exchange moved = Recordings.hub("https://huggingface.co/api/models/bert-base-uncased|307");
        assertEquals(307, moved.status());
        server.on("/api/datasets/bert-base-uncased", req -> replay(moved));
        CrawlOutcome out = source(null).crawl("bert-base-uncased", null);
        assertOneMirrorUnderTheNewName(out, info);
        assertTrue(out.snapshot().text().contains("# BERT base"), "the README, read from the CDN");
    }

    @Test
    void anIdDifferentFromTheRequestedOneIsARenameToo() throws Exception {
        JsonNode info = serveCurrent();
        server.on("/api/datasets/bert-base-uncased", req -> FixtureServer.json(200, info.toString()));
        assertOneMirrorUnderTheNewName(source(null).crawl("bert-base-uncased", null), info);
    }

    @Test
    void theTokenGoesToTheHubButNotToTheCdnItRedirectsTo() throws Exception {
        serveCurrent();
        CrawlOutcome out = source(Secret.ofNullable("hf_replay")).crawl("google-bert/bert-base-uncased", null);
        assertEquals(0, out.discovered().size(), "asked under its own name: no rename");
        assertTrue(server.requests().stream().allMatch(r -> "Bearer hf_replay".equals(r.header("Authorization"))));
        assertEquals(1, cdn.requests().size());
        assertNull(cdn.requests().get(0).header("Authorization"), "the token stays with its host");
        assertTrue(out.snapshot().text().contains("# BERT base"));
    }

    @Test
    void aRecordedGatedRepositoryIsGated() throws Exception {
        Recordings.Exchange info =
                Recordings.hub("https://huggingface.co/api/models/meta-llama/Llama-3.1-8B-Instruct|200");
        server.on("/api/datasets/meta-llama/Llama-3.1-8B-Instruct", req -> replay(info));
        // Not recorded: the Hub documents 403 with X-Error-Code GatedRepo for a gated tree without an accepted request.
        server.on(
                "/api/datasets/meta-llama/Llama-3.1-8B-Instruct/tree/*",
                req -> FixtureServer.json(
                        403, "{\"error\":\"Access to dataset is restricted\"}", "X-Error-Code", "GatedRepo"));
        CrawlOutcome out = source(null).crawl("meta-llama/Llama-3.1-8B-Instruct", null);
        assertEquals(MirrorStatus.GATED, out.snapshot().mirror().getStatus());
        assertEquals("manual", out.snapshot().mirror().getIdentifiers().get("gated"));
        assertEquals(
                "6698d8a0653e4babe21e1e7d",
                out.snapshot().mirror().getIdentifiers().get("_id"));
        assertEquals(0, out.discovered().size());
    }
}
