package org.revenant.source.torrent;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.revenant.source.torrent.Bencoder.dict;
import static org.revenant.source.torrent.TorrentFixtures.file;
import static org.revenant.source.torrent.TorrentFixtures.multiFileInfo;
import static org.revenant.source.torrent.TorrentFixtures.singleFileInfo;
import static org.revenant.source.torrent.TorrentFixtures.torrent;
import static org.revenant.source.torrent.TorrentFixtures.v2File;
import static org.revenant.source.torrent.TorrentFixtures.v2Info;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.revenant.fuzz.Fuzz;
import org.revenant.fuzz.SharedCorpus;

/**
 * Hostile .torrent files: mutations of real torrents (the shared corpus when it is there, the
 * project's own fixtures always) and structures built to exhaust a parser. Whatever comes in, the
 * reader answers a {@link TorrentMetainfo} or a one-line {@link TorrentException}, quickly, and
 * without allocating much more than the input.
 */
@Timeout(30)
class TorrentFuzzTest {

    private static final Duration BUDGET = Duration.ofMillis(1500);
    private static final Duration HANG = Duration.ofSeconds(20);
    /**
     * Parsing builds a tree of the input, then a path and a file per entry: a torrent of tiny
     * 24-byte file entries allocates about 45 bytes per input byte, the most any input here
     * reached. BencodeReader's cap of 2,000,000 values bounds the total whatever the input.
     */
    private static final long ALLOCATION_PER_INPUT_BYTE = 64;

    private static final long ALLOCATION_SLACK = 4L << 20;

    private static final List<byte[]> SEEDS = new ArrayList<>();

    @BeforeAll
    static void seeds() throws IOException {
        SEEDS.add(torrent(singleFileInfo("single.bin", 100_000)));
        SEEDS.add(torrent(multiFileInfo("multi", List.of(file(40_000, "a", "b.bin"), file(30_000, "c.txt")))));
        Map<String, Object> tree = new LinkedHashMap<>();
        tree.put("x.bin", v2File(20_000, 1));
        tree.put("dir", dict("y.bin", v2File(50_000, 2)));
        SEEDS.add(torrent(v2Info("v2", tree)));
        var corpus = SharedCorpus.optional();
        if (corpus.isPresent()) {
            for (String folder : List.of("real-torrents", "libtorrent-test-torrents")) {
                try (Stream<Path> files = Files.list(corpus.get().resolve(folder))) {
                    for (Path f : files.filter(p -> p.toString().endsWith(".torrent"))
                            .sorted()
                            .toList()) {
                        SEEDS.add(Files.readAllBytes(f));
                    }
                }
            }
        } else {
            System.err.println("NO SHARED CORPUS: mutating the project's own torrents only");
        }
    }

    @Test
    void mutatedTorrentsAreReadOrRejectedWithOneLine() {
        Fuzz.run("torrent mutations", 4000, BUDGET, HANG, (random, i) -> {
            byte[] input = seed(random);
            int rounds = 1 + random.nextInt(4);
            for (int r = 0; r < rounds; r++) {
                input = mutate(input, random);
            }
            parseBounded(input);
        });
    }

    @Test
    void generatedHostileStructuresAreRejectedWithOneLine() {
        Fuzz.run("hostile bencode", 400, BUDGET, HANG, (random, i) -> parseBounded(hostile(random)));
    }

    @Test
    void hugeDeclaredLengthIsNotAllocated() throws Exception {
        for (String input : List.of(
                "99999999999:abc",
                "999999999999999999:x",
                "d4:info16777215:xe",
                "l2147483647:",
                "d8:announce2147483648:")) {
            long before = Fuzz.allocatedBytes();
            TorrentException e = assertThrows(
                    TorrentException.class, () -> TorrentMetainfo.parse(input.getBytes(StandardCharsets.US_ASCII)));
            long allocated = Fuzz.allocatedBytes() - before;
            Fuzz.assertClearMessage(e);
            assertTrue(allocated < 1 << 20, input + " allocated " + allocated + " bytes");
        }
    }

    @Test
    void deepNestingIsRefusedAtTheLimit() {
        byte[] lists = ("l".repeat(1_000_000)).getBytes(StandardCharsets.US_ASCII);
        TorrentException e = assertThrows(TorrentException.class, () -> TorrentMetainfo.parse(lists));
        assertTrue(e.getMessage().contains("nesting deeper than 64"), e.getMessage());
        byte[] dicts = ("d1:a".repeat(100_000)).getBytes(StandardCharsets.US_ASCII);
        e = assertThrows(TorrentException.class, () -> TorrentMetainfo.parse(dicts));
        assertTrue(e.getMessage().contains("nesting deeper than 64"), e.getMessage());
    }

    @Test
    void hugeIntegersAreRejectedWithoutBigArithmetic() {
        for (String digits : List.of(
                "9".repeat(100_000), "-" + "9".repeat(100_000), "9223372036854775808", "-9223372036854775809")) {
            byte[] input = ("d4:infod6:lengthi" + digits + "eee").getBytes(StandardCharsets.US_ASCII);
            TorrentException e = assertThrows(TorrentException.class, () -> TorrentMetainfo.parse(input));
            assertTrue(e.getMessage().contains("overflows 64 bits"), e.getMessage());
        }
    }

    @Test
    void sharedDirectoryNameIsNotCopiedIntoEveryPathWithoutBound() {
        // 100,000-character folder holding 3,000 files: 300 million characters of paths from 300 KB.
        byte[] input = v2TreeUnderOneFolder(100_000, 3_000);
        long before = Fuzz.allocatedBytes();
        TorrentException e = assertThrows(TorrentException.class, () -> TorrentMetainfo.parse(input));
        long allocated = Fuzz.allocatedBytes() - before;
        assertTrue(e.getMessage().contains("longer than 4096 characters"), e.getMessage());
        assertTrue(allocated < 32L << 20, "allocated " + allocated + " bytes for " + input.length);
    }

    @Test
    void pathsTogetherAreBounded() {
        // Each path is legal (4,002 characters), but 20,000 of them are 80 million characters.
        byte[] input = v2TreeUnderOneFolder(4_000, 20_000);
        TorrentException e = assertThrows(TorrentException.class, () -> TorrentMetainfo.parse(input));
        assertTrue(e.getMessage().contains("paths add up to more than"), e.getMessage());
    }

    @Test
    void v1PathLongerThanAFileSystemTakesIsRejected() {
        byte[] input = torrent(multiFileInfo("multi", List.of(file(1, "a".repeat(5_000)), file(1, "b"))));
        TorrentException e = assertThrows(TorrentException.class, () -> TorrentMetainfo.parse(input));
        assertTrue(e.getMessage().contains("longer than 4096 characters"), e.getMessage());
        Fuzz.assertClearMessage(e);
    }

    private static byte[] v2TreeUnderOneFolder(int folderNameLength, int files) {
        Map<String, Object> folder = new LinkedHashMap<>();
        for (int f = 0; f < files; f++) {
            folder.put(Integer.toString(f, 36), v2File(1, f));
        }
        return torrent(v2Info("n", dict("n".repeat(folderNameLength), folder)));
    }

    /** Parses under the property every input must meet; returns normally for either outcome. */
    private static void parseBounded(byte[] input) {
        long before = Fuzz.allocatedBytes();
        try {
            TorrentMetainfo meta = TorrentMetainfo.parse(input);
            assertTrue(meta.btih() != null || meta.btmh() != null, "read without an infohash");
        } catch (TorrentException e) {
            Fuzz.assertClearMessage(e);
        }
        long allocated = Fuzz.allocatedBytes() - before;
        long bound = ALLOCATION_SLACK + ALLOCATION_PER_INPUT_BYTE * input.length;
        assertTrue(
                allocated <= bound,
                "parsing " + input.length + " bytes allocated " + allocated + " bytes (bound " + bound + ")");
    }

    private static byte[] seed(SplittableRandom random) {
        return SEEDS.get(random.nextInt(SEEDS.size())).clone();
    }

    private static byte[] mutate(byte[] in, SplittableRandom random) {
        if (in.length == 0) {
            return "d4:infodee".getBytes(StandardCharsets.US_ASCII);
        }
        int at = random.nextInt(in.length);
        switch (random.nextInt(10)) {
            case 0 -> { // flip one bit
                in[at] ^= (byte) (1 << random.nextInt(8));
                return in;
            }
            case 1 -> { // a structural byte where it does not belong
                in[at] = (byte) "ilde:0123456789-".charAt(random.nextInt(16));
                return in;
            }
            case 2 -> { // truncate
                return Arrays.copyOf(in, at);
            }
            case 3 -> { // a length prefix claiming far more than there is
                return splice(
                        in,
                        at,
                        0,
                        ascii(random.nextBoolean() ? "99999999999:" : (random.nextInt(Integer.MAX_VALUE) + ":")));
            }
            case 4 -> { // nesting
                int depth = 1 + random.nextInt(200);
                return splice(in, at, 0, ascii((random.nextBoolean() ? "l" : "d1:k").repeat(depth)));
            }
            case 5 -> { // an integer far outside 64 bits, or with a forbidden form
                String[] ints = {
                    "i" + "9".repeat(1 + random.nextInt(40)) + "e",
                    "i-0e",
                    "i00e",
                    "ie",
                    "i-e",
                    "i9223372036854775807e",
                    "i-9223372036854775808e",
                    "i1.5e"
                };
                return splice(in, at, 0, ascii(ints[random.nextInt(ints.length)]));
            }
            case 6 -> { // duplicate a slice: repeated keys, repeated files
                int from = random.nextInt(in.length);
                int to = Math.min(in.length, from + 1 + random.nextInt(256));
                return splice(in, at, 0, Arrays.copyOfRange(in, from, to));
            }
            case 7 -> { // delete a slice
                int len = Math.min(in.length - at, 1 + random.nextInt(64));
                return splice(in, at, len, new byte[0]);
            }
            case 8 -> { // rewrite a decimal number (lengths, sizes) somewhere in the input
                for (int i = at; i < in.length; i++) {
                    if (in[i] >= '0' && in[i] <= '9') {
                        int end = i;
                        while (end < in.length && in[end] >= '0' && in[end] <= '9') {
                            end++;
                        }
                        String[] numbers = {
                            "0",
                            "1",
                            "-1",
                            "4294967296",
                            "9007199254740993",
                            "16384",
                            "20",
                            Long.toString(random.nextLong() & Long.MAX_VALUE)
                        };
                        return splice(in, i, end - i, ascii(numbers[random.nextInt(numbers.length)]));
                    }
                }
                return in;
            }
            default -> { // random bytes
                byte[] noise = new byte[1 + random.nextInt(32)];
                random.nextBytes(noise);
                return splice(in, at, Math.min(noise.length, in.length - at), noise);
            }
        }
    }

    /** Structures written from scratch to exhaust the parser rather than confuse it. */
    private static byte[] hostile(SplittableRandom random) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        switch (random.nextInt(7)) {
            case 0 -> { // deep lists or dictionaries, closed or not
                int depth = random.nextInt(100_000);
                String open = random.nextBoolean() ? "l" : "d1:a";
                write(out, "d4:info" + open.repeat(depth) + (random.nextBoolean() ? "e".repeat(depth) : "") + "e");
            }
            case 1 -> { // many keys in one dictionary, sorted or not, some repeated
                write(out, "d4:infod");
                int keys = random.nextInt(50_000);
                for (int k = 0; k < keys; k++) {
                    String key = Integer.toString(random.nextInt(4) == 0 ? k / 2 : k, 36);
                    write(out, key.length() + ":" + key + "i" + k + "e");
                }
                write(out, "ee");
            }
            case 2 -> { // a v1 torrent listing very many files
                int files = random.nextInt(100_000);
                write(out, "d4:infod5:filesl");
                for (int f = 0; f < files; f++) {
                    write(out, "d6:lengthi1e4:pathl1:" + (char) ('a' + f % 26) + "ee");
                }
                write(out, "e4:name1:n12:piece lengthi16384e6:pieces20:" + "x".repeat(20) + "ee");
            }
            case 3 -> { // a v2 tree with many files under one long directory name
                int files = random.nextInt(5_000);
                int nameLength = random.nextInt(8_000);
                write(out, "d4:infod9:file treed" + nameLength + ":" + "n".repeat(nameLength) + "d");
                for (int f = 0; f < files; f++) {
                    String name = Integer.toString(f, 36);
                    write(
                            out,
                            name.length() + ":" + name + "d0:d6:lengthi1e11:pieces root32:" + "r".repeat(32) + "eee");
                }
                write(out, "ee12:meta versioni2e4:name1:n12:piece lengthi16384eee");
            }
            case 4 -> { // a v2 tree as deep as the nesting limit allows
                int depth = random.nextInt(70);
                write(
                        out,
                        "d4:infod9:file tree" + "d1:d".repeat(depth) + "d0:d6:lengthi1e11:pieces root32:"
                                + "r".repeat(32) + "ee" + "e".repeat(depth)
                                + "12:meta versioni2e4:name1:n12:piece lengthi16384eee");
            }
            case 5 -> { // many empty strings and integers: the value count limit
                int values = random.nextInt(8) == 0 ? 2_000_001 : random.nextInt(100_000);
                write(out, "l");
                for (int v = 0; v < values; v++) {
                    write(out, random.nextBoolean() ? "0:" : "i0e");
                }
                write(out, "e");
            }
            default -> { // an announce list of many tiers
                int tiers = random.nextInt(50_000);
                write(out, "d8:announce-listl");
                for (int t = 0; t < tiers; t++) {
                    write(out, "l9:http://a/e");
                }
                write(out, "e4:infod6:lengthi1e4:name1:n12:piece lengthi16384e6:pieces20:" + "x".repeat(20) + "ee");
            }
        }
        return out.toByteArray();
    }

    private static byte[] splice(byte[] in, int at, int remove, byte[] insert) {
        byte[] out = new byte[in.length - remove + insert.length];
        System.arraycopy(in, 0, out, 0, at);
        System.arraycopy(insert, 0, out, at, insert.length);
        System.arraycopy(in, at + remove, out, at + insert.length, in.length - at - remove);
        return out;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static void write(ByteArrayOutputStream out, String s) {
        out.writeBytes(ascii(s));
    }
}
