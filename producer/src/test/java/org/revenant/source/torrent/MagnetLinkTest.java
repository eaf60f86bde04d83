package org.revenant.source.torrent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MagnetLinkTest {

    private static final String BTIH = "9e67eb7cc23c9417f39778a8e06cca5e26196a97";
    private static final String SHA256 = "d8b2c0ad1d3ee6f1c3c0e0b8b9e6f4d3a2c1b0a99887766554433221100ffeed";

    @Test
    void hexBtihIsNormalisedToLowerCase() throws Exception {
        MagnetLink magnet = MagnetLink.parse("magnet:?xt=urn:btih:" + BTIH.toUpperCase());
        assertEquals(BTIH, magnet.btih());
        assertNull(magnet.btmh());
    }

    @Test
    void base32BtihBecomesTheSameHex() throws Exception {
        assertEquals(
                BTIH,
                MagnetLink.parse("magnet:?xt=urn:btih:TZT6W7GCHSKBP44XPCUOA3GKLYTBS2UX")
                        .btih());
        assertEquals(
                BTIH,
                MagnetLink.parse("magnet:?xt=urn:btih:tzt6w7gchskbp44xpcuoa3gklytbs2ux")
                        .btih());
    }

    @Test
    void btmhKeepsTheSha256DigestWithoutMultihashPrefix() throws Exception {
        MagnetLink magnet = MagnetLink.parse("magnet:?xt=urn:btmh:1220" + SHA256);
        assertEquals(SHA256, magnet.btmh());
        assertNull(magnet.btih());
    }

    @Test
    void hybridMagnetCarriesBothHashesNameTrackersAndLength() throws Exception {
        MagnetLink magnet = MagnetLink.parse("magnet:?xt=urn:btih:" + BTIH + "&xt=urn:btmh:1220" + SHA256
                + "&dn=MS-Celeb-1M%20%28aligned%29&tr=udp%3A%2F%2Ftracker.example%3A1337&tr.1=http://t2.example/a"
                + "&xl=246390693904");
        assertEquals(BTIH, magnet.btih());
        assertEquals(SHA256, magnet.btmh());
        assertEquals("MS-Celeb-1M (aligned)", magnet.displayName());
        assertEquals(List.of("udp://tracker.example:1337", "http://t2.example/a"), magnet.trackers());
        assertEquals(246_390_693_904L, magnet.exactLength());
    }

    @Test
    void plusAndUtf8PercentEscapesDecodeInDisplayName() throws Exception {
        assertEquals(
                "Caf\u00e9 faces",
                MagnetLink.parse("magnet:?xt=urn:btih:" + BTIH + "&dn=Caf%C3%A9+faces")
                        .displayName());
    }

    @Test
    void unrelatedExactTopicsAreIgnoredWhenABtihIsPresent() throws Exception {
        assertEquals(
                BTIH,
                MagnetLink.parse("magnet:?xt=urn:ed2k:31D6CFE0D16AE931B73C59D7E0C089C0&xt=urn:btih:" + BTIH)
                        .btih());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "http://example.org/x.torrent | invalid magnet link: does not start with 'magnet:?'",
                "magnet:?dn=nothing | invalid magnet link: no xt=urn:btih: or xt=urn:btmh: infohash",
                "magnet:?xt=urn:btih:abc | invalid magnet link: btih 'abc' is neither 40 hex nor 32 base32 characters",
                "magnet:?xt=urn:btih:9e67eb7cc23c9417f39778a8e06cca5e26196a9z | invalid magnet link: btih '9e67eb7cc23c9417f39778a8e06cca5e26196a9z' is neither 40 hex nor 32 base32 characters",
                "magnet:?xt=urn:btih:TZT6W7GCHSKBP44XPCUOA3GKLYTBS2U1 | invalid magnet link: btih 'TZT6W7GCHSKBP44XPCUOA3GKLYTBS2U1' has a character outside base32",
                "magnet:?xt=urn:btmh:1114abcd | invalid magnet link: btmh uses multihash type 0x1114, only sha2-256 (1220) is defined for BitTorrent v2",
                "magnet:?xt=urn:btmh:1220abcd | invalid magnet link: btmh sha2-256 digest has 4 hex characters, expected 64",
                "magnet:?xt=urn:btih:9e67eb7cc23c9417f39778a8e06cca5e26196a97&dn=bad%zz | invalid magnet link: bad percent-escape in 'bad%zz'",
                "magnet:?xt=urn:btih:9e67eb7cc23c9417f39778a8e06cca5e26196a97&dn=%ff | invalid magnet link: '%ff' does not decode to UTF-8",
                "magnet:?xt=urn:btih:9e67eb7cc23c9417f39778a8e06cca5e26196a97&xl=-5 | invalid magnet link: xl '-5' is not a byte count",
                "magnet:?xt=urn:btih:9e67eb7cc23c9417f39778a8e06cca5e26196a97&dn | invalid magnet link: parameter 'dn' has no value",
                "magnet:?xt=urn:btih:9e67eb7cc23c9417f39778a8e06cca5e26196a97&xt=urn:btih:0000000000000000000000000000000000000000 | invalid magnet link: two different btih infohashes",
            })
    void malformedMagnetsAreRejectedWithAClearMessage(String uri, String message) {
        assertEquals(
                message,
                assertThrows(TorrentException.class, () -> MagnetLink.parse(uri))
                        .getMessage());
    }

    @Test
    void overlongMagnetIsRejected() {
        String uri = "magnet:?xt=urn:btih:" + BTIH + "&dn=" + "a".repeat(MagnetLink.MAX_LENGTH);
        assertEquals(
                "invalid magnet link: longer than 65536 characters",
                assertThrows(TorrentException.class, () -> MagnetLink.parse(uri))
                        .getMessage());
    }
}
