package org.revenant.wire;

import java.util.Map;
import java.util.Objects;
import org.apache.kafka.common.serialization.Serde;

/**
 * A topic with its name, serdes and creation settings. Producers, the streams app, the CLI and
 * the tests all reach topics through {@link Topics}; no topic name is written anywhere else.
 */
public record Topic<K, V>(String name, Serde<K> keySerde, Serde<V> valueSerde, Map<String, String> configs) {

    public Topic {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(keySerde, "keySerde");
        Objects.requireNonNull(valueSerde, "valueSerde");
        configs = Map.copyOf(configs);
    }

    public byte[] serializeKey(K key) {
        return keySerde.serializer().serialize(name, key);
    }

    public byte[] serializeValue(V value) {
        return valueSerde.serializer().serialize(name, value);
    }

    public K deserializeKey(byte[] bytes) {
        return keySerde.deserializer().deserialize(name, bytes);
    }

    public V deserializeValue(byte[] bytes) {
        return valueSerde.deserializer().deserialize(name, bytes);
    }

    public boolean compacted() {
        return "compact".equals(configs.get("cleanup.policy"));
    }

    @Override
    public String toString() {
        return name;
    }
}
