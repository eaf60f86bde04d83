package org.revenant.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.KafkaException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.revenant.publish.SnapshotPublisher;
import org.revenant.source.manifest.Manifest;

/** Reading many manifests without a broker: inputs, bounds, rejections, progress and the summary. */
class ManifestBatchTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-22T00:00:00Z"), ZoneOffset.UTC);

    @TempDir
    Path dir;

    private static String manifest(String locator) {
        return "{\"mirror\": {\"platform\": \"http\", \"locator\": \"" + locator
                + "\"}, \"files\": [{\"path\": \"a\", \"size\": 1}]}";
    }

    /** What a batch read hands on, in order. */
    private static final class Collected implements ManifestBatch.Sink {
        final List<String> events = new ArrayList<>();

        @Override
        public void manifest(String where, Manifest manifest) {
            events.add("ok " + where + " " + manifest.mirror().getKey());
        }

        @Override
        public void rejected(String where, String reason) {
            events.add("rejected " + where + ": " + reason);
        }
    }

    @Test
    void aDirectoryGivesItsManifestsAndJsonLinesFilesInNameOrderAndNothingElse() throws Exception {
        Files.writeString(dir.resolve("b.json"), manifest("b"));
        Files.writeString(dir.resolve("a.json"), manifest("a"));
        Files.writeString(dir.resolve("c.jsonl"), manifest("c1") + "\n" + manifest("c2") + "\n");
        Files.writeString(dir.resolve("notes.txt"), "not a manifest");
        Files.createDirectories(dir.resolve("sub.json"));
        Collected sink = new Collected();
        new ManifestBatch(new ByteArrayInputStream(new byte[0]), CLOCK).read(List.of(dir.toString()), sink);
        assertEquals(
                List.of(
                        "ok " + dir.resolve("a.json") + " http:a",
                        "ok " + dir.resolve("b.json") + " http:b",
                        "ok " + dir.resolve("c.jsonl") + " line 1 http:c1",
                        "ok " + dir.resolve("c.jsonl") + " line 2 http:c2"),
                sink.events);
    }

    @Test
    void aLineLongerThanTheLimitIsRejectedUnreadAndTheNextLineStillCounts() {
        String stream = manifest("first") + "\n" + "{\"mirror\": " + " ".repeat(500) + "}\n" + manifest("third")
                + "\r\n" + manifest("last");
        Collected sink = new Collected();
        new ManifestBatch(new ByteArrayInputStream(stream.getBytes(StandardCharsets.UTF_8)), CLOCK, 200)
                .read(List.of("-"), sink);
        assertEquals(
                List.of(
                        "ok <stdin> line 1 http:first",
                        "rejected <stdin> line 2: <stdin>: line 2: longer than 200 bytes; skipped",
                        "ok <stdin> line 3 http:third",
                        "ok <stdin> line 4 http:last"),
                sink.events);
    }

    @Test
    void missingFilesAndStdinGivenTwiceAreRejectionsNotFailures() {
        Collected sink = new Collected();
        Path missing = dir.resolve("gone.json");
        new ManifestBatch(new ByteArrayInputStream((manifest("s") + "\n").getBytes(StandardCharsets.UTF_8)), CLOCK)
                .read(List.of(missing.toString(), "-", "-"), sink);
        assertEquals(
                List.of(
                        "rejected " + missing + ": " + missing + ": no such file",
                        "ok <stdin> line 1 http:s",
                        "rejected <stdin>: given twice; read once"),
                sink.events);
    }

    @Test
    void oneManifestFileKeepsTheSingleManifestBehaviourAndEverythingElseIsABatch() throws Exception {
        Path file = Files.writeString(dir.resolve("one.json"), manifest("one"));
        assertTrue(ManifestBatch.single(List.of(file.toString())));
        assertEquals(false, ManifestBatch.single(List.of("-")));
        assertEquals(false, ManifestBatch.single(List.of(dir.toString())));
        assertEquals(false, ManifestBatch.single(List.of(file.toString(), file.toString())));
        assertEquals(false, ManifestBatch.single(List.of(dir.resolve("x.jsonl").toString())));
    }

    @Test
    void progressEveryTwoSecondsAndASummaryWithTheReasons() {
        AtomicLong nanos = new AtomicLong();
        StringWriter err = new StringWriter();
        ManifestBatchPublisher publisher = new ManifestBatchPublisher(
                m -> new SnapshotPublisher.Published(
                        "s", m.mirror().getKey(), 1, m.entries().size(), 1),
                new PrintWriter(err, true),
                false,
                nanos::get);
        String stream = manifest("a") + "\nnot json\n" + manifest("b") + "\n";
        ManifestBatch batch =
                new ManifestBatch(new ByteArrayInputStream(stream.getBytes(StandardCharsets.UTF_8)), CLOCK);
        nanos.set(ManifestBatchPublisher.EVERY_NANOS + 1);
        batch.read(List.of("-"), publisher);
        publisher.finish();
        assertEquals(2, publisher.published());
        assertEquals(1, publisher.rejected());
        List<String> lines = err.toString().lines().toList();
        assertEquals(2, lines.size(), err.toString());
        assertTrue(lines.get(0).matches("revenant: 1 published, 0 rejected, \\d+ mirrors/s"), lines.get(0));
        assertTrue(
                lines.get(1).startsWith("revenant: rejected <stdin>: line 2, column 5: malformed JSON: "),
                lines.get(1));
        String summary = publisher.summary("revenant.snapshots");
        assertTrue(
                summary.startsWith(
                        "published 2 mirror(s) (2 file(s)) to revenant.snapshots, each in its own transaction; rejected 1;"),
                summary);
        assertTrue(summary.contains("\n  rejected <stdin>: line 2, column 5: malformed JSON: "), summary);
    }

    @Test
    void kafkaFailingThreeTimesInARowStopsTheRunSayingHowFarItGot() {
        int[] calls = {0};
        ManifestBatchPublisher publisher = new ManifestBatchPublisher(
                m -> {
                    if (++calls[0] > 1) {
                        throw new KafkaException("broker gone");
                    }
                    return new SnapshotPublisher.Published("s", m.mirror().getKey(), 1, 1, 1);
                },
                new PrintWriter(new StringWriter(), true),
                false,
                System::nanoTime);
        String stream = (manifest("a") + "\n").repeat(10);
        ManifestBatch batch =
                new ManifestBatch(new ByteArrayInputStream(stream.getBytes(StandardCharsets.UTF_8)), CLOCK);
        UserError e = assertThrows(UserError.class, () -> batch.read(List.of("-"), publisher));
        assertEquals(
                "stopped: Kafka failed 3 times in a row (broker gone); 1 mirror(s) were published before that",
                e.getMessage());
        assertEquals(4, calls[0], "nothing more was tried");
    }
}
