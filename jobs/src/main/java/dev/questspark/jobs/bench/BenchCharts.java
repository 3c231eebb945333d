package dev.questspark.jobs.bench;

import dev.questspark.eval.Charts;

import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The bench's PNG charts, drawn by the project's one chart helper ({@link Charts}): decode latency per token
 * against context length, Quest's speedup against budget, and decode throughput against batch size.
 */
public final class BenchCharts {
    private BenchCharts() {
    }

    /** One line per attention mode: ms per generated token at each context length (runs at one parallelism). */
    public static void latencyVsContext(List<BenchSummary.Run> runs, OutputStream out) throws IOException {
        List<Charts.Series> series = new ArrayList<>();
        for (BenchSummary.Run r : runs) {
            series.add(series(r.mode() + (r.tokenBudget() == null ? "" : " " + r.tokenBudget()),
                    new TreeMap<>(r.msPerTokenByContext()), r.tokenBudget() == null));
        }
        Charts.line(out, "Decode latency vs context length", "context length (tokens)", "decode ms per token", series, false);
    }

    /** One line per context length: dense ms/token divided by Quest ms/token, at each token budget. */
    public static void speedupVsBudget(List<BenchSummary.Run> runs, OutputStream out) throws IOException {
        BenchSummary.Run dense = runs.stream().filter(r -> r.tokenBudget() == null).findFirst().orElse(null);
        Map<Integer, Map<Integer, Double>> byContext = new TreeMap<>();
        if (dense != null) {
            for (BenchSummary.Run r : runs) {
                if (r.tokenBudget() == null) {
                    continue;
                }
                r.msPerTokenByContext().forEach((context, ms) -> {
                    Double base = dense.msPerTokenByContext().get(context);
                    if (base != null && ms > 0) {
                        byContext.computeIfAbsent(context, c -> new TreeMap<>()).put(r.tokenBudget(), base / ms);
                    }
                });
            }
        }
        List<Charts.Series> series = new ArrayList<>();
        byContext.forEach((context, speedups) -> series.add(series("context " + context, speedups, false)));
        Charts.line(out, "Quest decode speedup vs token budget", "token budget (tokens)", "speedup over dense (x)", series, false);
    }

    /** One line per setting (name to tokens/s by batch size): aggregate decode throughput against batch size. */
    public static void throughputVsBatch(String title, Map<String, Map<Integer, Double>> bySetting, OutputStream out)
            throws IOException {
        List<Charts.Series> series = new ArrayList<>();
        bySetting.forEach((name, points) -> series.add(series(name, new TreeMap<>(points), false)));
        Charts.line(out, title, "batch size (sequences)", "aggregate decode tokens/s", series, false);
    }

    private static Charts.Series series(String name, Map<Integer, Double> points, boolean dashed) {
        double[] x = points.keySet().stream().mapToDouble(Integer::doubleValue).toArray();
        double[] y = points.values().stream().mapToDouble(Double::doubleValue).toArray();
        return new Charts.Series(name, x, y, dashed);
    }
}
