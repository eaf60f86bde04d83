package org.revenant.http.metrics;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.revenant.health.Components;

class RevenantMetricsTest {

    @Test
    void everyComponentHasAnUpGaugeAndAStateGaugeThatFollowItsState() {
        try (RevenantMetrics metrics = new RevenantMetrics()) {
            Components components = new Components();
            components.register("streams", true).up();
            metrics.bindComponents(components);
            components.register("webhooks", false).down("the notifier loop stopped");

            String scrape = metrics.scrape();
            assertTrue(scrape.contains("revenant_component_up{component=\"streams\"} 1"), scrape);
            assertTrue(scrape.contains("revenant_component_up{component=\"webhooks\"} 0"), scrape);
            assertTrue(scrape.contains("revenant_component_state{component=\"webhooks\",state=\"DOWN\"} 1"), scrape);
            assertTrue(scrape.contains("revenant_component_state{component=\"webhooks\",state=\"UP\"} 0"), scrape);

            components.register("webhooks", false).up();
            assertTrue(metrics.scrape().contains("revenant_component_up{component=\"webhooks\"} 1"));
            components.remove("webhooks");
            assertFalse(
                    metrics.scrape().contains("component=\"webhooks\""),
                    "a component closed on purpose leaves the metrics");
        }
    }

    @Test
    void tagValuesFromRecordsAreLimitedToKnownValues() {
        try (RevenantMetrics metrics = new RevenantMetrics()) {
            metrics.knownTopics(List.of("revenant.snapshots"));
            for (int i = 0; i < 50; i++) {
                metrics.deadLetter("attacker-topic-" + i);
            }
            metrics.deadLetter("revenant.snapshots");
            String scrape = metrics.scrape();
            assertTrue(scrape.contains("revenant_dlq_records_total{topic=\"other\"} 50"), scrape);
            assertTrue(scrape.contains("revenant_dlq_records_total{topic=\"revenant.snapshots\"} 1"), scrape);
            assertFalse(scrape.contains("attacker-topic"), scrape);
        }
    }
}
