package org.revenant.source.torrent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.revenant.fuzz.SharedCorpus;

/**
 * Runs the parser over the shared corpus of real and libtorrent test torrents. The corpus is not
 * part of the project; {@link SharedCorpus} finds it ({@code REVENANT_CORPUS}, else
 * {@code shared/corpus} above the checkout) and the tests are skipped, loudly, only when it is
 * nowhere to be found.
 */
@Tag("corpus")
class CorpusVerificationTest {

    /** Where Revenant and libtorrent part ways on purpose: docs/decisions/002-torrent-parsing.md. */
    private static final Set<String> DOCUMENTED_DISAGREEMENTS = Set.of(
            "absolute_filename.torrent",
            "hidden_parent_path.torrent",
            "invalid_directory_name.torrent",
            "invalid_filename.torrent",
            "invalid_filename2.torrent",
            "invalid_name2.torrent",
            "parent_path.torrent",
            "slash_path.torrent",
            "slash_path2.torrent",
            "slash_path3.torrent",
            "symlink_filtered_path.torrent",
            "empty_path.torrent",
            "empty_path_multi.torrent",
            "v2_invalid_filename.torrent",
            "large_piece_size.torrent",
            "v2_invalid_filename2.torrent",
            "v2_invalid_piece_layer.torrent",
            "v2_invalid_piece_layer_size.torrent",
            "v2_non_multiple_piece_layer.torrent",
            "v2_piece_layer_invalid_file_hash.torrent",
            "v2_large_file.torrent",
            "v2_large_offset.torrent",
            "v2_unordered_files.torrent");

    private static Path corpus() {
        return SharedCorpus.require();
    }

    @Test
    void msCelebTorrentHasKnownInfohashAndItsSevenFiles() throws Exception {
        Path file = single(corpus().resolve("real-torrents"), "MS-Celeb-1M-");
        TorrentMetainfo meta = TorrentMetainfo.parse(Files.readAllBytes(file));
        assertEquals("9e67eb7cc23c9417f39778a8e06cca5e26196a97", meta.btih());
        assertEquals(7, meta.files().size());
        List<Long> sizes = meta.files().stream().map(TorrentFile::size).toList();
        assertTrueMsg(sizes.contains(91_124_295_076L), "TSV of 91,124,295,076 bytes");
        assertTrueMsg(sizes.contains(155_266_310_084L), "TSV of 155,266,310,084 bytes");
        System.out.println("MS-Celeb-1M: " + meta.name() + " " + meta.totalSize() + " bytes");
        meta.files().forEach(f -> System.out.println("  " + f.path() + " " + f.size()));
    }

    @Test
    void glintTorrentHasKnownInfohash() throws Exception {
        Path file = single(corpus().resolve("real-torrents"), "glint360k-");
        TorrentMetainfo meta = TorrentMetainfo.parse(Files.readAllBytes(file));
        assertEquals("e5f46ee502b9e76da8cc3a0e4f7c17e4000c7b1e", meta.btih());
        System.out.println(
                "glint360k: " + meta.name() + " " + meta.files().size() + " files, " + meta.totalSize() + " bytes");
    }

    @Test
    void libtorrentCorpusNeverCrashesAndDisagreesOnlyWhereDocumented() throws Exception {
        Path dir = corpus().resolve("libtorrent-test-torrents");
        Map<String, String> expected = new HashMap<>();
        for (String line : Files.readAllLines(dir.resolve("EXPECTED.txt"))) {
            String[] parts = line.trim().split("\\s+");
            if (parts.length == 2 && !line.startsWith("#")) {
                expected.put(parts[0], parts[1]);
            }
        }
        int accepted = 0;
        int rejected = 0;
        StringBuilder mismatches = new StringBuilder();
        Set<String> disagreements = new TreeSet<>();
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.toString().endsWith(".torrent")).sorted().toList();
        }
        for (Path file : files) {
            byte[] data = Files.readAllBytes(file);
            String verdict;
            String detail;
            try {
                TorrentMetainfo meta =
                        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> TorrentMetainfo.parse(data));
                verdict = "valid";
                detail = (meta.btih() != null ? meta.btih() : "btmh:" + meta.btmh()) + " "
                        + meta.files().size() + " files";
                accepted++;
            } catch (Throwable e) {
                // assertTimeoutPreemptively rethrows the parser's checked exception unchanged
                if (!(e instanceof TorrentException)) {
                    fail(file.getFileName() + " crashed the parser: " + e);
                }
                verdict = "invalid";
                detail = e.getMessage();
                rejected++;
            }
            String name = file.getFileName().toString();
            String want = expected.getOrDefault(name, "?");
            String mark = want.equals(verdict) ? "  " : (want.equals("unclassified") ? " ~" : "!!");
            String line = mark + " " + name + " expected=" + want + " got=" + verdict + " : " + detail;
            System.out.println(line);
            if (mark.equals("!!")) {
                mismatches.append(line).append('\n');
                disagreements.add(name);
            }
        }
        System.out.println("accepted " + accepted + ", rejected " + rejected + " of " + files.size());
        System.out.println("mismatches vs EXPECTED.txt:\n" + mismatches);
        Set<String> undocumented = new TreeSet<>(disagreements);
        undocumented.removeAll(DOCUMENTED_DISAGREEMENTS);
        Set<String> gone = new TreeSet<>(DOCUMENTED_DISAGREEMENTS);
        gone.removeAll(disagreements);
        assertTrue(
                undocumented.isEmpty() && gone.isEmpty(),
                "verdicts changed against libtorrent's:"
                        + " new disagreements " + undocumented + ", documented ones that no longer disagree " + gone
                        + "; update docs/decisions/002-torrent-parsing.md and this list together");
    }

    private static Path single(Path dir, String prefix) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().startsWith(prefix))
                    .findFirst()
                    .orElseThrow(() -> new IOException("no " + prefix + "* in " + dir));
        }
    }

    private static void assertTrueMsg(boolean condition, String what) {
        if (!condition) {
            fail("missing " + what);
        }
    }
}
