package dev.questspark.jobs.cli;

import dev.questspark.engine.BatchBench;
import dev.questspark.engine.Engine;
import dev.questspark.jobs.config.QuestSettings;
import dev.questspark.jobs.model.ModelLocation;
import dev.questspark.quest.QuestConfig;
import dev.questspark.settings.Settings;

import dev.questspark.jobs.bench.BenchCharts;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * {@code bin/quest bench-batch}: aggregate decode throughput of continuous batching per batch size and attention
 * setting, on documents of --context tokens (one shared document, or one per sequence), no Spark.
 */
final class BenchBatchCommand extends Command {
    BenchBatchCommand() {
        super("bench-batch", "aggregate decode tok/s of batched decoding per batch size, dense vs Quest (no Spark)",
                "bench-batch --context N --batch-sizes 1,2,4,8,16 --attention dense,quest --shared-document true|false",
                Flags.benchBatch());
    }

    @Override
    int run(ParsedFlags flags, PrintStream out) {
        Map<String, String> given = flags.settings();
        String attention = given.getOrDefault("attention", "dense,quest");
        given.remove("attention");
        QuestSettings s = QuestSettings.defaults().with(given);
        Settings settings = s.settings();
        int context = positive(flags.has("context") ? flags.get("context") : "7000", "context");
        int decode = positive(flags.has("decode-tokens") ? flags.get("decode-tokens") : "64", "decode-tokens");
        int[] sizes = list(flags.has("batch-sizes") ? flags.get("batch-sizes") : "1,2,4,8,16", "batch-sizes");
        boolean shared = flags.on("shared-document");
        List<QuestConfig> configs;
        try {
            configs = BatchBench.settings(attention, settings.quest());
        } catch (IllegalArgumentException e) {
            throw new UsageException("--attention: " + e.getMessage());
        }
        int threads = settings.get(Settings.THREADS) > 0 ? settings.get(Settings.THREADS) : Runtime.getRuntime().availableProcessors();
        Engine engine = Engine.load(new ModelLocation(s.get("model")).requireLocalFile(), threads);
        List<BatchBench.Result> results = BatchBench.run(engine, configs, context, sizes, shared, decode);
        Map<Integer, Double> llama = flags.has("llamacpp") ? LlamaCppBatched.read(Path.of(flags.get("llamacpp"))) : Map.of();
        if (flags.has("chart")) {
            chart(Path.of(flags.get("chart")), results, llama, context, shared);
        }
        if (flags.on("json")) {
            Map<String, Object> fields = new LinkedHashMap<>();
            fields.put("command", "bench-batch");
            fields.put("model", engine.info().name());
            fields.put("threads", threads);
            String head = Json.object(fields);
            String llamaJson = llama.entrySet().stream().map(e -> "{\"batch_size\":" + e.getKey() + ",\"aggregate_decode_tokens_per_s\":"
                    + e.getValue() + "}").collect(Collectors.joining(","));
            out.println(head.substring(0, head.length() - 1) + ",\"results\":["
                    + results.stream().map(BatchBench.Result::toJson).collect(Collectors.joining(",")) + "],\"llamacpp\":["
                    + llamaJson + "]}");
            return 0;
        }
        out.printf(Locale.ROOT, "%s, %d threads, context %d, %s, %d tokens decoded per sequence%n%n", engine.info().name(),
                threads, context, shared ? "one shared document" : "one document per sequence", decode);
        out.println("| setting | batch | aggregate tok/s | vs batch 1 | vs llama.cpp | KV read | pages read once |");
        out.println("| --- | --- | --- | --- | --- | --- | --- |");
        for (BatchBench.Result r : results) {
            String setting = r.attention().equals("quest") ? "Quest, budget " + r.tokenBudget() : r.attention();
            double one = results.stream().filter(x -> x.attention().equals(r.attention()) && x.tokenBudget() == r.tokenBudget()
                    && x.batchSize() == 1).mapToDouble(BatchBench.Result::aggregateTokensPerSecond).findFirst().orElse(Double.NaN);
            Double l = llama.get(r.batchSize());
            out.printf(Locale.ROOT, "| %s | %d | %.1f | %s | %s | %.0f%% | %.0f%% |%n", setting, r.batchSize(),
                    r.aggregateTokensPerSecond(), ratio(r.aggregateTokensPerSecond(), one),
                    l == null ? "-" : String.format(Locale.ROOT, "%.2fx", r.aggregateTokensPerSecond() / l),
                    100 * r.kvReadFraction(), 100 * r.sharedPageReadFraction());
        }
        llama.forEach((b, v) -> out.printf(Locale.ROOT, "| llama.cpp | %d | %.1f | %s | 1.00x | - | - |%n", b, v,
                ratio(v, llama.getOrDefault(1, Double.NaN))));
        return 0;
    }

    /** "2.06x", or "-" when there is nothing to compare with (batch 1 not measured). */
    private static String ratio(double value, double base) {
        return Double.isNaN(base) || base <= 0 ? "-" : String.format(Locale.ROOT, "%.2fx", value / base);
    }

    private static void chart(Path png, List<BatchBench.Result> results, Map<Integer, Double> llama, int context,
                              boolean shared) {
        Map<String, Map<Integer, Double>> series = new LinkedHashMap<>();
        for (BatchBench.Result r : results) {
            String name = r.attention().equals("quest") ? "Quest (budget " + r.tokenBudget() + ")" : "dense";
            series.computeIfAbsent(name, k -> new TreeMap<>()).put(r.batchSize(), r.aggregateTokensPerSecond());
        }
        if (!llama.isEmpty()) {
            series.put("llama.cpp" + (shared ? " (-pps)" : ""), llama);
        }
        String title = "Aggregate decode tok/s, " + context + "-token " + (shared ? "shared document" : "documents, one per sequence");
        try (OutputStream os = Files.newOutputStream(png)) {
            BenchCharts.throughputVsBatch(title, series, os);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the chart " + png + ": " + e.getMessage(), e);
        }
    }

    private static int positive(String v, String flag) {
        try {
            int n = Integer.parseInt(v.trim());
            if (n < 1) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new UsageException("--" + flag + " must be a positive integer, got '" + v + "'");
        }
    }

    private static int[] list(String v, String flag) {
        return Arrays.stream(v.split(",")).mapToInt(x -> positive(x, flag)).toArray();
    }
}
