package dev.questspark.jobs.cli;

import dev.questspark.jobs.config.QuestSettings;
import dev.questspark.quest.AttentionBench;
import dev.questspark.quest.SharedPageBench;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;

/** {@code bin/quest bench-attention}: one decode attention call, dense vs Quest, beside a bandwidth probe (no Spark). */
final class BenchAttentionCommand extends Command {
    BenchAttentionCommand() {
        super("bench-attention", "time one decode attention call, dense vs Quest, with a memory-bandwidth probe (no Spark)",
                "bench-attention --shape smollm2-135m|llama2-7b --context N --token-budget B --page-size P [--sequences N]"
                        + " [--shared-document true|false]",
                Flags.benchAttention());
    }

    @Override
    int run(ParsedFlags flags, PrintStream out) {
        QuestSettings s = QuestSettings.defaults().with(flags.settings());
        String shape = flags.has("shape") ? flags.get("shape") : "smollm2-135m";
        int context = parse(flags.has("context") ? flags.get("context") : "32768", "context");
        int threads = s.getInt("threads") > 0 ? s.getInt("threads") : Runtime.getRuntime().availableProcessors();
        int sequences = parse(flags.has("sequences") ? flags.get("sequences") : "0", "sequences");
        if (sequences > 0) {
            boolean shared = !flags.has("shared-document") || parseBoolean(flags.get("shared-document"));
            return runShared(shape, context, sequences, shared, s.getInt("token-budget"), s.getInt("page-size"), threads,
                    flags.on("json"), out);
        }
        AttentionBench.Result r = AttentionBench.run(shape, context, s.getInt("token-budget"), s.getInt("page-size"), threads);
        if (flags.on("json")) {
            out.println(r.toJson());
            return 0;
        }
        out.printf(Locale.ROOT, "%s, context %d, budget %d, page size %d, %d threads, kernel %s%n", r.shape(), r.context(),
                r.budget(), r.pageSize(), r.threads(), r.kernel());
        out.printf(Locale.ROOT, "dense  %.4f ms (%d KV bytes)%n", r.denseMs(), r.denseBytes());
        out.printf(Locale.ROOT, "quest  %.4f ms (%d KV bytes)%n", r.questMs(), r.questBytes());
        out.printf(Locale.ROOT, "speedup %.2fx; bandwidth probe %.1f GB/s; dense time / bandwidth bound %.2f%n",
                r.speedup(), r.bandwidthGbps(), r.denseBandwidthRatio());
        return 0;
    }

    /**
     * The batched mode: N forks of one document (or N documents of their own), the batched pass against each sequence
     * alone.
     */
    private static int runShared(String shape, int context, int sequences, boolean sharedDocument, int budget, int pageSize,
            int threads, boolean json, PrintStream out) {
        SharedPageBench.Result r = SharedPageBench.run(shape, context, sequences, budget, pageSize, threads, sharedDocument);
        if (json) {
            out.println(r.toJson());
            return 0;
        }
        out.printf(Locale.ROOT, "%s, %d layers, %d sequences on %s %d-token document%s, budget %d, page size %d, %d threads, kernel %s%n",
                r.shape(), r.layers(), r.sequences(), sharedDocument ? "one" : "their own", r.context(), sharedDocument ? "" : "s",
                r.budget(), r.pageSize(), r.threads(), r.kernel());
        out.printf(Locale.ROOT, "dense  alone %.4f ms (%d KV bytes), batched pass %.4f ms (%d KV bytes): %.2fx%n", r.denseAloneMs(),
                r.denseAloneBytes(), r.denseSharedMs(), r.denseSharedBytes(), r.denseAloneMs() / r.denseSharedMs());
        out.printf(Locale.ROOT, "quest  alone %.4f ms (%d KV bytes), batched pass %.4f ms (%d KV bytes): %.2fx%n", r.questAloneMs(),
                r.questAloneBytes(), r.questSharedMs(), r.questSharedBytes(), r.questAloneMs() / r.questSharedMs());
        return 0;
    }

    private static boolean parseBoolean(String v) {
        if (!v.equals("true") && !v.equals("false")) {
            throw new UsageException("--shared-document must be true or false, got '" + v + "'");
        }
        return Boolean.parseBoolean(v);
    }

    private static int parse(String v, String flag) {
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new UsageException("--" + flag + " must be an integer, got '" + v + "'");
        }
    }
}
