package org.revenant.publish;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.revenant.avro.ManifestEntry;
import org.revenant.avro.Mirror;
import org.revenant.avro.SnapshotChunk;
import org.revenant.wire.Topics;

/**
 * Sends one mirror snapshot as chunks (at most {@value #MAX_ENTRIES} entries or about
 * {@value #MAX_CHUNK_BYTES} bytes each) inside one Kafka transaction, so read_committed
 * consumers see the whole snapshot or none of it (architecture section 4).
 */
public final class SnapshotPublisher implements AutoCloseable {

    public static final int MAX_ENTRIES = 2_000;
    public static final int MAX_CHUNK_BYTES = 512 * 1024;

    /** What was sent. */
    public record Published(String snapshotId, String mirrorKey, int chunks, long entries, long bytes) {}

    private final KafkaProducer<String, SnapshotChunk> producer;
    private final Topics topics;
    private final String crawler;
    private final int maxEntries;

    /**
     * @param clientProperties bootstrap servers and any security settings
     * @param transactionalId stable per publishing process (a crawler instance), fresh for one-off CLI calls
     */
    public SnapshotPublisher(Properties clientProperties, Topics topics, String crawler, String transactionalId) {
        this(clientProperties, topics, crawler, transactionalId, MAX_ENTRIES);
    }

    /** @param maxEntries entries per chunk, at most {@value #MAX_ENTRIES} (benchmarks vary it) */
    public SnapshotPublisher(
            Properties clientProperties, Topics topics, String crawler, String transactionalId, int maxEntries) {
        if (maxEntries < 1 || maxEntries > MAX_ENTRIES) {
            throw new IllegalArgumentException("entries per chunk must be in [1, " + MAX_ENTRIES + "]: " + maxEntries);
        }
        this.maxEntries = maxEntries;
        this.topics = Objects.requireNonNull(topics, "topics");
        this.crawler = Objects.requireNonNull(crawler, "crawler");
        Properties props = new Properties();
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 2 * 1024 * 1024);
        props.putAll(clientProperties);
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, Objects.requireNonNull(transactionalId, "transactionalId"));
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "revenant-" + crawler);
        Serializer<SnapshotChunk> values = topics.snapshots.valueSerde().serializer();
        this.producer = new KafkaProducer<>(props, new StringSerializer(), values);
        producer.initTransactions();
    }

    /**
     * Entries of a snapshot go out sorted by path in code point order, which is the UTF-8 byte order
     * the streams app keeps a mirror's manifest in, so the diff there is a sorted merge
     * (docs/decisions/014-paged-manifest-state.md). The order is stable, so duplicate paths keep
     * the order the crawler gave them.
     */
    public static final Comparator<ManifestEntry> PATH_ORDER = (a, b) -> comparePaths(a.getPath(), b.getPath());

    /** Compares by code point, which for valid UTF-16 strings is the order of their UTF-8 bytes. */
    static int comparePaths(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int ca = a.codePointAt(i);
            int cb = b.codePointAt(j);
            if (ca != cb) {
                return Integer.compare(ca, cb);
            }
            i += Character.charCount(ca);
            j += Character.charCount(cb);
        }
        return Integer.compare(a.length() - i, b.length() - j);
    }

    public Published publish(Mirror mirror, List<ManifestEntry> unsorted, String text, Instant observedAt) {
        Objects.requireNonNull(mirror, "mirror");
        Objects.requireNonNull(unsorted, "entries");
        List<ManifestEntry> entries = sorted(unsorted);
        String snapshotId = UUID.randomUUID().toString();
        List<List<ManifestEntry>> chunks = split(entries, text == null ? 0 : text.length(), maxEntries);
        long totalBytes = entries.stream()
                .mapToLong(e -> e.getSize() == null ? 0 : e.getSize())
                .sum();
        producer.beginTransaction();
        try {
            for (int i = 0; i < chunks.size(); i++) {
                SnapshotChunk chunk = SnapshotChunk.newBuilder()
                        .setSnapshotId(snapshotId)
                        .setMirror(mirror)
                        .setObservedAt(observedAt)
                        .setCrawler(crawler)
                        .setChunkIndex(i)
                        .setChunkCount(chunks.size())
                        .setTotalEntries(entries.size())
                        .setTotalBytes(totalBytes)
                        .setEntries(chunks.get(i))
                        .setText(i == 0 ? text : null)
                        .build();
                producer.send(new ProducerRecord<>(topics.snapshots.name(), mirror.getKey(), chunk));
            }
            producer.commitTransaction();
        } catch (KafkaException e) {
            abortQuietly(e);
            throw e;
        }
        return new Published(snapshotId, mirror.getKey(), chunks.size(), entries.size(), totalBytes);
    }

    private void abortQuietly(KafkaException cause) {
        try {
            producer.abortTransaction();
        } catch (KafkaException e) {
            cause.addSuppressed(e);
        }
    }

    /** The entries in {@link #PATH_ORDER}; the given list is not changed, and is reused if already sorted. */
    static List<ManifestEntry> sorted(List<ManifestEntry> entries) {
        for (int i = 1; i < entries.size(); i++) {
            if (PATH_ORDER.compare(entries.get(i - 1), entries.get(i)) > 0) {
                List<ManifestEntry> copy = new ArrayList<>(entries);
                copy.sort(PATH_ORDER);
                return copy;
            }
        }
        return entries;
    }

    /** Chunk boundaries by entry count and an estimate of the encoded size; never an empty snapshot. */
    static List<List<ManifestEntry>> split(List<ManifestEntry> entries, int textLength) {
        return split(entries, textLength, MAX_ENTRIES);
    }

    static List<List<ManifestEntry>> split(List<ManifestEntry> entries, int textLength, int maxEntries) {
        List<List<ManifestEntry>> chunks = new ArrayList<>();
        int start = 0;
        long bytes = textLength;
        for (int i = 0; i < entries.size(); i++) {
            long size = estimate(entries.get(i));
            if (i > start && (i - start >= maxEntries || bytes + size > MAX_CHUNK_BYTES)) {
                chunks.add(entries.subList(start, i));
                start = i;
                bytes = 0;
            }
            bytes += size;
        }
        chunks.add(entries.subList(start, entries.size()));
        return chunks;
    }

    private static long estimate(ManifestEntry e) {
        return 24L
                + utf8(e.getPath())
                + utf8(e.getSha256())
                + utf8(e.getSha1())
                + utf8(e.getMd5())
                + utf8(e.getGitBlobSha1())
                + utf8(e.getLfsSha256())
                + utf8(e.getRef());
    }

    private static long utf8(String s) {
        return s == null ? 0 : 3L * s.length();
    }

    @Override
    public void close() {
        producer.close();
    }
}
