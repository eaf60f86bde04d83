package org.revenant.detect.manifest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;
import org.revenant.avro.EntryKind;
import org.revenant.avro.ManifestEntry;

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
