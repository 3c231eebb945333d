package dev.questspark.jobs.cli;

import dev.questspark.engine.BatchBench;
import dev.questspark.engine.Engine;
import dev.questspark.jobs.config.QuestSettings;
import dev.questspark.jobs.model.ModelLocation;
import dev.questspark.quest.QuestConfig;
import dev.questspark.settings.Settings;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * {@code bin/quest bench-batch}: aggregate decode throughput of continuous batching per batch size and attention
 * setting, on documents of --context tokens (one shared document, or one per sequence), no Spark.
 */
final class BenchBatchCommand implements Command {
    @Override
    public String name() {
        return "bench-batch";
    }

    @Override
    public String summary() {
        return "aggregate decode tok/s of batched decoding per batch size, dense vs Quest (no Spark)";
    }

    @Override
    public String usage() {
        return "bench-batch --context N --batch-sizes 1,2,4,8,16 --attention dense,quest --shared-document true|false";
    }

    @Override
    public List<Flag> flags() {
        return Flags.benchBatch();
    }

    @Override
    public int run(ParsedFlags flags, PrintStream out) {
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
        if (flags.on("json")) {
            Map<String, Object> fields = new LinkedHashMap<>();
            fields.put("command", "bench-batch");
            fields.put("model", engine.info().name());
            fields.put("threads", threads);
            String head = Json.object(fields);
            out.println(head.substring(0, head.length() - 1) + ",\"results\":["
                    + results.stream().map(BatchBench.Result::toJson).collect(Collectors.joining(",")) + "]}");
            return 0;
        }
        out.printf(Locale.ROOT, "%s, %d threads, context %d, %s document%s, %d tokens decoded per sequence%n",
                engine.info().name(), threads, context, shared ? "one shared" : "one", shared ? "" : " per sequence", decode);
        out.printf(Locale.ROOT, "%-22s %6s %14s %12s %10s%n", "attention", "batch", "aggregate t/s", "KV read", "pages read");
        for (BatchBench.Result r : results) {
            String setting = r.attention().equals("quest") ? "quest (budget " + r.tokenBudget() + ")" : r.attention();
            out.printf(Locale.ROOT, "%-22s %6d %14.1f %11.0f%% %9.0f%%%n", setting, r.batchSize(), r.aggregateTokensPerSecond(),
                    100 * r.kvReadFraction(), 100 * r.sharedPageReadFraction());
        }
        return 0;
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
