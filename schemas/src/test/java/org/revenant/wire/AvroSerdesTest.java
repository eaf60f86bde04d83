package org.revenant.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificRecord;
import org.apache.avro.util.RandomData;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.Test;
import org.revenant.avro.AlertEvent;
import org.revenant.avro.AlertEventType;
import org.revenant.avro.EntryKind;
import org.revenant.avro.Evidence;
import org.revenant.avro.ManifestEntry;
import org.revenant.avro.Mirror;
import org.revenant.avro.MirrorStatus;
import org.revenant.avro.Severity;
import org.revenant.avro.SignatureKind;
import org.revenant.avro.SnapshotChunk;

class AvroSerdesTest {

    private final Topics topics = Topics.defaults();

    @Test
    void snapshotChunkRoundTripsWithSingleObjectHeader() {
        SnapshotChunk chunk = SnapshotChunk.newBuilder()
                .setSnapshotId("s-1")
                .setMirror(Mirror.newBuilder()
                        .setKey("torrent:abc")
                        .setPlatform("torrent")
                        .setLocator("abc")
                        .setStatus(MirrorStatus.PRESENT)
                        .setIdentifiers(Map.of("btih", "abc"))
                        .build())
                .setObservedAt(Instant.parse("2026-11-22T00:00:00Z"))
                .setCrawler("test")
                .setChunkIndex(0)
                .setChunkCount(1)
                .setTotalEntries(1)
                .setTotalBytes(5)
                .setEntries(List.of(ManifestEntry.newBuilder()
                        .setPath("a/b.tsv")
                        .setSize(5L)
                        .setKind(EntryKind.FILE)
                        .build()))
                .build();
        byte[] bytes = topics.snapshots.serializeValue(chunk);
        assertEquals((byte) 0xC3, bytes[0]);
        assertEquals((byte) 0x01, bytes[1]);
        assertEquals(chunk, topics.snapshots.deserializeValue(bytes));
    }

    @Test
    void garbageBytesRaiseSerializationException() {
        var e = assertThrows(
                SerializationException.class, () -> topics.snapshots.deserializeValue("{\"not\":\"avro\"}".getBytes()));
        assertTrue(e.getMessage().contains("SnapshotChunk"), e.getMessage());
    }

    @Test
    void truncatedBodyRaisesSerializationException() {
        byte[] good = topics.alerts.serializeValue(sampleAlert());
        byte[] cut = Arrays.copyOf(good, good.length / 2);
        assertThrows(SerializationException.class, () -> topics.alerts.deserializeValue(cut));
    }

    @Test
    void recordOfAnotherTypeIsRejectedByFingerprint() {
        byte[] alert = topics.alerts.serializeValue(sampleAlert());
        var e = assertThrows(SerializationException.class, () -> topics.snapshots.deserializeValue(alert));
        assertTrue(e.getMessage().contains("unknown writer schema"), e.getMessage());
    }

    @Test
    void unknownEnumSymbolFromANewerWriterIsASerializationException() throws IOException {
        String json = Mirror.getClassSchema().toString().replace("\"UNKNOWN\"]", "\"UNKNOWN\",\"QUARANTINED\"]");
        Schema newer = new Schema.Parser().parse(json);
        GenericRecord mirror = new GenericData.Record(newer);
        mirror.put("key", "github:a/b");
        mirror.put("platform", "github");
        mirror.put("locator", "a/b");
        mirror.put("status", new GenericData.EnumSymbol(newer.getField("status").schema(), "QUARANTINED"));
        mirror.put("identifiers", Map.of());
        mirror.put("partial", false);
        ByteBuffer buffer = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), newer).encode(mirror);
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        assertThrows(
                SerializationException.class,
                () -> AvroSerdes.of(Mirror.class).deserializer().deserialize("t", bytes));
    }

    @Test
    void nullIsATombstoneBothWays() {
        assertNull(topics.registry.serializeValue(null));
        assertNull(topics.registry.deserializeValue(null));
    }

    @Test
    void randomRecordsWrittenWithEachReleasedVersionDecode() throws IOException {
        for (var entry : SchemaHistory.all().entrySet()) {
            Serde<?> serde = serdeFor(entry.getKey());
            for (Schema released : entry.getValue()) {
                BinaryMessageEncoder<GenericRecord> oldWriter = new BinaryMessageEncoder<>(GenericData.get(), released);
                RandomData random = new RandomData(released, 50, new Random(42).nextLong());
                for (Object datum : random) {
                    ByteBuffer buffer = oldWriter.encode((GenericRecord) datum);
                    byte[] bytes = new byte[buffer.remaining()];
                    buffer.get(bytes);
                    assertNotNull(serde.deserializer().deserialize("t", bytes), released.getName());
                }
            }
        }
    }

    @Test
    void bytesWrittenByReleaseOneStillDecode() throws IOException {
        byte[] bytes;
        try (InputStream in = getClass().getResourceAsStream("/released/AlertEvent-v1.bin")) {
            assertNotNull(in, "fixture missing");
            bytes = in.readAllBytes();
        }
        AlertEvent decoded = topics.alerts.deserializeValue(bytes);
        assertEquals(sampleAlert(), decoded);
        assertNull(decoded.getPartialListing(), "a field v1 did not have reads as its default");
        byte[] current = topics.alerts.serializeValue(decoded);
        assertFalse(Arrays.equals(bytes, current), "the current writer writes v2, with its own fingerprint");
        assertEquals(decoded, topics.alerts.deserializeValue(current));
    }

    static AlertEvent sampleAlert() {
        return AlertEvent.newBuilder()
                .setEventId("ms-celeb-1m|torrent:9e67eb7cc23c9417f39778a8e06cca5e26196a97#1")
                .setAlertKey("ms-celeb-1m|torrent:9e67eb7cc23c9417f39778a8e06cca5e26196a97")
                .setEvent(AlertEventType.OPENED)
                .setDatasetId("ms-celeb-1m")
                .setDatasetName("MS-Celeb-1M")
                .setMirrorKey("torrent:9e67eb7cc23c9417f39778a8e06cca5e26196a97")
                .setPlatform("torrent")
                .setMirrorUrl("magnet:?xt=urn:btih:9e67eb7cc23c9417f39778a8e06cca5e26196a97")
                .setSeverity(Severity.CONFIRMED)
                .setConfidence(1.0)
                .setPostRetraction(true)
                .setReappearances(0)
                .setObservedAt(Instant.parse("2026-11-22T00:00:00Z"))
                .setSnapshotId("snap-1")
                .setEvidence(List.of(Evidence.newBuilder()
                        .setKind(SignatureKind.BTIH)
                        .setSignature("9e67eb7cc23c9417f39778a8e06cca5e26196a97")
                        .setWeight(1.0)
                        .setDetail("torrent infohash")
                        .build()))
                .build();
    }

    @SuppressWarnings("unchecked")
    private static Serde<?> serdeFor(String fullName) {
        try {
            return AvroSerdes.of((Class<? extends SpecificRecord>) Class.forName(fullName));
        } catch (ClassNotFoundException e) {
            throw new AssertionError("released schema without a generated class: " + fullName, e);
        }
    }
}
