package org.revenant.detect.manifest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.avro.Schema;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;
import org.revenant.avro.EntryKind;
import org.revenant.avro.ManifestEntry;
import org.revenant.avro.MirrorRecord;
import org.revenant.avro.StoredEntry;
import org.revenant.detect.state.MirrorScopedKey;
import org.revenant.wire.AvroSerdes;

class ManifestStoreTest {

    @Test
    void everyFieldOfTheEntrySchemaIsEitherIdentityOrContent() {
        Set<String> covered = new HashSet<>(ManifestStore.IDENTITY_FIELDS);
        covered.addAll(ManifestStore.CONTENT_FIELDS.keySet());
        Set<String> schema = new HashSet<>();
        ManifestEntry.getClassSchema().getFields().forEach(f -> schema.add(f.name()));
        assertEquals(
                schema,
                covered,
                "a ManifestEntry field must be listed in ManifestStore.CONTENT_FIELDS "
                        + "(its change makes an entry MODIFIED) or IDENTITY_FIELDS");
    }

    @Test
    void aChangeInAnyContentFieldMakesTheEntryDifferent() {
        ManifestEntry base = full();
        assertTrue(ManifestStore.sameContent(base, full()));
        for (String name : ManifestStore.CONTENT_FIELDS.keySet()) {
            Schema.Field field = ManifestEntry.getClassSchema().getField(name);
            ManifestEntry changed = full();
            changed.put(field.pos(), other(changed.get(field.pos())));
            assertFalse(ManifestStore.sameContent(base, changed), name + " is not compared");
        }
    }

    @Test
    void anotherPathAloneIsNotAContentChange() {
        ManifestEntry moved = full();
        moved.setPath("elsewhere/a.tsv");
        assertTrue(ManifestStore.sameContent(full(), moved));
    }

    @Test
    void anOldLayoutRecordWhoseEntryPathIsNotItsKeyIsConvertedUnderItsKey() {
        // Only a write straight to the old store's changelog can make them differ; a page must
        // still come out sorted, or the conversion would fail for that mirror on every attempt.
        MockProcessorContext<Void, Void> context = new MockProcessorContext<>();
        KeyValueStore<String, byte[]> pages = store(context, "pages", Serdes.ByteArray());
        KeyValueStore<String, StoredEntry> legacy = store(context, "legacy", AvroSerdes.of(StoredEntry.class));
        legacy.put(MirrorScopedKey.of("m", "a.txt"), new StoredEntry(file("zz/elsewhere.txt"), "s1"));
        legacy.put(MirrorScopedKey.of("m", "b.txt"), new StoredEntry(file("b.txt"), "s1"));
        legacy.put(MirrorScopedKey.of("m", "c.txt"), new StoredEntry(file("a.txt"), "s1"));
        ManifestStore store = new ManifestStore(
                pages,
                store(context, "pending", Serdes.ByteArray()),
                legacy,
                store(context, "mirrors", AvroSerdes.of(MirrorRecord.class)));

        assertEquals(0, store.convertLegacy("m", null, false));
        List<String> held = new ArrayList<>();
        store.forEachEntry("m", e -> held.add(e.getPath()));
        assertEquals(List.of("a.txt", "b.txt", "c.txt"), held);
        try (KeyValueIterator<String, StoredEntry> it = legacy.all()) {
            assertFalse(it.hasNext(), "the old records are gone");
        }
    }

    private static <V> KeyValueStore<String, V> store(
            MockProcessorContext<Void, Void> context, String name, Serde<V> values) {
        KeyValueStore<String, V> store = Stores.keyValueStoreBuilder(
                        Stores.inMemoryKeyValueStore(name), Serdes.String(), values)
                .withLoggingDisabled()
                .build();
        store.init(context.getStateStoreContext(), store);
        return store;
    }

    private static ManifestEntry file(String path) {
        return ManifestEntry.newBuilder()
                .setPath(path)
                .setSize(1L)
                .setKind(EntryKind.FILE)
                .build();
    }

    private static ManifestEntry full() {
        return ManifestEntry.newBuilder()
                .setPath("data/a.tsv")
                .setSize(10L)
                .setSha256("aa")
                .setSha1("bb")
                .setMd5("cc")
                .setGitBlobSha1("dd")
                .setLfsSha256("ee")
                .setKind(EntryKind.FILE)
                .setRef("main")
                .build();
    }

    private static Object other(Object value) {
        if (value instanceof Long l) {
            return l + 1;
        }
        if (value instanceof EntryKind kind) {
            return EntryKind.values()[(kind.ordinal() + 1) % EntryKind.values().length];
        }
        return value + "-changed";
    }
}
