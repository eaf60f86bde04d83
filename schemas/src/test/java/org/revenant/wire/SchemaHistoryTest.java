package org.revenant.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;
import org.revenant.avro.AlertEvent;
import org.revenant.avro.AlertMove;
import org.revenant.avro.AlertState;
import org.revenant.avro.AnalystDecision;
import org.revenant.avro.AssemblyState;
import org.revenant.avro.CensusMirror;
import org.revenant.avro.CensusStats;
import org.revenant.avro.CrawlCheckpoint;
import org.revenant.avro.CrawlJob;
import org.revenant.avro.ManifestChange;
import org.revenant.avro.MirrorRecord;
import org.revenant.avro.RetractedDataset;
import org.revenant.avro.SnapshotChunk;
import org.revenant.avro.SourceHealthEvent;
import org.revenant.avro.StoredEntry;

class SchemaHistoryTest {

    static final List<Class<?>> VALUE_TYPES = List.of(
            SnapshotChunk.class,
            RetractedDataset.class,
            ManifestChange.class,
            AlertEvent.class,
            AlertState.class,
            AnalystDecision.class,
            CrawlJob.class,
            CrawlCheckpoint.class,
            AssemblyState.class,
            StoredEntry.class,
            MirrorRecord.class,
            AlertMove.class,
            CensusStats.class,
            SourceHealthEvent.class,
            CensusMirror.class);

    static final List<String> RELEASED = List.of(
            "SnapshotChunk-v1",
            "RetractedDataset-v1",
            "ManifestChange-v1",
            "AlertEvent-v1",
            "AlertState-v1",
            "AnalystDecision-v1",
            "CrawlJob-v1",
            "CrawlCheckpoint-v1",
            "AssemblyState-v1",
            "AssemblyState-v2",
            "StoredEntry-v1",
            "MirrorRecord-v1",
            "SnapshotChunk-v2",
            "AssemblyState-v3",
            "MirrorRecord-v2",
            "AlertEvent-v2",
            "AlertState-v2",
            "SnapshotChunk-v3",
            "RetractedDataset-v2",
            "AlertEvent-v3",
            "AlertState-v3",
            "AnalystDecision-v2",
            "AssemblyState-v4",
            "StoredEntry-v2",
            "MirrorRecord-v3",
            "AlertEvent-v4",
            "AlertState-v4",
            "AlertMove-v1",
            "CensusStats-v1",
            "SourceHealthEvent-v1",
            "CensusMirror-v1",
            "AnalystDecision-v3",
            "AssemblyState-v5",
            "MirrorRecord-v4");

    /**
     * (Readers that have the defaults read any newer symbol as UNKNOWN: see
     * {@link #aSymbolAddedByANewerReleaseReadsAsUnknown}; readers released before them can only
     * read the symbols they know, which is what the checks below give them.)
     *
     * The symbol each growable enum reads an unknown symbol as (its Avro default). Releases before
     * the defaults lack it; the current writer never writes it of its own accord, so the only
     * difference those readers may see is that missing symbol.
     */
    static final String UNKNOWN = "UNKNOWN";

    static final List<String> GROWABLE =
            List.of("SignatureKind", "EntryKind", "MirrorStatus", "DecisionKind", "AlertEventType", "CensusScope");

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
            assertTrue(
                    SchemaHistory.versionsOf(released.getFullName()).stream()
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
                assertEquals(
                        SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE,
                        result.getType(),
                        current.getName() + " cannot read a released version: " + result.getDescription());
            }
        }
    }

    @Test
    void everyReleasedReaderReadsWhatTheCurrentWriterWrites() throws IOException {
        for (Class<?> type : VALUE_TYPES) {
            Schema current = SpecificData.get().getSchema(type);
            for (Schema old : SchemaHistory.versionsOf(current.getFullName())) {
                // What the writer writes of its own accord (every symbol but UNKNOWN), in records that a
                // reader without enum defaults can take: only the symbols that reader knows.
                Schema asWritten = new Schema.Parser()
                        .parse(Samples.onlySymbolsKnownTo(Samples.withoutSymbol(current.toString(), UNKNOWN), old));
                var result = SchemaCompatibility.checkReaderWriterCompatibility(old, asWritten);
                assertEquals(
                        SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE,
                        result.getType(),
                        "a released " + current.getName() + " reader cannot read the current writer: "
                                + result.getDescription());
                // And in bytes: a record with every field set, written now, decodes with the old reader.
                GenericRecord written = (GenericRecord)
                        Samples.of(current, e -> e.getEnumSymbols().get(0));
                GenericRecord read = roundTrip(written, current, new GenericDatumReader<>(current, old));
                assertSameWhereBothHave(written, read, current.getName());
            }
        }
    }

    @Test
    void everyGrowableEnumHasTheUnknownDefault() {
        for (Class<?> type : VALUE_TYPES) {
            Samples.enums(SpecificData.get().getSchema(type)).forEach(e -> {
                if (GROWABLE.contains(e.getName())) {
                    assertEquals(UNKNOWN, e.getEnumDefault(), e.getName() + " can grow, so it needs a default");
                    assertEquals(
                            UNKNOWN,
                            e.getEnumSymbols().get(e.getEnumSymbols().size() - 1),
                            e.getName() + ": UNKNOWN is appended last");
                }
            });
        }
    }

    @Test
    void aSymbolAddedByANewerReleaseReadsAsUnknown() throws IOException {
        for (Class<?> type : VALUE_TYPES) {
            Schema current = SpecificData.get().getSchema(type);
            if (Samples.enums(current).stream().noneMatch(e -> GROWABLE.contains(e.getName()))) {
                continue;
            }
            // The next release: every growable enum gained a symbol, and this record uses it.
            Schema future = new Schema.Parser().parse(Samples.withSymbol(current.toString(), GROWABLE, "ADDED_LATER"));
            GenericRecord written = (GenericRecord) Samples.of(
                    future,
                    e -> GROWABLE.contains(e.getName())
                            ? "ADDED_LATER"
                            : e.getEnumSymbols().get(0));
            SpecificRecord read = roundTrip(
                    written, future, new SpecificDatumReader<>(future, current, SpecificData.getForClass(type)));
            String text = read.toString();
            assertFalse(text.contains("ADDED_LATER"), text);
            for (Schema e : Samples.enums(current)) {
                if (GROWABLE.contains(e.getName())) {
                    assertTrue(
                            text.contains("\"" + UNKNOWN + "\""),
                            type.getSimpleName() + " read " + e.getName() + " as: " + text);
                }
            }
        }
    }

    /** Every value the reader's schema kept equals what was written (fields it lacks are dropped). */
    static void assertSameWhereBothHave(Object written, Object read, String path) {
        if (read instanceof GenericRecord r) {
            for (Schema.Field field : r.getSchema().getFields()) {
                Object w = written instanceof GenericRecord wr && wr.getSchema().getField(field.name()) != null
                        ? wr.get(field.name())
                        : null;
                if (w != null) {
                    assertSameWhereBothHave(w, r.get(field.name()), path + "." + field.name());
                }
            }
        } else if (read instanceof List<?> r && written instanceof List<?> w) {
            assertEquals(w.size(), r.size(), path);
            for (int i = 0; i < r.size(); i++) {
                assertSameWhereBothHave(w.get(i), r.get(i), path + "[" + i + "]");
            }
        } else if (read instanceof Map<?, ?> r && written instanceof Map<?, ?> w) {
            assertEquals(
                    w.keySet().toString(),
                    r.keySet().stream().map(String::valueOf).toList().toString(),
                    path);
            r.forEach((k, v) -> assertSameWhereBothHave(w.get(String.valueOf(k)), v, path + "{" + k + "}"));
        } else {
            assertEquals(String.valueOf(written), String.valueOf(read), path + " read by a released reader");
        }
    }

    static <T> T roundTrip(GenericRecord record, Schema writer, DatumReader<T> reader) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        var encoder = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(writer).write(record, encoder);
        encoder.flush();
        return reader.read(null, DecoderFactory.get().binaryDecoder(out.toByteArray(), null));
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
