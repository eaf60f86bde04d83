package org.revenant.platforms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.revenant.avro.CrawlCheckpoint;
import org.revenant.avro.EntryKind;
import org.revenant.avro.ManifestEntry;
import org.revenant.avro.Mirror;
import org.revenant.avro.MirrorStatus;
import org.revenant.avro.SnapshotChunk;
import org.revenant.config.ConfigException;
import org.revenant.crawl.CrawlConfig;
import org.revenant.crawl.CrawlException;
import org.revenant.crawl.CrawlOnce;
import org.revenant.crawl.CrawlOutcome;
import org.revenant.crawl.CrawlService;
import org.revenant.crawl.Discovery;
import org.revenant.crawl.DiscoveryTerms;
import org.revenant.crawl.FixtureServer;
import org.revenant.crawl.HttpFetcher;
import org.revenant.crawl.HttpResult;
import org.revenant.crawl.Snapshot;
import org.revenant.crawl.Source;
import org.revenant.crawl.SourceConfig;
import org.revenant.crawl.SourceDescriptor;
import org.revenant.testkit.KafkaBroker;
import org.revenant.wire.TopicSetup;
import org.revenant.wire.Topics;

/**
 * A platform nobody has heard of, added the way decision 015 says: one class with its descriptor
 * (below) and one entry in the platforms list (here: {@code Platforms.ALL} plus it). Nothing else
 * changes, and it is configured from YAML and the environment, validated, and crawled to Kafka
 * like the real ones.
 */
@Tag("broker")
@Timeout(120)
class MadeUpPlatformTest {

    /** The new class: a "shelf" service that lists a collection's files as JSON. */
    static final class ShelfSource implements Source {

        static final SourceDescriptor DESCRIPTOR = SourceDescriptor.api(
                "shelf",
                "shelf",
                "url",
                "https://shelf.example",
                "REVENANT_SHELF_URL",
                "SHELF_TOKEN",
                "collections",
                "[a-z0-9-]+",
                "a lower-case collection name",
                Duration.ofHours(3),
                ShelfSource::new);

        private static final ObjectMapper JSON = new ObjectMapper();
        private final SourceConfig config;
        private final HttpFetcher http;

        ShelfSource(SourceConfig config, HttpFetcher http) {
            this.config = config;
            this.http = http;
        }

        @Override
        public String name() {
            return DESCRIPTOR.name();
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
            return DESCRIPTOR.platform() + ":" + locator;
        }

        @Override
        public CrawlOutcome crawl(String locator, CrawlCheckpoint previous) throws CrawlException {
            HttpResult r = http.get(HttpFetcher.Request.get(config.url().resolve("/api/collections/" + locator)));
            if (!r.ok()) {
                throw new CrawlException("shelf answered " + r.status());
            }
            JsonNode body;
            try {
                body = JSON.readTree(r.body());
            } catch (IOException e) {
                throw new CrawlException("not JSON: " + e.getMessage());
            }
            List<ManifestEntry> entries = new ArrayList<>();
            for (JsonNode f : body.path("files")) {
                entries.add(ManifestEntry.newBuilder()
                        .setPath(f.path("name").asText())
                        .setSize(f.path("bytes").asLong())
                        .setKind(EntryKind.FILE)
                        .build());
            }
            Mirror mirror = Mirror.newBuilder()
                    .setKey(mirrorKey(locator))
                    .setPlatform(DESCRIPTOR.platform())
                    .setLocator(locator)
                    .setUrl(config.url() + "/c/" + locator)
                    .setStatus(MirrorStatus.PRESENT)
                    .setIdentifiers(Map.of())
                    .build();
            return CrawlOutcome.of(new Snapshot(mirror, entries, null), r.etag(), null);
        }
    }

    /** The one list entry. */
    static final List<SourceDescriptor> PLATFORMS = concat(Platforms.ALL, ShelfSource.DESCRIPTOR);

    @RegisterExtension
    static final KafkaBroker KAFKA = new KafkaBroker();

    @TempDir
    Path dir;

    final FixtureServer shelf = new FixtureServer();

    @AfterEach
    void stop() {
        shelf.close();
    }

    @Test
    void itIsConfiguredFromYamlAndTheEnvironmentWithItsOwnDefaultsAndRules() throws IOException {
        CrawlConfig defaults = CrawlConfig.defaults(Map.of("SHELF_TOKEN", "s3cret"), PLATFORMS);
        assertEquals("https://shelf.example", defaults.source("shelf").url().toString());
        assertEquals(Duration.ofHours(3), defaults.source("shelf").interval());
        assertTrue(defaults.source("shelf").token() != null);
        assertTrue(defaults.names().contains("shelf"));
        assertNull(
                CrawlConfig.defaults(Map.of(), Platforms.ALL).source("shelf"), "not a platform without its list entry");

        Path bad = Files.writeString(dir.resolve("bad.yaml"), "sources:\n  shelf:\n    collections: [Faces_Emore]\n");
        ConfigException e = assertThrows(ConfigException.class, () -> CrawlConfig.load(bad, Map.of(), PLATFORMS));
        assertTrue(
                e.getMessage().contains("sources.shelf.collections: 'Faces_Emore' is not a lower-case collection name"),
                e.getMessage());
        Path unknownKey = Files.writeString(dir.resolve("unknown.yaml"), "sources:\n  shelf:\n    repos: [a]\n");
        assertTrue(assertThrows(ConfigException.class, () -> CrawlConfig.load(unknownKey, Map.of(), PLATFORMS))
                .getMessage()
                .contains("unknown key 'sources.shelf.repos'"));
        CrawlConfig moved = CrawlConfig.defaults(Map.of("REVENANT_SHELF_URL", "http://127.0.0.1:9/"), PLATFORMS);
        assertEquals("http://127.0.0.1:9", moved.source("shelf").url().toString());
    }

    @Test
    void itIsCrawledToKafkaLikeTheRealPlatforms() throws Exception {
        shelf.on(
                "/api/collections/faces-emore",
                req -> FixtureServer.json(
                        200,
                        "{\"files\":[{\"name\":\"faces_emore/train.rec\",\"bytes\":12345678},{\"name\":\"faces_emore/train.idx\",\"bytes\":4321}]}"));
        String prefix = KafkaBroker.uniquePrefix("made-up-platform") + ".";
        Topics topics = new Topics(prefix);
        TopicSetup.ensure(KAFKA.admin(), topics, 1, (short) 1);
        Properties client = new Properties();
        client.put("bootstrap.servers", KAFKA.bootstrapServers());
        Path yaml = Files.writeString(dir.resolve("crawl.yaml"), """
                sources:
                  shelf:
                    url: %s
                    collections: [faces-emore]
                """.formatted(shelf.base()));
        CrawlConfig config = CrawlConfig.load(yaml, Map.of(), PLATFORMS);

        StringWriter out = new StringWriter();
        CrawlOnce.Summary summary;
        try (CrawlService service = new CrawlService(config, client, topics, Set.of("shelf"))) {
            summary = service.runOnce(new PrintWriter(out));
        }
        assertEquals(1, summary.crawled(), out + " " + summary.failures());

        Properties consumer = KAFKA.consumerProperties("made-up-reader");
        try (KafkaConsumer<String, byte[]> c =
                new KafkaConsumer<>(consumer, new StringDeserializer(), new ByteArrayDeserializer())) {
            c.subscribe(List.of(topics.snapshots.name()));
            List<SnapshotChunk> chunks = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (chunks.isEmpty() && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
                    chunks.add(topics.snapshots.deserializeValue(r.value()));
                    assertEquals("shelf:faces-emore", r.key());
                }
            }
            assertEquals(1, chunks.size());
            assertEquals("shelf", chunks.get(0).getMirror().getPlatform());
            assertEquals(
                    List.of("faces_emore/train.idx 4321", "faces_emore/train.rec 12345678"),
                    chunks.get(0).getEntries().stream()
                            .map(en -> en.getPath() + " " + en.getSize())
                            .sorted()
                            .toList());
        }
    }

    private static List<SourceDescriptor> concat(List<SourceDescriptor> list, SourceDescriptor one) {
        List<SourceDescriptor> all = new ArrayList<>(list);
        all.add(one);
        return List.copyOf(all);
    }
}
