package org.revenant.http.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.apache.kafka.streams.KafkaStreams;
import org.revenant.avro.AlertEvent;
import org.revenant.avro.MirrorStatus;
import org.revenant.avro.SnapshotChunk;
import org.revenant.crawl.Coverage;
import org.revenant.detect.manifest.ManifestStore;
import org.revenant.detect.tap.DetectionTap;
import org.revenant.health.Component;
import org.revenant.health.ComponentState;
import org.revenant.health.Components;

/**
 * Revenant's Prometheus metrics: the Kafka Streams client's own metrics (Micrometer's binder),
 * the JVM, and Revenant's counters. Counters count what this instance processed, so summing over
 * instances gives the cluster's totals; the DLQ counter counts what this instance saw arrive on
 * the DLQ topic (every instance sees all of it).
 */
public final class RevenantMetrics implements DetectionTap, AutoCloseable {

    /**
     * Tag values that come from records are limited to these (and {@value #OTHER}), so a crawler or
     * a hostile producer cannot create a time series per value: crawl sources and platforms
     * Revenant knows, and the topics it was told about.
     */
    static final Set<String> KNOWN_SOURCES = Set.of(
            "github", "hf", "academictorrents", "ia", "zenodo", "torrents", "torrent", "dir", "manifest", "unknown");

    static final String OTHER = "other";
    private static final Pattern COMPONENT_NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final JvmGcMetrics gc = new JvmGcMetrics();
    private final Set<String> knownTopics = ConcurrentHashMap.newKeySet();
    private final Map<String, List<Meter>> componentMeters = new ConcurrentHashMap<>();
    private volatile Components components;
    private KafkaStreamsMetrics streamsMetrics;

    public RevenantMetrics() {
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        gc.bindTo(registry);
        // Only written by this app, but its changelog topic can be written by anyone with access
        // to it: a page that does not decode is read as empty, and counted here.
        FunctionCounter.builder("revenant.manifest.pages.unreadable", this, m -> ManifestStore.unreadablePages())
                .description("Manifest pages read as empty because they did not decode")
                .register(registry);
    }

    /** Binds the Kafka Streams client's metrics; call once the client exists. */
    public void bind(KafkaStreams streams) {
        streamsMetrics = new KafkaStreamsMetrics(streams);
        streamsMetrics.bindTo(registry);
    }

    @Override
    public void chunk(SnapshotChunk chunk) {
        if (chunk.getMirror().getStatus() == MirrorStatus.ERROR) {
            String source = chunk.getCrawler() == null || chunk.getCrawler().isBlank()
                    ? chunk.getMirror().getPlatform()
                    : chunk.getCrawler();
            counter(
                            "revenant.crawl.errors",
                            "Failed crawls reported by crawlers (snapshots with status ERROR)",
                            "source",
                            bounded(source, KNOWN_SOURCES))
                    .increment();
            return;
        }
        counter("revenant.snapshot.entries.processed", "Manifest entries matched")
                .increment(chunk.getEntries().size());
        if (chunk.getChunkIndex() == chunk.getChunkCount() - 1) {
            counter("revenant.snapshots.processed", "Snapshots whose last chunk was processed")
                    .increment();
        }
    }

    @Override
    public void alert(AlertEvent event) {
        counter(
                        "revenant.alerts",
                        "Alert events emitted",
                        "event",
                        event.getEvent().name(),
                        "severity",
                        event.getSeverity().name())
                .increment();
    }

    @Override
    public void registryRecordSkipped(String key, String reason) {
        counter(
                        "revenant.registry.records.skipped",
                        "Registry records left out of the index because registry load would reject them")
                .increment();
    }

    /** A record arrived on the dead-letter topic; {@code topic} is where it came from. */
    public void deadLetter(String topic) {
        String tag = topic == null ? "unknown" : knownTopics.contains(topic) ? topic : OTHER;
        counter("revenant.dlq.records", "Records seen arriving on the dead-letter topic", "topic", tag)
                .increment();
    }

    /** Topics that may appear as the {@code topic} tag of the DLQ counter; any other becomes {@value #OTHER}. */
    public void knownTopics(Collection<String> topics) {
        knownTopics.addAll(topics);
    }

    /**
     * Exposes every component of {@code components} as {@code revenant_component_up{component}}
     * (1 when UP) and {@code revenant_component_state{component, state}} (1 for its current state),
     * refreshed on each scrape as components come and go.
     */
    public void bindCoverage(Supplier<List<Coverage>> coverage) {
        // One pair of gauges per source Revenant knows (bounded tags), read on each scrape.
        for (String source : KNOWN_SOURCES) {
            Gauge.builder("revenant.crawl.catalogue.examined", () -> covered(coverage, source, true))
                    .description("Catalogue entries the crawlers have examined (swept sources)")
                    .tag("source", source)
                    .register(registry);
            Gauge.builder("revenant.crawl.catalogue.known", () -> covered(coverage, source, false))
                    .description("Catalogue entries the crawlers know of (swept sources)")
                    .tag("source", source)
                    .register(registry);
        }
    }

    private static double covered(Supplier<List<Coverage>> coverage, String source, boolean examined) {
        for (Coverage c : coverage.get()) {
            if (c.source().equals(source)) {
                return examined ? c.examined() : c.known();
            }
        }
        return 0;
    }

    public void bindComponents(Components components) {
        this.components = components;
        refreshComponents();
    }

    private void refreshComponents() {
        Components all = components;
        if (all == null) {
            return;
        }
        Set<String> present = new HashSet<>();
        for (Component.Snapshot snapshot : all.snapshots()) {
            String name = snapshot.name();
            if (!COMPONENT_NAME.matcher(name).matches()) {
                continue;
            }
            present.add(name);
            componentMeters.computeIfAbsent(name, n -> {
                List<Meter> meters = new ArrayList<>();
                meters.add(Gauge.builder("revenant.component.up", () -> state(n) == ComponentState.UP ? 1 : 0)
                        .description("1 when the component is UP, else 0")
                        .tag("component", n)
                        .register(registry));
                for (ComponentState state : ComponentState.values()) {
                    meters.add(Gauge.builder("revenant.component.state", () -> state(n) == state ? 1 : 0)
                            .description("1 for the component's current state")
                            .tags("component", n, "state", state.name())
                            .register(registry));
                }
                return meters;
            });
        }
        componentMeters.keySet().removeIf(name -> {
            if (present.contains(name)) {
                return false;
            }
            componentMeters.get(name).forEach(registry::remove);
            return true;
        });
    }

    private ComponentState state(String name) {
        Components all = components;
        if (all == null) {
            return null;
        }
        return all.snapshots().stream()
                .filter(c -> c.name().equals(name))
                .map(Component.Snapshot::state)
                .findFirst()
                .orElse(null);
    }

    private static String bounded(String value, Set<String> known) {
        if (value == null) {
            return "unknown";
        }
        String lower = value.toLowerCase(Locale.ROOT);
        return known.contains(lower) ? lower : OTHER;
    }

    /** A webhook delivery ended: {@code delivered}, {@code failed} (after its retries) or {@code refused}. */
    public void webhook(String subscription, String outcome) {
        counter(
                        "revenant.webhook.deliveries",
                        "Webhook deliveries by outcome",
                        "subscription",
                        subscription,
                        "outcome",
                        outcome)
                .increment();
    }

    public void webhookAttempt(String subscription) {
        counter("revenant.webhook.attempts", "Webhook HTTP attempts, retries included", "subscription", subscription)
                .increment();
    }

    /** An e-mail (one alert, or one digest) ended: {@code delivered}, {@code failed} (after its retries) or {@code refused}. */
    public void email(String subscription, String outcome) {
        counter(
                        "revenant.email.messages",
                        "E-mail messages by outcome",
                        "subscription",
                        subscription,
                        "outcome",
                        outcome)
                .increment();
    }

    /** The Prometheus text exposition. */
    public String scrape() {
        refreshComponents();
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
