package org.revenant.wire;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Objects;
import org.apache.avro.Schema;
import org.apache.avro.message.BadHeaderException;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.message.MissingSchemaException;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The one place Avro values become bytes and back. Values use Avro single-object encoding
 * ({@code C3 01} + 8-byte fingerprint + body), so any Avro library can read them with the
 * published schemas and no registry server; old writer schemas come from {@link SchemaHistory}.
 */
public final class AvroSerdes {

    private AvroSerdes() {}

    /** A serde for one generated record class; null values pass through (tombstones). */
    public static <T extends SpecificRecord> Serde<T> of(Class<T> type) {
        Objects.requireNonNull(type, "type");
        Schema schema = SpecificData.get().getSchema(type);
        BinaryMessageEncoder<T> encoder = new BinaryMessageEncoder<>(SpecificData.get(), schema);
        BinaryMessageDecoder<T> decoder = new BinaryMessageDecoder<>(SpecificData.get(), schema);
        for (Schema old : SchemaHistory.versionsOf(schema.getFullName())) {
            decoder.addSchema(old);
        }
        Serializer<T> serializer = (topic, value) -> {
            if (value == null) {
                return null;
            }
            try {
                ByteBuffer buffer = encoder.encode(value);
                byte[] bytes = new byte[buffer.remaining()];
                buffer.get(bytes);
                return bytes;
            } catch (IOException | RuntimeException e) {
                throw new SerializationException(
                        "cannot encode " + schema.getName() + " for topic " + topic + ": " + e.getMessage(), e);
            }
        };
        Deserializer<T> deserializer = (topic, bytes) -> {
            if (bytes == null) {
                return null;
            }
            try {
                return decoder.decode(bytes);
            } catch (BadHeaderException e) {
                throw new SerializationException(
                        "not an Avro single-object encoded " + schema.getName() + " on " + topic + ": "
                                + e.getMessage(),
                        e);
            } catch (MissingSchemaException e) {
                throw new SerializationException(
                        "unknown writer schema for " + schema.getName() + " on " + topic + ": " + e.getMessage(), e);
            } catch (IOException | RuntimeException e) {
                throw new SerializationException("cannot decode " + schema.getName() + " on " + topic + ": " + e, e);
            }
        };
        return Serdes.serdeFrom(serializer, deserializer);
    }
}
