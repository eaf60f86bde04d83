package org.revenant.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.revenant.avro.CrawlCheckpoint;
import org.revenant.avro.RetractedDataset;
import org.revenant.avro.Signature;
import org.revenant.avro.SignatureKind;
import org.revenant.crawl.CrawlConfig;
import org.revenant.crawl.CrawlService;
import org.revenant.detect.DetectConfig;
import org.revenant.detect.RevenantStreams;
import org.revenant.platforms.Platforms;
import org.revenant.publish.RegistryPublisher;
import org.revenant.registry.RegistryLoader;
import org.revenant.source.torrent.TorrentMetainfo;
import org.revenant.testkit.CrawlYaml;
import org.revenant.testkit.KafkaBroker;
import org.revenant.wire.TopicSetup;
import org.revenant.wire.Topics;

/**
 * From platform-shaped HTTP servers to alerts through a real broker: GitHub and Hugging Face
 * mirrors crawled with {@code revenant crawl --once}, then a repository that disappears (RESOLVED)
 * and comes back (REAPPEARED) under the continuous crawler, which works through crawl-jobs.
 */
@Tag("broker")
@Timeout(180)
class CrawlToAlertEndToEndTest {

    @RegisterExtension
    static final KafkaBroker KAFKA = new KafkaBroker();

    @TempDir
    static Path dir;

    static String prefix;
    static Topics topics;
    static RevenantStreams streams;
    static PlatformServer platforms;
    static Path config;
    static String torrentBtih;
    static byte[] torrent;

    static final String HOARDER = "github:facehoarder/celeb-faces";
    static final String CODE = "github:ml-lab/arcface-train";
    static final String HF = "hf:datasets/someone/face-pack";

    @BeforeAll
    static void start() throws Exception {
        prefix = KafkaBroker.uniquePrefix("crawl") + ".";
        topics = new Topics(prefix);
        TopicSetup.ensure(KAFKA.admin(), topics, 2, (short) 1);
        Properties client = new Properties();
        client.put("bootstrap.servers", KAFKA.bootstrapServers());

        Map<String, Long> files = new LinkedHashMap<>();
        files.put("aligned/FaceImageCroppedWithAlignment.tsv", 91_124_295_076L);
        files.put("cropped/FaceImageCroppedWithOutAlignment.tsv", 155_266_310_084L);
        torrent = Bencode.torrent("celebrity-faces", files);
        torrentBtih = TorrentMetainfo.parse(torrent).btih();
        // The real MS-Celeb-1M .torrent cannot be rebuilt here, so the registry learns this torrent's
        // infohash as one of MS-Celeb-1M's: what the test checks is the path from a .torrent in a
        // repository to a BTIH match, which is the same for any infohash.
        List<RetractedDataset> registry = new ArrayList<>();
        for (RetractedDataset d : RegistryLoader.load(Path.of("..", "registry"))) {
            if (d.getId().equals("ms-celeb-1m")) {
                List<Signature> signatures = new ArrayList<>(d.getSignatures());
                signatures.add(Signature.newBuilder()
                        .setKind(SignatureKind.BTIH)
                        .setValue(torrentBtih)
                        .setNote("test torrent standing in for the Academic Torrents copy")
                        .build());
                d = RetractedDataset.newBuilder(d).setSignatures(signatures).build();
            }
            registry.add(d);
        }
        RegistryPublisher.publish(client, topics, registry);

        platforms = new PlatformServer();
        serveHoarder(torrent);
        serveCodeRepository();
        serveHuggingFace();
        config = Files.writeString(
                dir.resolve("crawl.yaml"),
                "crawl:\n  workers: 1\n  timeout: 5s\n"
                        + CrawlYaml.only(
                                Platforms.names(),
                                Map.of(
                                        "github",
                                                "apiUrl: " + platforms.base() + "\ninterval: 2s\ndiscover: false\n"
                                                        + "repos: [FaceHoarder/celeb-faces, ml-lab/arcface-train]",
                                        "hf",
                                                "apiUrl: " + platforms.base()
                                                        + "\ninterval: 2s\ndiscover: false\ndatasets: [someone/face-pack]")));

        streams = new RevenantStreams(DetectConfig.defaults(topics), client, prefix + "detect", dir.resolve("state"));
        streams.start();
        StandaloneCommand.awaitRunning(streams.kafkaStreams());
    }

    @AfterAll
    static void stop() {
        if (streams != null) {
            streams.close();
        }
        if (platforms != null) {
            platforms.close();
        }
    }

    @Test
    void crawledMirrorsAlertWithTheRightSeveritiesThenVanishAndReappear() throws Exception {
        CliTest.Result once = cli("crawl", "--once", "--config", config.toString());
        assertEquals(0, once.exit(), once.out() + once.err());
        assertTrue(once.out().contains("github: 0 queries (0 failed), 2 mirrors to crawl"), once.out());
        assertTrue(
                once.out()
                        .contains(
                                "github: coverage: 0 search(es) and 2 watched or known mirror(s); no catalogue to sweep"),
                once.out());
        assertTrue(once.out().contains("crawled 3 mirror(s): 3 published, 0 unchanged, 0 failed"), once.out());
        assertTrue(
                platforms.seen.get(0).userAgent().startsWith("Revenant/"),
                platforms.seen.get(0).userAgent());

        JsonNode repo = awaitEvent("ms-celeb-1m|" + HOARDER, "OPENED");
        assertEquals("CONFIRMED", repo.get("severity").asText());
        assertTrue(repo.get("evidence").toString().contains("torrents/faces.torrent"), repo.toString());
        JsonNode hf = awaitEvent("ms-celeb-1m|" + HF, "OPENED");
        assertEquals("LIKELY", hf.get("severity").asText(), "a renamed file of a known exact size");
        awaitEvent("ms-celeb-1m|torrent:" + torrentBtih, "OPENED");

        // A second run resumes from the checkpoints in Kafka: conditional requests, nothing republished.
        int before = platforms.seen.size();
        CliTest.Result again = cli("crawl", "--once", "--config", config.toString(), "--source", "hf");
        assertEquals(0, again.exit(), again.out() + again.err());
        assertTrue(again.out().contains("0 published, 1 unchanged"), again.out());
        assertEquals("W/\"hf-1\"", platforms.seen.get(before).ifNoneMatch());

        // The repository is taken down...
        platforms.on(
                "/repos/FaceHoarder/celeb-faces",
                req -> PlatformServer.Reply.json(
                        404,
                        "{\"message\":\"Not Found\",\"documentation_url\":\"https://docs.github.com/rest/repos/repos#get-a-repository\"}"));
        CliTest.Result gone = cli("crawl", "--once", "--config", config.toString(), "--source", "github");
        assertEquals(0, gone.exit(), gone.out() + gone.err());
        awaitEvent("ms-celeb-1m|" + HOARDER, "RESOLVED");

        // ... and comes back, found by the continuous crawler through crawl-jobs.
        serveHoarder(torrent);
        Properties client = new Properties();
        client.put("bootstrap.servers", KAFKA.bootstrapServers());
        try (CrawlService service =
                new CrawlService(CrawlConfig.load(config, Map.of(), Platforms.ALL), client, topics, Set.of("github"))) {
            service.start();
            JsonNode back = awaitEvent("ms-celeb-1m|" + HOARDER, "REAPPEARED");
            assertEquals(1, back.get("reappearances").asInt());
        }

        for (JsonNode alert : alerts()) {
            assertTrue(!alert.get("mirrorKey").asText().equals(CODE), "a code repository that mentions MS1M: " + alert);
        }
    }

    @Test
    void aMalformedResponseIsAFailedCrawlRecordedWithItsReasonAndTheRestGoesOn() throws Exception {
        platforms.on(
                "/repos/broken/json",
                req -> PlatformServer.Reply.json(200, "{\"name\": \"json\", \"default_branch\": "));
        Path broken = Files.writeString(
                dir.resolve("broken.yaml"),
                CrawlYaml.only(
                        Platforms.names(),
                        Map.of(
                                "github",
                                "apiUrl: " + platforms.base()
                                        + "\ndiscover: false\nrepos: [broken/json, ml-lab/arcface-train]")));
        CliTest.Result run = cli("crawl", "--once", "--config", broken.toString());
        assertEquals(1, run.exit(), "a failed crawl makes --once exit 1: " + run.out() + run.err());
        assertTrue(
                Pattern.compile("(?m)^github: \\d+ crawled, \\d+ unchanged, 1 failed")
                        .matcher(run.out())
                        .find(),
                "the other mirrors are still crawled: " + run.out());
        assertTrue(
                run.out()
                        .contains("failed: github broken/json: malformed JSON from " + platforms.base()
                                + "/repos/broken/json"),
                run.out());

        Properties props = KAFKA.consumerProperties(prefix + "state-reader");
        props.put("auto.offset.reset", "earliest");
        try (KafkaConsumer<String, CrawlCheckpoint> consumer = new KafkaConsumer<>(
                props,
                new StringDeserializer(),
                topics.crawlerState.valueSerde().deserializer())) {
            consumer.subscribe(List.of(topics.crawlerState.name()));
            CrawlCheckpoint failed = null;
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (failed == null && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, CrawlCheckpoint> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.key().equals("github/broken/json")) {
                        failed = r.value();
                    }
                }
            }
            assertTrue(failed != null, "the failure is recorded in crawler-state");
            assertTrue(failed.getLastStatus().startsWith("FAILED: malformed JSON from"), failed.getLastStatus());
            assertEquals(1, failed.getFailures());
        }
    }

    @Test
    void internetArchiveZenodoAndAcademicTorrentsMirrorsAlertAndAnUnrelatedTorrentDoesNot() throws Exception {
        platforms.json("/metadata/celeb-backup-2026", platforms.resource("ia-metadata.json", Map.of()), "\"ia-1\"");
        platforms.json("/api/records/1234567", platforms.resource("zenodo-record.json", Map.of()), "\"2\"");
        byte[] tiny = Bencode.torrent("tiny-images", Map.of("data/tiny_images.bin", 243_615_796_224L));
        byte[] cifar =
                Bencode.torrent("cifar-10-batches-py", Map.of("data_batch_1", 31_035_704L, "test_batch", 31_035_526L));
        String tinyBtih = TorrentMetainfo.parse(tiny).btih();
        String cifarBtih = TorrentMetainfo.parse(cifar).btih();
        // Named after nothing in the registry: only the catalogue sweep fetches it (decision 024).
        byte[] holiday = Bencode.torrent("holiday-archive-2024", Map.of("photos/all.tsv", 91_124_295_076L));
        String holidayBtih = TorrentMetainfo.parse(holiday).btih();
        platforms.on(
                "/download/" + holidayBtih + ".torrent",
                req -> new PlatformServer.Reply(200, "application/x-bittorrent", holiday, Map.of()));
        platforms.on(
                "/database.xml",
                req -> new PlatformServer.Reply(
                        200,
                        "application/xml",
                        platforms
                                .resource(
                                        "at-database.xml",
                                        Map.of("tiny", tinyBtih, "cifar", cifarBtih, "holiday", holidayBtih))
                                .getBytes(StandardCharsets.UTF_8),
                        Map.of("ETag", "\"db-1\"")));
        platforms.on(
                "/download/" + tinyBtih + ".torrent",
                req -> new PlatformServer.Reply(200, "application/x-bittorrent", tiny, Map.of()));
        platforms.on(
                "/download/" + cifarBtih + ".torrent",
                req -> new PlatformServer.Reply(200, "application/x-bittorrent", cifar, Map.of()));
        Path file = Files.writeString(
                dir.resolve("archives.yaml"),
                CrawlYaml.only(
                        Platforms.names(),
                        Map.of(
                                "academictorrents", "url: \"" + platforms.base() + "\"",
                                "ia", "url: \"" + platforms.base() + "\"\ndiscover: false\nitems: [celeb-backup-2026]",
                                "zenodo",
                                        "url: \"" + platforms.base() + "\"\ndiscover: false\nrecords: [\"1234567\"]")));
        CliTest.Result run = cli("crawl", "--once", "--config", file.toString());
        assertEquals(0, run.exit(), run.out() + run.err());
        assertTrue(
                run.out().contains("academictorrents: 1 queries (0 failed), 1 mirrors to crawl"),
                "database.xml matched the registry's names, not CIFAR: " + run.out());

        assertEquals(
                "LIKELY",
                awaitEvent("ms-celeb-1m|ia:celeb-backup-2026", "OPENED")
                        .get("severity")
                        .asText(),
                "an Internet Archive file of a known exact size");
        assertEquals(
                "CONFIRMED",
                awaitEvent("ms-celeb-1m-v1c|zenodo:1234567", "OPENED")
                        .get("severity")
                        .asText(),
                "md5 of a known archive");
        awaitEvent("tiny-images-80m|torrent:" + tinyBtih, "OPENED");
        assertTrue(
                run.out().contains("academictorrents: catalogue 3 of 3 examined (100%); 2 swept this run, 0 left"),
                run.out());
        assertEquals(
                "LIKELY",
                awaitEvent("ms-celeb-1m|torrent:" + holidayBtih, "OPENED")
                        .get("severity")
                        .asText(),
                "a torrent named after nothing, found by the sweep, matched by its file's exact size");
        assertTrue(alerts().stream().noneMatch(a -> a.get("mirrorKey").asText().contains(cifarBtih)));
    }

    @Test
    void aRenamedRepositoryStaysOneAlertToldOnce() throws Exception {
        // (Other tests' repositories may be crawled too, from the checkpoints they left: only this
        // test's repository must not fail.)
        String oldKey = "github:mover/faces";
        String newKey = "github:mover/face-data";
        serveFaces("mover", "faces");
        Path file = Files.writeString(
                dir.resolve("rename.yaml"),
                CrawlYaml.only(
                        Platforms.names(),
                        Map.of("github", "apiUrl: " + platforms.base() + "\ndiscover: false\nrepos: [mover/faces]")));
        CliTest.Result first = cli("crawl", "--once", "--config", file.toString());
        assertFalse(first.out().contains("failed: github mover/"), first.out() + first.err());
        awaitEvent("ms-celeb-1m|" + oldKey, "OPENED");

        // Renamed on GitHub: the old name answers with a 301 to the repository's id (decision 016).
        platforms.on(
                "/repos/mover/faces",
                req -> new PlatformServer.Reply(
                        301,
                        "application/json",
                        "{\"message\":\"Moved Permanently\"}".getBytes(StandardCharsets.UTF_8),
                        Map.of("Location", platforms.base() + "/repositories/700003")));
        serveFaces("mover", "face-data");
        platforms.json(
                "/repositories/700003",
                platforms.resource(
                        "github-repo.json",
                        Map.of("id", "700003", "owner", "mover", "name", "face-data", "description", "Faces")),
                "\"r-3b\"");
        CliTest.Result renamed = cli("crawl", "--once", "--config", file.toString());
        assertFalse(renamed.out().contains("failed: github mover/"), renamed.out() + renamed.err());

        JsonNode moved = awaitEvent("ms-celeb-1m|" + newKey, "MOVED");
        assertEquals("ms-celeb-1m|" + oldKey, moved.get("movedFrom").asText());
        CliTest.Result again = cli("crawl", "--once", "--config", file.toString());
        assertFalse(again.out().contains("failed: github mover/"), again.out() + again.err());
        List<String> told = new ArrayList<>();
        for (JsonNode a : alerts()) {
            String key = a.get("alertKey").asText();
            if (key.endsWith(oldKey) || key.endsWith(newKey)) {
                told.add(a.get("event").asText() + " " + key);
            }
        }
        // The two keys may sit on two partitions, which a reader sees in either order: compare sorted.
        assertEquals(
                List.of("MOVED ms-celeb-1m|" + newKey, "OPENED ms-celeb-1m|" + oldKey),
                told.stream().sorted().toList(),
                "one copy, told once as opened and once as moved; no RESOLVED, no second OPENED");
    }

    /** A repository holding MS-Celeb-1M's aligned TSV under a name of its own. */
    static void serveFaces(String owner, String name) {
        platforms.json(
                "/repos/" + owner + "/" + name,
                platforms.resource(
                        "github-repo.json",
                        Map.of("id", "700003", "owner", owner, "name", name, "description", "Faces")),
                "\"r-3\"");
        String entries = "{\"path\":\"data/aligned.tsv\",\"mode\":\"100644\",\"type\":\"blob\",\"size\":"
                + 91_124_295_076L + ",\"sha\":\"7777777777777777777777777777777777777777\"}";
        platforms.json(
                "/repos/" + owner + "/" + name + "/git/trees/main?recursive=1",
                platforms.resource(
                        "github-tree.json",
                        Map.of(
                                "treeSha",
                                "4c18e512dba79e4c8300dd08aeb37f8e728b8dad",
                                "owner",
                                owner,
                                "name",
                                name,
                                "entries",
                                entries)),
                "\"t-3\"");
    }

    static void serveHoarder(byte[] torrentFile) {
        byte[] torrent = torrentFile;
        String owner = "FaceHoarder";
        String name = "celeb-faces";
        String torrentSha = gitBlobSha1(torrent);
        platforms.json(
                "/repos/" + owner + "/" + name,
                platforms.resource(
                        "github-repo.json",
                        Map.of("id", "700001", "owner", owner, "name", name, "description", "Face data, mirrored")),
                "\"r-1\"");
        String entries = "{\"path\":\"README.md\",\"mode\":\"100644\",\"type\":\"blob\",\"size\":11,\"sha\":\""
                + gitBlobSha1("# Faces\n".getBytes())
                + "\"},{\"path\":\"torrents/faces.torrent\",\"mode\":\"100644\",\"type\":\"blob\",\"size\":"
                + torrent.length
                + ",\"sha\":\"" + torrentSha + "\"}";
        platforms.json(
                "/repos/" + owner + "/" + name + "/git/trees/main?recursive=1",
                platforms.resource(
                        "github-tree.json",
                        Map.of(
                                "treeSha",
                                "3b18e512dba79e4c8300dd08aeb37f8e728b8dad",
                                "owner",
                                owner,
                                "name",
                                name,
                                "entries",
                                entries)),
                "\"t-1\"");
        String b64 = Base64.getMimeEncoder().encodeToString(torrent).replace("\r\n", "\\n");
        platforms.json(
                "/repos/" + owner + "/" + name + "/git/blobs/" + torrentSha,
                "{\"sha\":\"" + torrentSha + "\",\"size\":" + torrent.length + ",\"content\":\"" + b64
                        + "\",\"encoding\":\"base64\"}",
                "\"b-1\"");
    }

    static void serveCodeRepository() {
        String owner = "ml-lab";
        String name = "arcface-train";
        String readme =
                "# ArcFace training\nTrain on MS1M (MS-Celeb-1M cleaned, a.k.a. faces_emore) or on your own data.\n";
        platforms.json(
                "/repos/" + owner + "/" + name,
                platforms.resource(
                        "github-repo.json",
                        Map.of(
                                "id",
                                "700002",
                                "owner",
                                owner,
                                "name",
                                name,
                                "description",
                                "Training code for face recognition")),
                "\"r-2\"");
        String entries =
                "{\"path\":\"train.py\",\"mode\":\"100644\",\"type\":\"blob\",\"size\":4200,\"sha\":\"5555555555555555555555555555555555555555\"},"
                        + "{\"path\":\"README.md\",\"mode\":\"100644\",\"type\":\"blob\",\"size\":" + readme.length()
                        + ",\"sha\":\"6666666666666666666666666666666666666666\"}";
        platforms.json(
                "/repos/" + owner + "/" + name + "/git/trees/main?recursive=1",
                platforms.resource(
                        "github-tree.json",
                        Map.of(
                                "treeSha",
                                "9fb037999f264ba9a7fc6274d15fa3ae2ab98312",
                                "owner",
                                owner,
                                "name",
                                name,
                                "entries",
                                entries)),
                "\"t-2\"");
        platforms.json(
                "/repos/" + owner + "/" + name + "/readme",
                platforms.resource(
                        "github-readme.json",
                        Map.of(
                                "owner",
                                owner,
                                "name",
                                name,
                                "size",
                                Integer.toString(readme.length()),
                                "sha",
                                "6666666666666666666666666666666666666666",
                                "content",
                                Base64.getMimeEncoder()
                                        .encodeToString(readme.getBytes(StandardCharsets.UTF_8))
                                        .replace("\r\n", "\\n"))),
                "\"m-2\"");
    }

    static void serveHuggingFace() {
        platforms.json("/api/datasets/someone/face-pack", platforms.resource("hf-info.json", Map.of()), "W/\"hf-1\"");
        platforms.json(
                "/api/datasets/someone/face-pack/tree/86b5e0934494bd15c9632b12f734a8a67f723594?recursive=true&expand=false",
                platforms.resource("hf-tree.json", Map.of()),
                "W/\"hft-1\"");
    }

    static String gitBlobSha1(byte[] content) {
        try {
            MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
            sha1.update(("blob " + content.length + "\0").getBytes(StandardCharsets.US_ASCII));
            return HexFormat.of().formatHex(sha1.digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static List<JsonNode> alerts() throws Exception {
        return alertsIn(KAFKA, prefix);
    }

    /** Every alert event so far on the topics of {@code prefix}, as {@code alerts tail --format json} prints them. */
    static List<JsonNode> alertsIn(KafkaBroker kafka, String prefix) throws Exception {
        CliTest.Result tail = CliTest.run(
                "alerts",
                "tail",
                "--from-beginning",
                "--format",
                "json",
                "--timeout",
                "2s",
                "--bootstrap-servers",
                kafka.bootstrapServers(),
                "--topic-prefix",
                prefix);
        List<JsonNode> out = new ArrayList<>();
        for (String line : tail.out().strip().split("\n")) {
            if (!line.isBlank()) {
                out.add(new ObjectMapper().readTree(line));
            }
        }
        return out;
    }

    static JsonNode awaitEvent(String alertKey, String event) throws Exception {
        return awaitEventIn(KAFKA, prefix, alertKey, event);
    }

    static JsonNode awaitEventIn(KafkaBroker kafka, String prefix, String alertKey, String event) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            for (JsonNode a : alertsIn(kafka, prefix)) {
                if (a.get("alertKey").asText().equals(alertKey)
                        && a.get("event").asText().equals(event)) {
                    return a;
                }
            }
        }
        throw new AssertionError("no " + event + " for " + alertKey + " within 60 s: " + alertsIn(kafka, prefix));
    }

    static CliTest.Result cli(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--bootstrap-servers", KAFKA.bootstrapServers(), "--topic-prefix", prefix));
        return CliTest.run(all.toArray(String[]::new));
    }
}
