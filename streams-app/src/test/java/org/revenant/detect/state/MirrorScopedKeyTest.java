package org.revenant.detect.state;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

class MirrorScopedKeyTest {

    @Test
    void partsAreJoinedByNulAfterTheMirror() {
        assertEquals("github:o/r\u0000data/a.tsv", MirrorScopedKey.of("github:o/r", "data/a.tsv"));
        assertEquals("m\u0000d\u0000s", MirrorScopedKey.of("m", "d", "s"));
        assertEquals("m", MirrorScopedKey.of("m"));
        assertEquals("m\u0000d\u0000", MirrorScopedKey.prefix("m", "d"));
        assertEquals("0000000000000000007", MirrorScopedKey.lastPart("m\u0000d\u00000000000000000000007"));
    }

    @Test
    void aMirrorsRangeDoesNotTakeInAMirrorWhoseKeyExtendsIt() {
        KeyValueStore<String, String> store = Stores.keyValueStoreBuilder(
                        Stores.inMemoryKeyValueStore("keys"), Serdes.String(), Serdes.String())
                .withLoggingDisabled()
                .build();
        store.init(new MockProcessorContext<>().getStateStoreContext(), store);
        store.put(MirrorScopedKey.of("github:o/r", "b"), "r-b");
        store.put(MirrorScopedKey.of("github:o/r", "a"), "r-a");
        store.put(MirrorScopedKey.of("github:o/rx", "a"), "rx-a");
        store.put("github:o/r", "the mirror record itself");

        List<String> values = new ArrayList<>();
        try (KeyValueIterator<String, String> it = MirrorScopedKey.range(store, "github:o/r")) {
            it.forEachRemaining(kv -> values.add(kv.value));
        }
        assertEquals(List.of("r-a", "r-b"), values);
    }
}
