package org.revenant.source.dir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.revenant.avro.EntryKind;
import org.revenant.avro.ManifestEntry;
import org.revenant.avro.MirrorStatus;

class DirectoryScannerTest {

    static final String SHA256_ABC = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
    static final String SHA256_EMPTY = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    // sha256 of 9 MiB of zero bytes, from coreutils' sha256sum
    static final String SHA256_9MIB_ZEROS = "d2ee4703cd9698945ca7b9fe1689ea3095597eac1a0afd8dba00cac7894fdc43";

    @TempDir
    Path tmp;

    final DirectoryScanner scanner = new DirectoryScanner("Lab-NAS");

    Path file(Path root, String relative, String content) throws Exception {
        Path file = root.resolve(relative);
        Files.createDirectories(file.getParent());
        return Files.writeString(file, content, StandardCharsets.UTF_8);
    }

    @Test
    void hashesEveryFileWithPathsRelativeAndSorted() throws Exception {
        Path root = Files.createDirectory(tmp.resolve("ms1m-copy"));
        file(root, "README.md", "abc");
        file(root, "faces/m.0abc/0-FaceId-0.jpg", "");
        file(root, "faces/m.0abc/1-FaceId-0.jpg", "abc");
        file(root, "Top1M_MidList.Name.tsv", "m.0abc\tSomeone\n");

        DirectoryScan scan = scanner.scan(root, DirectoryScanner.Listener.NONE);

        assertEquals(
                List.of(
                        "README.md",
                        "Top1M_MidList.Name.tsv",
                        "faces/m.0abc/0-FaceId-0.jpg",
                        "faces/m.0abc/1-FaceId-0.jpg"),
                scan.entries().stream().map(ManifestEntry::getPath).toList());
        ManifestEntry readme = scan.entries().get(0);
        assertEquals(SHA256_ABC, readme.getSha256());
        assertEquals(3L, readme.getSize());
        assertEquals(EntryKind.FILE, readme.getKind());
        assertEquals(SHA256_EMPTY, scan.entries().get(2).getSha256());
        assertEquals(0L, scan.entries().get(2).getSize());
        assertEquals(SHA256_ABC, scan.entries().get(3).getSha256());
        assertEquals(3 + 15 + 0 + 3, scan.bytes());
        assertEquals(0, scan.unreadable());
    }

    @Test
    void mirrorIsKeyedByHostAndAbsolutePath() throws Exception {
        Path root = Files.createDirectory(tmp.resolve("datasets"));
        DirectoryScan scan = scanner.scan(root, DirectoryScanner.Listener.NONE);
        String absolute = root.toRealPath().toString();
        assertEquals("dir:lab-nas" + absolute, scan.mirror().getKey());
        assertEquals("dir", scan.mirror().getPlatform());
        assertEquals("lab-nas" + absolute, scan.mirror().getLocator());
        assertEquals("datasets", scan.mirror().getTitle());
        assertEquals(MirrorStatus.PRESENT, scan.mirror().getStatus());
        assertTrue(scan.mirror().getUrl().startsWith("file:/"), scan.mirror().getUrl());
    }

    @Test
    void emptyDirectoryHasNoEntries() throws Exception {
        Path root = Files.createDirectory(tmp.resolve("empty"));
        Files.createDirectories(root.resolve("only/subdirectories"));
        DirectoryScan scan = scanner.scan(root, DirectoryScanner.Listener.NONE);
        assertEquals(List.of(), scan.entries());
        assertEquals(0, scan.bytes());
    }

    @Test
    void symbolicLinksAreNeitherFollowedNorListed() throws Exception {
        Path outside = Files.createDirectory(tmp.resolve("outside"));
        file(outside, "secret.bin", "abc");
        Path root = Files.createDirectory(tmp.resolve("root"));
        file(root, "real.txt", "abc");
        Files.createSymbolicLink(root.resolve("link-to-file"), outside.resolve("secret.bin"));
        Files.createSymbolicLink(root.resolve("link-to-dir"), outside);
        Files.createSymbolicLink(root.resolve("loop"), root);

        DirectoryScan scan = scanner.scan(root, DirectoryScanner.Listener.NONE);

        assertEquals(
                List.of("real.txt"),
                scan.entries().stream().map(ManifestEntry::getPath).toList());
        assertEquals(3, scan.notRegular());
    }

    @Test
    void unreadableFileIsSkippedCountedAndReported() throws Exception {
        Path root = Files.createDirectory(tmp.resolve("root"));
        file(root, "ok.txt", "abc");
        Path locked = file(root, "locked.bin", "abc");
        Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("---------"));
        assumeFalse(Files.isReadable(locked), "running as a user who can read anything (root)");
        List<String> skipped = new ArrayList<>();

        DirectoryScan scan = scanner.scan(root, new DirectoryScanner.Listener() {
            @Override
            public void skipped(String path, String reason) {
                skipped.add(path + ": " + reason);
            }
        });

        assertEquals(
                List.of("ok.txt"),
                scan.entries().stream().map(ManifestEntry::getPath).toList());
        assertEquals(1, scan.unreadable());
        assertEquals(List.of("locked.bin: permission denied"), skipped);
    }

    @Test
    void fileRemovedDuringTheScanIsSkippedAndReported() throws Exception {
        Path root = Files.createDirectory(tmp.resolve("root"));
        file(root, "a.txt", "abc");
        Path b = file(root, "b.txt", "abc");
        file(root, "c.txt", "abc");
        List<String> skipped = new ArrayList<>();

        DirectoryScan scan = scanner.scan(root, new DirectoryScanner.Listener() {
            @Override
            public void progress(DirectoryScanner.Progress progress) {
                if (progress.filesDone() == 1) {
                    b.toFile().delete(); // after the walk listed it, before it is hashed
                }
            }

            @Override
            public void skipped(String path, String reason) {
                skipped.add(path + ": " + reason);
            }
        });

        assertEquals(
                List.of("a.txt", "c.txt"),
                scan.entries().stream().map(ManifestEntry::getPath).toList());
        assertEquals(1, scan.unreadable());
        assertEquals(List.of("b.txt: removed during the scan"), skipped);
    }

    @Test
    void progressIsReportedPerFileAndWithinALongFile() throws Exception {
        Path root = Files.createDirectory(tmp.resolve("root"));
        file(root, "a.txt", "abc");
        Files.write(root.resolve("b.bin"), new byte[9 << 20]);
        List<DirectoryScanner.Progress> seen = new ArrayList<>();

        DirectoryScan scan = scanner.scan(root, new DirectoryScanner.Listener() {
            @Override
            public void progress(DirectoryScanner.Progress progress) {
                seen.add(progress);
            }
        });

        long total = 3 + (9L << 20);
        assertEquals(new DirectoryScanner.Progress(2, 2, total, total), seen.get(seen.size() - 1));
        assertTrue(
                seen.contains(new DirectoryScanner.Progress(1, 2, 3 + (8L << 20), total)),
                "one report 8 MiB into the second file: " + seen);
        assertEquals(new DirectoryScanner.Progress(1, 2, 3, total), seen.get(0));
        assertEquals(3, seen.size());
        assertEquals(SHA256_9MIB_ZEROS, scan.entries().get(1).getSha256());
    }

    @Test
    void missingOrNonDirectoryPathIsOneLine() throws Exception {
        Path missing = tmp.resolve("nope");
        assertEquals(
                missing + ": no such directory",
                assertThrows(DirectoryScanException.class, () -> scanner.scan(missing, DirectoryScanner.Listener.NONE))
                        .getMessage());
        Path plain = file(tmp, "plain.txt", "abc");
        assertEquals(
                plain + ": not a directory",
                assertThrows(DirectoryScanException.class, () -> scanner.scan(plain, DirectoryScanner.Listener.NONE))
                        .getMessage());
    }

    @Test
    void hostMayNotBreakTheKeyShape() {
        assertThrows(IllegalArgumentException.class, () -> new DirectoryScanner("a/b"));
        assertThrows(IllegalArgumentException.class, () -> new DirectoryScanner(" "));
    }
}
