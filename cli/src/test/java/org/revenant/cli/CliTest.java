package org.revenant.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.revenant.avro.AlertEvent;
import org.revenant.avro.AlertEventType;
import org.revenant.avro.Evidence;
import org.revenant.avro.Severity;
import org.revenant.avro.SignatureKind;
import org.revenant.http.Analysts;
import org.revenant.platforms.Platforms;
import picocli.CommandLine;

/** The command line without a broker: help, versions, usage errors and one-line failures. */
class CliTest {

    @TempDir
    Path dir;

    record Result(int exit, String out, String err) {}

    static Result run(String... args) {
        CommandLine cli = Main.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return new Result(cli.execute(args), out.toString(), err.toString());
    }

    @Test
    void versionNamesRevenantAndKafka() {
        Result r = run("--version");
        assertEquals(0, r.exit());
        assertTrue(r.out().startsWith("revenant 0."), r.out());
        assertTrue(r.out().contains("Kafka clients 4.2"), r.out());
    }

    @Test
    void helpListsTheCommands() {
        Result r = run("--help");
        assertEquals(0, r.exit());
        for (String command : List.of("standalone", "broker", "registry", "snapshot", "alerts", "decide")) {
            assertTrue(r.out().contains(command), command);
        }
    }

    @Test
    void crawlHelpAndAnUnknownSourceListThePlatformsOfThePlatformList() {
        String listed = String.join(", ", Platforms.names());
        Result help = run("crawl", "--help");
        assertEquals(0, help.exit());
        assertTrue(
                help.out().replaceAll("\\s+", " ").contains("Only these sources: " + listed + " (repeatable)."),
                help.out());
        Result unknown = run("crawl", "--once", "--source", "nowhere");
        assertEquals(1, unknown.exit(), unknown.err());
        assertTrue(unknown.err().contains("unknown source 'nowhere' (known: " + listed + ")"), unknown.err());
    }

    @Test
    void unknownCommandIsAUsageError() {
        assertEquals(2, run("frobnicate").exit());
        assertEquals(2, run("alerts", "tail", "--timeout", "soon").exit());
        assertEquals(2, run("alerts", "tail", "--format", "xml").exit());
    }

    @Test
    void decideNeedsExactlyOneDecisionAndARealAlertKey() {
        assertEquals(2, run("decide", "ms-celeb-1m|torrent:abc").exit());
        assertEquals(
                2,
                run("decide", "ms-celeb-1m|torrent:abc", "--confirm", "--allowlist")
                        .exit());
        Result bad = run("decide", "not-a-key", "--confirm");
        assertEquals(2, bad.exit());
        assertTrue(bad.err().contains("not an alert key"), bad.err());
    }

    @Test
    void anEndToASuppressionIsAFutureDateAndOnlyForFalsePositivesAndAllowlists() {
        String key = "ms-celeb-1m|torrent:abc";
        Result confirm = run("decide", key, "--confirm", "--until", "2999-01-01", "--bootstrap-servers", "127.0.0.1:1");
        assertEquals(2, confirm.exit());
        assertTrue(confirm.err().contains("--until goes with --false-positive or --allowlist"), confirm.err());
        Result past = run("decide", key, "--allowlist", "--until", "2020-01-01", "--bootstrap-servers", "127.0.0.1:1");
        assertEquals(2, past.exit());
        assertTrue(past.err().contains("--until must be in the future: 2020-01-01T00:00:00Z"), past.err());
        Result garbage = run(
                "decide", key, "--false-positive", "--until", "soon\u001b[2J", "--bootstrap-servers", "127.0.0.1:1");
        assertEquals(2, garbage.exit());
        assertTrue(garbage.err().contains("--until: not a date (YYYY-MM-DD) or an instant"), garbage.err());
        assertFalse(garbage.err().contains("\u001b"), "terminal escapes from the argument are not echoed");
    }

    @Test
    void anAnalystTokenComesWithTheLineThatAdmitsItAndABadAnalystsFileStopsTheStart() throws Exception {
        Result made = run("analyst-token", "carol", "--role", "reader");
        assertEquals(0, made.exit(), made.err());
        String token = made.err().strip().substring(made.err().strip().lastIndexOf(' ') + 1);
        assertTrue(token.matches("[0-9a-f]{48}"), made.err());
        assertFalse(made.out().contains(token), "the token itself is not in the file line");
        Path file = Files.writeString(dir.resolve("analysts.txt"), made.out());
        Analysts.Check check = Analysts.load(file).check("Bearer " + token);
        assertEquals(Analysts.Verdict.READ_ONLY, check.verdict());
        assertEquals("carol", check.who().orElseThrow().name());
        assertEquals(2, run("analyst-token", "carol smith").exit());
        assertEquals(2, run("analyst-token", "carol", "--role", "owner").exit());

        Path bad = Files.writeString(dir.resolve("bad-analysts.txt"), "carol: reader sha256:abc\n");
        Result start = run(
                "standalone",
                "--analysts",
                bad.toString(),
                "--data-dir",
                dir.resolve("data").toString());
        assertEquals(1, start.exit());
        assertTrue(start.err().contains(bad + " line 1: expected 'carol: analyst|reader"), start.err());
        assertFalse(Files.exists(dir.resolve("data")), "nothing started");
    }

    @Test
    void missingTorrentFileIsOneClearLine() {
        Result r = run("snapshot", "torrent", dir.resolve("nope.torrent").toString());
        assertEquals(1, r.exit());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().startsWith("revenant: ") && r.err().contains("no such file"), r.err());
    }

    @Test
    void malformedTorrentIsRejectedBeforeAnythingIsPublished() throws Exception {
        Path bad = Files.write(dir.resolve("bad.torrent"), "d4:infod4:name3:abce".getBytes());
        Result r = run("snapshot", "torrent", bad.toString(), "--bootstrap-servers", "127.0.0.1:1");
        assertEquals(1, r.exit());
        assertTrue(r.err().startsWith("revenant: " + bad), r.err());
        assertFalse(r.err().contains("Exception"), r.err());
    }

    @Test
    void brokenRegistryFileIsReportedWithFileAndLineBeforeAnythingIsPublished() throws Exception {
        Files.writeString(dir.resolve("broken.yaml"), "id: broken\nname: Broken\nstatus: retracted\nsignaturez: []\n");
        Result r = run("registry", "load", dir.resolve("broken.yaml").toString(), "--bootstrap-servers", "127.0.0.1:1");
        assertEquals(1, r.exit());
        assertTrue(r.err().contains("broken.yaml: line 4"), r.err());
    }

    @Test
    void textFormatEscapesControlCharactersFromCrawledStrings() {
        AlertEvent alert = AlertEvent.newBuilder()
                .setEventId("e")
                .setAlertKey("k")
                .setEvent(AlertEventType.OPENED)
                .setDatasetId("ms-celeb-1m")
                .setDatasetName("MS-Celeb-1M")
                .setMirrorKey("github:evil/\u001b[2Jrepo")
                .setPlatform("github")
                .setSeverity(Severity.LIKELY)
                .setConfidence(0.9)
                .setPostRetraction(true)
                .setReappearances(0)
                .setObservedAt(Instant.parse("2026-11-22T00:00:00Z"))
                .setSnapshotId("s")
                .setEvidence(List.of(Evidence.newBuilder()
                        .setKind(SignatureKind.FILE_SIZE)
                        .setSignature("91124295076")
                        .setPath("a\nFAKE LINE")
                        .setWeight(0.9)
                        .build()))
                .build();
        String text = AlertsCommand.text(alert);
        assertFalse(text.contains("\u001b"), text);
        assertTrue(text.contains("\\u001b[2J"), text);
        assertEquals(2, text.lines().count(), "a newline in a path cannot forge an extra line: " + text);
    }
}
