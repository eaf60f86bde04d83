package org.revenant.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.specific.SpecificData;
import org.junit.jupiter.api.Test;
import org.revenant.avro.AlertEvent;
import org.revenant.avro.AlertState;
import org.revenant.avro.AnalystDecision;
import org.revenant.avro.CrawlCheckpoint;
import org.revenant.avro.CrawlJob;
import org.revenant.avro.ManifestChange;
import org.revenant.avro.RetractedDataset;
import org.revenant.avro.SnapshotChunk;

class SchemaHistoryTest {

    static final List<Class<?>> VALUE_TYPES = List.of(SnapshotChunk.class, RetractedDataset.class, ManifestChange.class,
            AlertEvent.class, AlertState.class, AnalystDecision.class, CrawlJob.class, CrawlCheckpoint.class, org.revenant.avro.AssemblyState.class,
            org.revenant.avro.StoredEntry.class, org.revenant.avro.MirrorRecord.class);

    static final List<String> RELEASED = List.of("SnapshotChunk-v1", "RetractedDataset-v1", "ManifestChange-v1",
            "AlertEvent-v1", "AlertState-v1", "AnalystDecision-v1", "CrawlJob-v1", "CrawlCheckpoint-v1", "AssemblyState-v1", "AssemblyState-v2", "StoredEntry-v1", "MirrorRecord-v1",
            "SnapshotChunk-v2", "AssemblyState-v3", "MirrorRecord-v2", "AlertEvent-v2", "AlertState-v2");

    @Test
    void currentSchemaOfEveryValueIsARecordedRelease() {
        for (Class<?> type : VALUE_TYPES) {
            Schema current = SpecificData.get().getSchema(type);
            long fingerprint = SchemaNormalization.parsingFingerprint64(current);
            boolean recorded = SchemaHistory.versionsOf(current.getFullName()).stream()
                    .anyMatch(s -> SchemaNormalization.parsingFingerprint64(s) == fingerprint);
            assertTrue(recorded, type.getSimpleName() + " changed: add its new version to schema-history/INDEX");
        }
    }

    @Test
    void historyStillHoldsEveryReleasedVersion() throws IOException {
        for (String name : RELEASED) {
            Schema released = new Schema.Parser().parse(resource("/released/" + name + ".avsc"));
            long fingerprint = SchemaNormalization.parsingFingerprint64(released);
            assertTrue(SchemaHistory.versionsOf(released.getFullName()).stream()
                            .anyMatch(s -> SchemaNormalization.parsingFingerprint64(s) == fingerprint),
                    name + " was removed from the schema history");
        }
    }

    @Test
    void everyReleasedVersionIsReadableByTheCurrentSchema() {
        for (Class<?> type : VALUE_TYPES) {
            Schema current = SpecificData.get().getSchema(type);
            List<Schema> versions = SchemaHistory.versionsOf(current.getFullName());
            assertFalse(versions.isEmpty(), "no released version of " + current.getName());
            for (Schema old : versions) {
                var result = SchemaCompatibility.checkReaderWriterCompatibility(current, old);
                assertEquals(SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE, result.getType(),
                        current.getName() + " cannot read a released version: " + result.getDescription());
            }
        }
    }

    static String resource(String path) throws IOException {
        try (InputStream in = SchemaHistoryTest.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IOException("missing test resource " + path);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
