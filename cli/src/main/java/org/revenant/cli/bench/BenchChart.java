package org.revenant.cli.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.internal.chartpart.Chart;

/** Draws a bench run as a PNG with XChart: throughput of the three passes, and latency percentiles. */
final class BenchChart {

    private BenchChart() {}

    static void write(BenchReport report, Path file) throws IOException {
        System.setProperty("java.awt.headless", "true");
        CategoryChart throughput = new CategoryChartBuilder()
                .width(720)
                .height(420)
                .title(String.format(Locale.ROOT, "Entries/s, same data (c/b = %.2f)", report.ratioVsPassThrough()))
                .xAxisTitle("pass")
                .yAxisTitle("manifest entries per second")
                .build();
        throughput.getStyler().setLegendVisible(false);
        throughput.getStyler().setLabelsVisible(true);
        throughput.getStyler().setYAxisDecimalPattern("#,###");
        throughput.addSeries(
                "entries/s",
                List.of("(a) plain consumer", "(b) pass-through", "(c) Revenant"),
                List.of(
                        Math.round(report.plain.entriesPerSecond(report.totalEntries())),
                        Math.round(report.passThrough.entriesPerSecond(report.totalEntries())),
                        Math.round(report.revenant.entriesPerSecond(report.totalEntries()))));
        CategoryChart latency = new CategoryChartBuilder()
                .width(720)
                .height(420)
                .title("Snapshot-to-alert latency at half of (c)'s throughput")
                .xAxisTitle("percentile")
                .yAxisTitle("ms")
                .build();
        latency.getStyler().setLegendVisible(false);
        latency.getStyler().setLabelsVisible(true);
        var h = report.latency.histogram();
        latency.addSeries(
                "latency",
                List.of("p50", "p90", "p99", "max"),
                List.of(
                        h.getValueAtPercentile(50),
                        h.getValueAtPercentile(90),
                        h.getValueAtPercentile(99),
                        h.getMaxValue()));
        String base = file.toString().replaceAll("(?i)\\.png$", "");
        List<Chart<?, ?>> charts = List.of(throughput, latency);
        BitmapEncoder.saveBitmap(charts, 1, 2, base, BitmapEncoder.BitmapFormat.PNG);
    }
}
