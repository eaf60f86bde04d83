package org.revenant.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.revenant.cli.Main;
import picocli.CommandLine;

/** `revenant bench --quick` at tiny sizes: it runs all passes and prints the figures and the ratio line. */
@Tag("broker")
@Timeout(180)
class BenchCommandTest {

    @TempDir
    Path dir;

    @Test
    void quickBenchPrintsEveryFigureAndTheRatioLine() throws Exception {
        Path chart = dir.resolve("bench.png");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new Main());
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute(
                "bench",
                "--quick",
                "--mirrors",
                "3",
                "--entries",
                "300",
                "--chunk-size",
                "100",
                "--latency-seconds",
                "2",
                "--rounds",
                "2",
                "--chart",
                chart.toString());
        assertEquals(0, exit, err.toString());

        List<String> lines = out.toString().lines().toList();
        for (String figure : List.of(
                "(a) plain consumer",
                "warm-up (not timed)",
                "(b) pass-through streams #1",
                "(c) revenant topology #1",
                "(b) pass-through streams #2",
                "(c) revenant topology #2",
                "stream thread: ",
                "3 alerts opened",
                "c/b by round: ",
                "c/b = ",
                "p99",
                "(d) unchanged re-crawl",
                "changelog bytes: first crawl",
                "state stores of (c) on disk",
                "peak heap")) {
            assertTrue(lines.stream().anyMatch(l -> l.contains(figure)), figure + " missing in:\n" + out);
        }
        Matcher ratio = Pattern.compile("ratio_vs_passthrough=(\\d+\\.\\d{3})").matcher(lines.get(lines.size() - 1));
        assertTrue(ratio.matches(), "last line: " + lines.get(lines.size() - 1));
        assertTrue(Double.parseDouble(ratio.group(1)) > 0);
        // Every round's (c) opened an alert for each of its mirrors, not only the first round's.
        assertEquals(
                2, lines.stream().filter(l -> l.contains("3 alerts opened")).count(), out.toString());
        assertTrue(Files.size(chart) > 10_000, "a chart was drawn");
    }
}
