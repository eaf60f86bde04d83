package org.revenant.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.revenant.detect.Fixtures.ALIGNED_TSV;
import static org.revenant.detect.Fixtures.CROPPED_TSV;
import static org.revenant.detect.Fixtures.file;
import static org.revenant.detect.Fixtures.mirror;
import static org.revenant.detect.Fixtures.snapshot;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.revenant.avro.AlertEvent;
import org.revenant.avro.AlertEventType;
import org.revenant.avro.ChangeKind;
import org.revenant.avro.ManifestChange;
import org.revenant.avro.Mirror;
import org.revenant.avro.MirrorStatus;
import org.revenant.avro.RetractedDataset;
import org.revenant.avro.SnapshotChunk;
import org.revenant.wire.Topics;

/**
 * A crawler that hits its caps publishes a partial listing: it alerts on what it holds, says so in
 * the alert, and cannot resolve an alert (the unlisted part may be the copy).
 */
class PartialListingTest {

    @TempDir
    Path stateDir;

    private final Topics topics = Topics.defaults();
    private TopologyTestDriver driver;
    private TestInputTopic<String, SnapshotChunk> snapshots;
    private TestOutputTopic<String, AlertEvent> alerts;
    private TestOutputTopic<String, ManifestChange> changes;

    @BeforeEach
    void start() {
        Properties props =
                RevenantStreams.properties(DetectConfig.defaults(topics), new Properties(), "partial-test", stateDir);
        props.put("bootstrap.servers", "unused:9092");
        driver = new TopologyTestDriver(RevenantTopology.build(DetectConfig.defaults(topics)), props);
        TestInputTopic<String, RetractedDataset> registry = driver.createInputTopic(
                topics.registry.name(),
                Serdes.String().serializer(),
                topics.registry.valueSerde().serializer());
        snapshots = driver.createInputTopic(
                topics.snapshots.name(),
                Serdes.String().serializer(),
                topics.snapshots.valueSerde().serializer());
        alerts = driver.createOutputTopic(
                topics.alerts.name(),
                Serdes.String().deserializer(),
                topics.alerts.valueSerde().deserializer());
        changes = driver.createOutputTopic(
                topics.changes.name(),
                Serdes.String().deserializer(),
                topics.changes.valueSerde().deserializer());
        registry.pipeInput(Fixtures.msCeleb().getId(), Fixtures.msCeleb());
        driver.advanceWallClockTime(Duration.ofSeconds(2));
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    private void publish(List<SnapshotChunk> chunks) {
        chunks.forEach(c -> snapshots.pipeInput(c.getMirror().getKey(), c));
    }

    @Test
    void aPartialListingAlertsOnWhatItHoldsAndCannotResolve() {
        Mirror complete = mirror("github:someone/faces", MirrorStatus.PRESENT, Map.of());
        Mirror partial = Mirror.newBuilder(complete)
                .setPartial(true)
                .setPartialReason("tree has more than 5000 directories: 41 files listed from the first 5000")
                .build();

        publish(snapshot(partial, file("a/aligned.tsv", ALIGNED_TSV), file("b/cropped.tsv", CROPPED_TSV)));
        AlertEvent opened = alerts.readValue();
        assertEquals(AlertEventType.OPENED, opened.getEvent());
        assertEquals(
                "tree has more than 5000 directories: 41 files listed from the first 5000", opened.getPartialListing());

        publish(snapshot(partial, file("readme.md", 10)));
        assertTrue(alerts.isEmpty(), "a partial listing without the files resolves nothing");

        publish(snapshot(complete, file("readme.md", 10)));
        AlertEvent resolved = alerts.readValue();
        assertEquals(AlertEventType.RESOLVED, resolved.getEvent(), "a complete listing without them does");
        assertNull(resolved.getPartialListing());
    }

    @Test
    void whatAPartialListingDidNotListIsNotReportedRemoved() {
        Mirror complete = mirror("github:someone/many", MirrorStatus.PRESENT, Map.of());
        Mirror partial = Mirror.newBuilder(complete)
                .setPartial(true)
                .setPartialReason("tree has more than 2 files")
                .build();
        publish(snapshot(complete, file("a.txt", 1), file("b.txt", 2), file("c.txt", 3)));
        assertEquals(ChangeKind.APPEARED, changes.readValue().getKind());

        publish(snapshot(partial, file("a.txt", 1), file("d.txt", 4)));
        ManifestChange change = changes.readValue();
        assertEquals(ChangeKind.CHANGED, change.getKind());
        assertEquals(1, change.getAdded(), "d.txt");
        assertEquals(0, change.getRemoved(), "b and c were not listed, not removed");

        publish(snapshot(complete, file("a.txt", 1), file("d.txt", 4)));
        assertEquals(2, changes.readValue().getRemoved(), "a complete listing without b and c removes them");
    }
}
