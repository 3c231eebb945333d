package dev.questspark.jobs.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * The bench's summary: per run (parallelism, batch size, task, attention, budget) documents/s (summarize) or
 * answers/s (qa), generated tokens/s, the fraction of dense KV bytes read, and the decode latency per token at each
 * context length; then how rows/s scale with partitions and with the batch size.
 */
public final class BenchSummary {
    /** The aggregate of one run. */
    public record Run(int parallelism, int batchSize, String task, String mode, Integer tokenBudget, int documents,
                      int errors, double seconds, long generatedTokens, double kvReadFraction,
                      Map<Integer, Double> msPerTokenByContext) {
        /** What a row of this run is: a document (summarize) or an answer (qa). */
        public String unit() {
            return "qa".equals(task) ? "answers" : "documents";
        }

        public double documentsPerSecond() {
            return seconds > 0 ? documents / seconds : 0;
        }

        public double tokensPerSecond() {
            return seconds > 0 ? generatedTokens / seconds : 0;
        }
    }

    private final List<Run> runs;
    private final TreeSet<Integer> contexts = new TreeSet<>();

    public BenchSummary(List<BenchRow> rows) {
        Map<String, List<BenchRow>> byRun = new LinkedHashMap<>();
        for (BenchRow r : rows) {
            byRun.computeIfAbsent(r.parallelism() + "|" + r.batchSize() + "|" + r.task() + "|" + r.mode(),
                    k -> new ArrayList<>()).add(r);
            contexts.add(r.context());
        }
        runs = byRun.values().stream().map(BenchSummary::aggregate).toList();
    }

    private static Run aggregate(List<BenchRow> rows) {
        BenchRow first = rows.get(0);
        long generated = 0;
        long read = 0;
        long dense = 0;
        int errors = 0;
        Map<Integer, double[]> perContext = new java.util.TreeMap<>();
        for (BenchRow r : rows) {
            generated += r.generatedTokens();
            read += r.kvBytesRead();
            dense += r.kvBytesDense();
            errors += "ok".equals(r.status()) ? 0 : 1;
            if (r.generatedTokens() > 0) {
                double[] acc = perContext.computeIfAbsent(r.context(), k -> new double[2]);
                acc[0] += r.decodeMs();
                acc[1] += r.generatedTokens();
            }
        }
        Map<Integer, Double> ms = new LinkedHashMap<>();
        perContext.forEach((c, acc) -> ms.put(c, acc[0] / acc[1]));
        return new Run(first.parallelism(), first.batchSize(), first.task(), first.mode(), first.tokenBudget(), rows.size(), errors, first.runSeconds(),
                generated, dense > 0 ? (double) read / dense : 1.0, ms);
    }

    public List<Run> runs() {
        return runs;
    }

    public List<Integer> contexts() {
        return new ArrayList<>(contexts);
    }

    /**
     * The summary as a Markdown table (rows: documents for summarize, answers for qa), with a scaling line per mode
     * when several parallelisms ran and a line per batch size above the smallest.
     */
    public String markdown() {
        StringBuilder sb = new StringBuilder("| parallelism | batch size | task | attention | rows | errors | seconds | rows/s"
                + " | generated tokens/s | KV read vs dense |");
        contexts.forEach(c -> sb.append(" ms/token @").append(c).append(" |"));
        sb.append("\n|---|---|---|---|---|---|---|---|---|---|");
        contexts.forEach(c -> sb.append("---|"));
        sb.append('\n');
        for (Run r : runs) {
            sb.append(String.format(Locale.ROOT, "| %d | %d | %s | %s | %d | %d | %.2f | %.3f | %.1f | %.3f |", r.parallelism(),
                    r.batchSize(), r.task(), r.mode(), r.documents(), r.errors(), r.seconds(), r.documentsPerSecond(),
                    r.tokensPerSecond(), r.kvReadFraction()));
            for (int c : contexts) {
                Double v = r.msPerTokenByContext().get(c);
                sb.append(v == null ? " - |" : String.format(Locale.ROOT, " %.2f |", v));
            }
            sb.append('\n');
        }
        scaling().forEach(line -> sb.append('\n').append(line));
        batchScaling().forEach(line -> sb.append('\n').append(line));
        return sb.toString();
    }

    /**
     * "documents/s at batch-size 8: 1.92x batch-size 1 (summarize, quest 1024, parallelism 2)" for every run beside
     * the run of the same task, mode and parallelism at the smallest batch size.
     */
    public List<String> batchScaling() {
        List<String> lines = new ArrayList<>();
        Map<String, List<Run>> byRun = new LinkedHashMap<>();
        runs.forEach(r -> byRun.computeIfAbsent(r.task() + "|" + r.mode() + "|" + r.parallelism(), k -> new ArrayList<>()).add(r));
        byRun.forEach((key, rs) -> {
            Run base = rs.stream().min(java.util.Comparator.comparingInt(Run::batchSize)).orElseThrow();
            for (Run r : rs) {
                if (r != base && base.documentsPerSecond() > 0) {
                    lines.add(String.format(Locale.ROOT, "%s/s at batch-size %d: %.2fx batch-size %d (%s, %s, parallelism %d)",
                            r.unit(), r.batchSize(), r.documentsPerSecond() / base.documentsPerSecond(), base.batchSize(),
                            r.task(), r.mode(), r.parallelism()));
                }
            }
        });
        return lines;
    }

    /** "documents/s scales 1.85x from 1 to 2 partitions (dense)" for every mode run at several parallelisms. */
    public List<String> scaling() {
        List<String> lines = new ArrayList<>();
        Map<String, List<Run>> byMode = new LinkedHashMap<>();
        runs.forEach(r -> byMode.computeIfAbsent(r.task() + "|" + r.batchSize() + "|" + r.mode(), k -> new ArrayList<>()).add(r));
        byMode.forEach((key, rs) -> {
            Run base = rs.stream().min(java.util.Comparator.comparingInt(Run::parallelism)).orElseThrow();
            for (Run r : rs) {
                if (r != base && base.documentsPerSecond() > 0) {
                    String what = r.mode() + (r.batchSize() > 1 ? ", batch-size " + r.batchSize() : "")
                            + ("qa".equals(r.task()) ? ", qa" : "");
                    lines.add(String.format(Locale.ROOT, "%s/s scales %.2fx from %d to %d partitions (%s)", r.unit(),
                            r.documentsPerSecond() / base.documentsPerSecond(), base.parallelism(), r.parallelism(), what));
                }
            }
        });
        return lines;
    }
}
