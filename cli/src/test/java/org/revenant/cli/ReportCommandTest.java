package org.revenant.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.revenant.cli.report.ReportCommand;
import picocli.CommandLine;

/**
 * {@code revenant report} against a local HTTP server answering {@code /api/census} with a census
 * shaped like the API's (the scripted history's figures, and a platform named to break every
 * format it lands in).
 */
class ReportCommandTest {

    static final String HOSTILE = "=HYPERLINK(\"http://x\")|<script>alert(1)</script>*[a](javascript:1)";

    @TempDir
    Path dir;

    private HttpServer server;
    private byte[] census;
    private final List<String> requested = new ArrayList<>();

    record Result(int exit, String out, String err) {}

    @BeforeEach
    void start() throws IOException {
        try (InputStream in = getClass().getResourceAsStream("census.json")) {
            census = in.readAllBytes();
        }
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/api/census", exchange -> {
            requested.add(exchange.getRequestURI().toString());
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, census.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(census);
            }
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    static Result run(String... args) {
        CommandLine cli = Main.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return new Result(cli.execute(args), out.toString(), err.toString());
    }

    @Test
    void markdownReportHasTheTablesTheWeeksAChartAndTheMethods() throws IOException {
        Path report = dir.resolve("census.md");
        Result r = run("report", "--url", url(), "-o", report.toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("2 dataset(s) and 2 platform(s)"), r.out());
        String md = Files.readString(report);
        assertTrue(
                md.contains(
                        "| ms\\-celeb\\-1m | 4 | 1 | 2 | 1 | 4 | 1 | 1 | 33\\.3 % | 3 | 3 | 5 d 0 h | 3 d 0 h | 1 |"),
                md);
        assertTrue(md.contains("| 2026\\-11\\-02 | 3 | 2 | 0 | 3 |"), md);
        assertTrue(md.contains("](census.svg)"), md);
        assertTrue(md.contains("## Methods") && md.contains("21 datasets") && md.contains("confidence 0\\.5"), md);
        String svg = Files.readString(dir.resolve("census.svg"));
        assertTrue(svg.startsWith("<svg xmlns=\"http://www.w3.org/2000/svg\""), svg);
        assertTrue(svg.contains("2026-11-09: 1 reappeared"), svg);
    }

    @Test
    void aHostileNameStaysTextInEveryFormat() {
        Result md = run("report", "--url", url());
        assertEquals(0, md.exit(), md.err());
        assertFalse(md.out().contains("<script>"), md.out());
        assertFalse(md.out().contains("\n# fake heading"), "a name cannot start a line of its own");
        assertTrue(md.out().contains("\\<script\\>"), md.out());
        assertTrue(md.out().contains("](data:image/svg+xml;base64,"), "the chart inline without -o");

        Result html = run("report", "--url", url(), "--format", "html");
        assertEquals(0, html.exit(), html.err());
        assertFalse(html.out().contains("<script"), html.out());
        assertTrue(html.out().contains("&lt;script&gt;alert(1)&lt;/script&gt;"), html.out());
        assertTrue(html.out().contains("<svg xmlns="), "the chart inline");

        Result csv = run("report", "--url", url(), "--format", "csv");
        assertEquals(0, csv.exit(), csv.err());
        String[] lines = csv.out().split("\r\n");
        assertEquals(5, lines.length, csv.out());
        assertTrue(lines[0].startsWith("scope,name,Mirrors,Open,Resolved"), lines[0]);
        assertTrue(
                lines[3].startsWith("PLATFORM,\"'=HYPERLINK(\"\"http://x\"\")|<script>"),
                "quoted, and no formula: " + lines[3]);
        assertTrue(lines[1].startsWith("DATASET,ms-celeb-1m,4,1,2,1,4,1,1,33.3 %,3,3,5 d 0 h,3 d 0 h,1"), lines[1]);
    }

    @Test
    void sinceIsPassedToTheApiAndABadDateIsAUsageError() {
        assertEquals(0, run("report", "--url", url(), "--since", "2026-11-09").exit());
        assertEquals(List.of("/api/census?since=2026-11-09"), requested);
        Result bad = run("report", "--url", url(), "--since", "last week");
        assertEquals(2, bad.exit());
    }

    @Test
    void anAnswerLargerThanTheCapIsRefused() {
        census = new byte[ReportCommand.MAX_RESPONSE_BYTES + 10];
        Arrays.fill(census, (byte) ' ');
        Result r = run("report", "--url", url());
        assertEquals(1, r.exit());
        assertTrue(r.err().contains("more than"), r.err());
    }

    @Test
    void anUnreachableInstanceIsOneLine() {
        server.stop(0);
        Result r = run("report", "--url", url());
        assertEquals(1, r.exit());
        assertTrue(r.err().startsWith("revenant: cannot reach Revenant at"), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
    }
}
