package dev.questspark.jobs.bench;

import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

import java.awt.Color;
import java.io.IOException;
import java.io.OutputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The bench's PNG charts: decode latency per token against context length, and Quest's speedup against budget. */
public final class BenchCharts {
    private static final int WIDTH = 900;
    private static final int HEIGHT = 560;

    private BenchCharts() {
    }

    /** One line per attention mode: ms per generated token at each context length (runs at one parallelism). */
    public static void latencyVsContext(List<BenchSummary.Run> runs, OutputStream out) throws IOException {
        XYSeriesCollection data = new XYSeriesCollection();
        for (BenchSummary.Run r : runs) {
            XYSeries s = new XYSeries(r.mode());
            r.msPerTokenByContext().forEach(s::add);
            data.addSeries(s);
        }
        write(chart("Decode latency vs context length", "context length (tokens)", "decode ms per token", data), out);
    }

    /** One line per context length: dense ms/token divided by Quest ms/token, at each token budget. */
    public static void speedupVsBudget(List<BenchSummary.Run> runs, OutputStream out) throws IOException {
        BenchSummary.Run dense = runs.stream().filter(r -> r.tokenBudget() == null).findFirst().orElse(null);
        Map<Integer, XYSeries> byContext = new LinkedHashMap<>();
        if (dense != null) {
            for (BenchSummary.Run r : runs) {
                if (r.tokenBudget() == null) {
                    continue;
                }
                r.msPerTokenByContext().forEach((context, ms) -> {
                    Double base = dense.msPerTokenByContext().get(context);
                    if (base != null && ms > 0) {
                        byContext.computeIfAbsent(context, c -> new XYSeries("context " + c)).add((double) r.tokenBudget(), base / ms);
                    }
                });
            }
        }
        XYSeriesCollection data = new XYSeriesCollection();
        byContext.values().forEach(data::addSeries);
        write(chart("Quest decode speedup vs token budget", "token budget (tokens)", "speedup over dense (x)", data), out);
    }

    /** One line per setting (name to tokens/s by batch size): aggregate decode throughput against batch size. */
    public static void throughputVsBatch(String title, Map<String, Map<Integer, Double>> bySetting, OutputStream out)
            throws IOException {
        XYSeriesCollection data = new XYSeriesCollection();
        bySetting.forEach((name, points) -> {
            XYSeries s = new XYSeries(name);
            points.forEach((b, v) -> s.add((double) b, v));
            data.addSeries(s);
        });
        write(chart(title, "batch size (sequences)", "aggregate decode tokens/s", data), out);
    }

    private static JFreeChart chart(String title, String x, String y, XYSeriesCollection data) {
        JFreeChart chart = ChartFactory.createXYLineChart(title, x, y, data, PlotOrientation.VERTICAL, true, false, false);
        XYPlot plot = chart.getXYPlot();
        plot.setRenderer(new XYLineAndShapeRenderer(true, true));
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        chart.setBackgroundPaint(Color.WHITE);
        return chart;
    }

    private static void write(JFreeChart chart, OutputStream out) throws IOException {
        ChartUtils.writeChartAsPNG(out, chart, WIDTH, HEIGHT);
    }
}
