package org.revenant.wire;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.revenant.avro.AlertEvent;
import org.revenant.avro.AlertState;
import org.revenant.avro.AnalystDecision;
import org.revenant.avro.CensusStats;
import org.revenant.avro.CrawlCheckpoint;
import org.revenant.avro.CrawlJob;
import org.revenant.avro.ManifestChange;
import org.revenant.avro.RetractedDataset;
import org.revenant.avro.SnapshotChunk;
import org.revenant.avro.SourceHealthEvent;

/** The typed catalogue of Revenant's topics (architecture section 2), under one configurable prefix. */
public final class Topics {

    public static final String DEFAULT_PREFIX = "revenant.";

    private static final Map<String, String> COMPACT = Map.of("cleanup.policy", "compact");

    private final String prefix;
    public final Topic<String, RetractedDataset> registry;
    public final Topic<String, SnapshotChunk> snapshots;
    public final Topic<String, ManifestChange> changes;
    public final Topic<String, AlertEvent> alerts;
    public final Topic<String, AlertState> alertState;
    public final Topic<String, AnalystDecision> decisions;
    public final Topic<String, CrawlJob> crawlJobs;
    public final Topic<String, CrawlCheckpoint> crawlerState;
    public final Topic<byte[], byte[]> dlq;
    public final Topic<String, String> alertsJson;
    /** The census of each dataset and platform (decision 019). Key: {@code dataset:<id>} or {@code platform:<name>}. */
    public final Topic<String, CensusStats> stats;

    public final Topic<String, SourceHealthEvent> sourceHealth;

    public Topics(String prefix) {
        this.prefix = Objects.requireNonNull(prefix, "prefix");
        Serde<String> key = Serdes.String();
        registry = new Topic<>(prefix + "registry", key, AvroSerdes.of(RetractedDataset.class), COMPACT);
        snapshots = new Topic<>(
                prefix + "snapshots",
                key,
                AvroSerdes.of(SnapshotChunk.class),
                Map.of("retention.ms", millis(Duration.ofDays(7)), "max.message.bytes", "2097152"));
        changes = new Topic<>(
                prefix + "changes",
                key,
                AvroSerdes.of(ManifestChange.class),
                Map.of("retention.ms", millis(Duration.ofDays(90))));
        alerts = new Topic<>(
                prefix + "alerts",
                key,
                AvroSerdes.of(AlertEvent.class),
                Map.of("retention.ms", millis(Duration.ofDays(3650))));
        alertState = new Topic<>(prefix + "alert-state", key, AvroSerdes.of(AlertState.class), COMPACT);
        decisions = new Topic<>(prefix + "decisions", key, AvroSerdes.of(AnalystDecision.class), COMPACT);
        crawlJobs = new Topic<>(
                prefix + "crawl-jobs",
                key,
                AvroSerdes.of(CrawlJob.class),
                Map.of("retention.ms", millis(Duration.ofDays(7))));
        crawlerState = new Topic<>(prefix + "crawler-state", key, AvroSerdes.of(CrawlCheckpoint.class), COMPACT);
        dlq = new Topic<>(
                prefix + "dlq",
                Serdes.ByteArray(),
                Serdes.ByteArray(),
                Map.of("retention.ms", millis(Duration.ofDays(30)), "max.message.bytes", "4194304"));
        alertsJson = new Topic<>(
                prefix + "alerts.json", key, Serdes.String(), Map.of("retention.ms", millis(Duration.ofDays(3650))));
        stats = new Topic<>(prefix + "stats", key, AvroSerdes.of(CensusStats.class), COMPACT);
        sourceHealth = new Topic<>(prefix + "source-health", key, AvroSerdes.of(SourceHealthEvent.class), COMPACT);
    }

    public static Topics defaults() {
        return new Topics(DEFAULT_PREFIX);
    }

    public String prefix() {
        return prefix;
    }

    public List<Topic<?, ?>> all() {
        return List.of(
                registry,
                snapshots,
                changes,
                alerts,
                alertState,
                decisions,
                crawlJobs,
                crawlerState,
                dlq,
                alertsJson,
                stats,
                sourceHealth);
    }

    private static String millis(Duration d) {
        return Long.toString(d.toMillis());
    }
}
