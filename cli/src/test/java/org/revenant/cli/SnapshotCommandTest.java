package org.revenant.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.revenant.source.dir.DirectoryScanner.Progress;

/** {@code snapshot manifest} and {@code snapshot dir} without a broker: everything that fails before publishing. */
class SnapshotCommandTest {

    @TempDir
    Path dir;

    @Test
    void badManifestIsOneLineWithFilePositionAndPathAndExitsOne() throws Exception {
        Path file = Files.writeString(dir.resolve("manifest.json"), """
                {"mirror": {"platform": "github", "locator": "owner/repo",
                            "url": "https://github.com/owner/repo",
                            "status": "UP"},
                 "files": []}
                """);
        CliTest.Result r = CliTest.run("snapshot", "manifest", file.toString(), "--bootstrap-servers", "127.0.0.1:1");
        assertEquals(1, r.exit());
        assertEquals(
                "revenant: " + file + ": line 3, column 23: mirror.status: unknown value 'UP'"
                        + " (one of PRESENT, GONE, BLOCKED, GATED, DISABLED, PRIVATE, ERROR)\n",
                r.err());
        assertEquals("", r.out());
    }

    @Test
    void malformedManifestIsOneLine() throws Exception {
        Path file = Files.writeString(
                dir.resolve("manifest.json"),
                "{\"mirror\": {\"platform\": \"x\", \"locator\": \"y\"},\n \"files\": [\n");
        CliTest.Result r = CliTest.run("snapshot", "manifest", file.toString(), "--bootstrap-servers", "127.0.0.1:1");
        assertEquals(1, r.exit());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(
                r.err()
                        .startsWith("revenant: " + file
                                + ": line 3, column 1: files: malformed JSON: Unexpected end-of-input"),
                r.err());
    }

    @Test
    void controlCharactersInAnErrorAreEscaped() throws Exception {
        Path file = Files.writeString(
                dir.resolve("manifest.json"),
                "{\"mirror\": {\"platform\": \"x\", \"locator\": \"y\", \"status\": \"\\u001b[2J\"}, \"files\": []}");
        CliTest.Result r = CliTest.run("snapshot", "manifest", file.toString(), "--bootstrap-servers", "127.0.0.1:1");
        assertEquals(1, r.exit());
        assertTrue(r.err().contains("unknown value '\\u001b[2J'") && !r.err().contains("\u001b"), r.err());
    }

    @Test
    void missingManifestIsOneLine() {
        Path file = dir.resolve("absent.json");
        CliTest.Result r = CliTest.run("snapshot", "manifest", file.toString());
        assertEquals(1, r.exit());
        assertEquals("revenant: " + file + ": no such file\n", r.err());
    }

    @Test
    void missingArgumentsAreUsageErrors() {
        assertEquals(2, CliTest.run("snapshot", "manifest").exit());
        assertEquals(2, CliTest.run("snapshot", "dir").exit());
        assertEquals(2, CliTest.run("snapshot", "dir", "a", "b").exit());
    }

    @Test
    void missingOrNonDirectoryPathIsOneLine() throws Exception {
        Path missing = dir.resolve("nope");
        CliTest.Result r = CliTest.run("snapshot", "dir", missing.toString(), "--bootstrap-servers", "127.0.0.1:1");
        assertEquals(1, r.exit());
        assertEquals("revenant: " + missing + ": no such directory\n", r.err());
        Path plain = Files.writeString(dir.resolve("plain.txt"), "abc");
        r = CliTest.run("snapshot", "dir", plain.toString(), "--bootstrap-servers", "127.0.0.1:1");
        assertEquals("revenant: " + plain + ": not a directory\n", r.err());
    }

    @Test
    void helpNamesTheNewSubcommands() {
        CliTest.Result r = CliTest.run("snapshot", "--help");
        assertEquals(0, r.exit());
        assertTrue(r.out().contains("manifest") && r.out().contains("dir"), r.out());
    }

    @Test
    void progressIsQuietForShortRunsWhenNotOnATerminal() {
        AtomicLong now = new AtomicLong(0);
        StringWriter err = new StringWriter();
        var reporter = new SnapshotCommand.ScanReporter(new PrintWriter(err), false, now::get);
        now.set(ms(500));
        reporter.progress(new Progress(1, 4, 1_000_000, 8_000_000));
        assertEquals("", err.toString(), "nothing within the first 2 s");
        now.set(ms(2_000));
        reporter.progress(new Progress(2, 4, 4_000_000, 8_000_000));
        now.set(ms(3_000));
        reporter.progress(new Progress(3, 4, 6_000_000, 8_000_000));
        now.set(ms(4_000));
        reporter.progress(new Progress(4, 4, 8_000_000, 8_000_000));
        reporter.finish();
        assertEquals(
                "revenant: hashed 2/4 files, 4.0/8.0 MB, 2.0 MB/s\n"
                        + "revenant: hashed 4/4 files, 8.0/8.0 MB, 2.0 MB/s\n",
                err.toString().replace("\r\n", "\n"));
    }

    @Test
    void progressOnATerminalIsOneLineRewrittenInPlace() {
        AtomicLong now = new AtomicLong(0);
        StringWriter err = new StringWriter();
        var reporter = new SnapshotCommand.ScanReporter(new PrintWriter(err), true, now::get);
        now.set(ms(100));
        reporter.progress(new Progress(1, 2, 100_000, 200_000));
        reporter.skipped("faces/locked.jpg", "permission denied");
        now.set(ms(2_200));
        reporter.progress(new Progress(2, 2, 200_000, 200_000));
        reporter.finish();
        String out = err.toString().replace("\r\n", "\n");
        assertTrue(
                out.startsWith("\rrevenant: hashed 1/2 files, 0.1/0.2 MB, 1.0 MB/s\u001b[K\n"
                        + "revenant: warning: skipped faces/locked.jpg: permission denied\n"
                        + "\rrevenant: hashed 2/2 files, 0.2/0.2 MB, 0.1 MB/s\u001b[K\n"),
                out);
    }

    private static long ms(long millis) {
        return TimeUnit.MILLISECONDS.toNanos(millis);
    }
}
