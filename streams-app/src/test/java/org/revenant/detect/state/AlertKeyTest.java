package org.revenant.detect.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class AlertKeyTest {

    @Test
    void splitsAtTheFirstBarSoMirrorKeysMayHoldBars() {
        AlertKey key = AlertKey.parse("ms-celeb-1m|dir:host/a|b").orElseThrow();
        assertEquals("ms-celeb-1m", key.datasetId());
        assertEquals("dir:host/a|b", key.mirrorKey());
        assertEquals("ms-celeb-1m|dir:host/a|b", key.toString());
    }

    @Test
    void formatAndParseAreInverse() {
        String text = AlertKey.format("duke-mtmc", "torrent:abc");
        assertEquals(Optional.of(new AlertKey("duke-mtmc", "torrent:abc")), AlertKey.parse(text));
    }

    @Test
    void keysWithoutBothPartsDoNotParse() {
        for (String text : new String[] {null, "", "no-bar", "|torrent:abc", "ms-celeb-1m|"}) {
            assertTrue(AlertKey.parse(text).isEmpty(), "parsed: " + text);
        }
    }

    @Test
    void aDatasetIdCannotHoldABar() {
        assertThrows(IllegalArgumentException.class, () -> new AlertKey("a|b", "torrent:abc"));
    }

    @Test
    void storeKeyIsMirrorScopedSoAMirrorsAlertsAreOnePrefixRange() {
        assertEquals("torrent:abc\u0000ms-celeb-1m", new AlertKey("ms-celeb-1m", "torrent:abc").storeKey());
        assertTrue(new AlertKey("ms-celeb-1m", "torrent:abc")
                .storeKey()
                .startsWith(MirrorScopedKey.prefix("torrent:abc")));
    }
}
