package org.revenant.http.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.kafka.streams.KafkaStreams;
import org.revenant.avro.AlertEvent;
import org.revenant.avro.MirrorStatus;
import org.revenant.avro.SnapshotChunk;
import org.revenant.detect.tap.DetectionTap;

/**
 * Revenant's Prometheus metrics: the Kafka Streams client's own metrics (Micrometer's binder),
 * the JVM, and Revenant's counters. Counters count what this instance processed, so summing over
 * instances gives the cluster's totals; the DLQ counter counts what this instance saw arrive on
 * the DLQ topic (every instance sees all of it).
 */
public final class RevenantMetrics implements DetectionTap, AutoCloseable {

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final JvmGcMetrics gc = new JvmGcMetrics();
    private KafkaStreamsMetrics streamsMetrics;

    public RevenantMetrics() {
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        gc.bindTo(registry);
    }

    /** Binds the Kafka Streams client's metrics; call once the client exists. */
    public void bind(KafkaStreams streams) {
        streamsMetrics = new KafkaStreamsMetrics(streams);
        streamsMetrics.bindTo(registry);
    }

    @Override
    public void chunk(SnapshotChunk chunk) {
        if (chunk.getMirror().getStatus() == MirrorStatus.ERROR) {
            String source = chunk.getCrawler() == null || chunk.getCrawler().isBlank() ? chunk.getMirror().getPlatform() : chunk.getCrawler();
            counter("revenant.crawl.errors", "Failed crawls reported by crawlers (snapshots with status ERROR)", "source", source).increment();
            return;
        }
        counter("revenant.snapshot.entries.processed", "Manifest entries matched").increment(chunk.getEntries().size());
        if (chunk.getChunkIndex() == chunk.getChunkCount() - 1) {
            counter("revenant.snapshots.processed", "Snapshots whose last chunk was processed").increment();
        }
    }

    @Override
    public void alert(AlertEvent event) {
        counter("revenant.alerts", "Alert events emitted", "event", event.getEvent().name(), "severity", event.getSeverity().name()).increment();
    }

    /** A record arrived on the dead-letter topic; {@code topic} is where it came from. */
    public void deadLetter(String topic) {
        counter("revenant.dlq.records", "Records seen arriving on the dead-letter topic", "topic", topic == null ? "unknown" : topic).increment();
    }

    /** A webhook delivery ended: {@code delivered}, {@code failed} (after its retries) or {@code refused}. */
    public void webhook(String subscription, String outcome) {
        counter("revenant.webhook.deliveries", "Webhook deliveries by outcome", "subscription", subscription, "outcome", outcome).increment();
    }

    public void webhookAttempt(String subscription) {
        counter("revenant.webhook.attempts", "Webhook HTTP attempts, retries included", "subscription", subscription).increment();
    }

    /** The Prometheus text exposition. */
    public String scrape() {
        return registry.scrape();
    }

    private Counter counter(String name, String description, String... tags) {
        return Counter.builder(name).description(description).tags(tags).register(registry);
    }

    @Override
    public void close() {
        if (streamsMetrics != null) {
            streamsMetrics.close();
        }
        gc.close();
        registry.close();
    }
}
