package org.revenant.source.torrent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.revenant.fuzz.Fuzz;

/**
 * Hostile magnet links, as found in READMEs and descriptions: random and overlong parameters, bad
 * hex and base32, percent-encoding garbage, characters from anywhere in Unicode. Every one is read
 * or rejected with a one-line {@link TorrentException}, and what is read holds a usable infohash.
 */
@Timeout(30)
class MagnetLinkFuzzTest {

    private static final String HEX = "0123456789abcdefABCDEF";
    private static final String BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567abcdefghijklmnopqrstuvwxyz";

    @Test
    void generatedMagnetsAreReadOrRejectedWithOneLine() {
        Fuzz.run("magnets", 20_000, Duration.ofMillis(1500), Duration.ofSeconds(20), (random, i) -> {
            String magnet = magnet(random);
            try {
                MagnetLink link = MagnetLink.parse(magnet);
                assertTrue(link.btih() == null || link.btih().matches("[0-9a-f]{40}"), "btih " + link.btih());
                assertTrue(link.btmh() == null || link.btmh().matches("[0-9a-f]{64}"), "btmh " + link.btmh());
                assertTrue(link.exactLength() == null || link.exactLength() >= 0, "xl " + link.exactLength());
            } catch (TorrentException e) {
                Fuzz.assertClearMessage(e);
            } catch (RuntimeException e) {
                throw new AssertionError("magnet " + Fuzz.shorten(magnet) + " crashed the reader", e);
            }
        });
    }

    @Test
    void anOverlongLinkIsRefusedBeforeItIsRead() {
        String huge = "magnet:?xt=urn:btih:" + "a".repeat(40) + "&dn=" + "%41".repeat(5_000_000);
        TorrentException e = assertTimeoutPreemptively(
                Duration.ofSeconds(2), () -> assertThrows(TorrentException.class, () -> MagnetLink.parse(huge)));
        assertTrue(e.getMessage().contains("longer than"), e.getMessage());
    }

    @Test
    void base32AndHexSpellingsOfOneInfohashAgree() throws Exception {
        String hex = "9e67eb7cc23c9417f39778a8e06cca5e26196a97";
        String base32 = "TZT6W7GCHSKBP44XPCUOA3GKLYTBS2UX";
        assertEquals(hex, MagnetLink.parse("magnet:?xt=urn:btih:" + base32).btih());
        assertEquals(
                hex,
                MagnetLink.parse("magnet:?xt=urn:btih:" + base32.toLowerCase()).btih());
    }

    private static String magnet(SplittableRandom random) {
        StringBuilder out = new StringBuilder(random.nextInt(10) == 0 ? junk(random, 12) : "magnet:?");
        int params = random.nextInt(8);
        for (int p = 0; p < params; p++) {
            if (p > 0 || random.nextBoolean()) {
                out.append(random.nextInt(10) == 0 ? "&&" : "&");
            }
            String[] keys = {"xt", "xt.1", "XT", "dn", "tr", "tr.2", "xl", "ws", "x.pe", "", "=", junk(random, 4)};
            out.append(keys[random.nextInt(keys.length)]);
            if (random.nextInt(12) != 0) {
                out.append('=');
            }
            out.append(value(random));
        }
        return out.toString();
    }

    private static String value(SplittableRandom random) {
        return switch (random.nextInt(9)) {
            case 0 -> "urn:btih:" + from(random, HEX, pick(random, 40, 39, 41, 0, 64));
            case 1 -> "urn:btih:" + from(random, BASE32 + "0189=", pick(random, 32, 31, 33));
            case 2 ->
                "urn:btmh:" + pick(random, "1220", "1114", "12", "") + from(random, HEX, pick(random, 64, 63, 0, 2));
            case 3 -> "urn:" + junk(random, 20);
            case 4 -> percentGarbage(random);
            case 5 -> pick(random, "-1", "0", "9223372036854775807", "9223372036854775808", "1e9", "+5", " 7", "");
            case 6 -> junk(random, random.nextInt(5) == 0 ? 70_000 : 40);
            case 7 -> "http://tracker.example/" + junk(random, 10);
            default -> "URN:BTIH:" + from(random, HEX, 40);
        };
    }

    private static String percentGarbage(SplittableRandom random) {
        StringBuilder out = new StringBuilder();
        int n = random.nextInt(20);
        for (int i = 0; i < n; i++) {
            out.append(pick(
                    random,
                    "%",
                    "%4",
                    "%zz",
                    "%C3",
                    "%C3%A9",
                    "%FF%FE",
                    "%ED%A0%80",
                    "%00",
                    "+",
                    "%2B",
                    "%F0%9F%98%80",
                    "%E2%82",
                    "%%",
                    "a"));
        }
        return out.toString();
    }

    /** Any characters: ASCII, controls, Latin, CJK, emoji, and lone surrogates. */
    private static String junk(SplittableRandom random, int maxLength) {
        int n = random.nextInt(maxLength + 1);
        StringBuilder out = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            switch (random.nextInt(6)) {
                case 0 -> out.append((char) random.nextInt(0x20));
                case 1 -> out.append((char) (0xD800 + random.nextInt(0x800)));
                case 2 -> out.appendCodePoint(0x1F600 + random.nextInt(80));
                case 3 -> out.append((char) (0x4E00 + random.nextInt(0x5000)));
                default -> out.append((char) (0x20 + random.nextInt(0x5F)));
            }
        }
        return out.toString();
    }

    private static String from(SplittableRandom random, String alphabet, int length) {
        StringBuilder out = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            out.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return out.toString();
    }

    @SafeVarargs
    private static <T> T pick(SplittableRandom random, T... options) {
        return options[random.nextInt(options.length)];
    }
}
