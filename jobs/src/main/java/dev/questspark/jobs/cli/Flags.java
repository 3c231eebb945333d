package dev.questspark.jobs.cli;

import dev.questspark.settings.Setting;
import dev.questspark.settings.Settings;

import java.util.ArrayList;
import java.util.List;

/**
 * The flags of each command. The settings table ({@link Settings}) gives the flags of its settings, by group; the
 * flags here are the commands' own (inputs, outputs, columns, the bench grid).
 */
final class Flags {
    static final Flag JSON = Flag.toggle("json", "print one JSON object as the only line on stdout");
    static final Flag CONF = Flag.value(ParsedFlags.CONF, "KEY=VALUE", "none",
            "a Spark conf entry (repeatable); spark.quest.<setting> sets a Quest setting");

    private Flags() {
    }

    /** The flag of a setting of the table. */
    static Flag of(Setting<?> s) {
        return Flag.setting(s.name(), s.placeholder(), s.help());
    }

    /** The flags of a group of the settings table. */
    static List<Flag> group(Setting.Group g) {
        return Settings.group(g).stream().map(Flags::of).toList();
    }

    static List<Flag> model() {
        List<Flag> f = new ArrayList<>();
        f.add(Flag.setting("model", "PATH", "GGUF model file (bin/fetch-model gets the default)"));
        f.addAll(group(Setting.Group.MODEL));
        return f;
    }

    static List<Flag> generate() {
        List<Flag> f = new ArrayList<>();
        f.add(Flag.value("prompt", "TEXT", Flag.REQUIRED, "the prompt"));
        f.add(Flag.toggle("chat", "wrap the prompt in the model's chat template as one user message"));
        f.addAll(model());
        f.addAll(group(Setting.Group.SAMPLING));
        f.addAll(group(Setting.Group.ATTENTION));
        f.add(JSON);
        return f;
    }

    /** Flags every Spark job has. */
    private static List<Flag> job() {
        List<Flag> f = new ArrayList<>();
        f.add(Flag.setting("master", "URL", "Spark master (spark-submit's own when run through it)"));
        f.add(CONF);
        f.add(Flag.setting("partitions", "N", "partitions of the input (0: Spark's default parallelism)"));
        f.add(Flag.setting("overwrite", null, "replace an existing output"));
        f.addAll(model());
        f.addAll(group(Setting.Group.SAMPLING));
        f.addAll(group(Setting.Group.ATTENTION));
        f.addAll(group(Setting.Group.DOCUMENTS));
        f.add(JSON);
        return f;
    }

    private static List<Flag> documents() {
        return List.of(
                Flag.setting("input-format", "FORMAT", "auto, parquet, json (JSON Lines) or text (a folder of text files)"),
                Flag.setting("id-col", "NAME", "document id column (text files: the file name)"),
                Flag.setting("text-col", "NAME", "document text column"));
    }

    static List<Flag> summarize() {
        List<Flag> f = new ArrayList<>();
        f.add(Flag.value("input", "PATH", Flag.REQUIRED, "documents: Parquet, JSON Lines or a folder of text files"));
        f.add(Flag.value("output", "PATH", Flag.REQUIRED, "output folder (Parquet)"));
        f.add(Flag.value("output-col", "NAME", "summary", "column of the generated summary"));
        f.addAll(documents());
        f.addAll(job());
        return f;
    }

    static List<Flag> qa() {
        List<Flag> f = new ArrayList<>();
        f.add(Flag.value("documents", "PATH", Flag.REQUIRED, "documents: Parquet, JSON Lines or a folder of text files"));
        f.add(Flag.value("questions", "PATH", Flag.REQUIRED, "questions: Parquet or JSON Lines"));
        f.add(Flag.value("output", "PATH", Flag.REQUIRED, "output folder (Parquet)"));
        f.add(Flag.value("output-col", "NAME", "answer", "column of the generated answer"));
        f.addAll(documents());
        f.add(Flag.setting("doc-id-col", "NAME", "column of the questions naming their document"));
        f.add(Flag.setting("question-col", "NAME", "question text column"));
        f.add(Flag.setting("question-id-col", "NAME", "question id column (optional in the input)"));
        f.addAll(group(Setting.Group.QA));
        f.add(Flag.setting("kv-cache", "DIR", "keep prefilled documents as KV snapshots in DIR and reuse them (local,"
                + " or mounted at the same path on every executor)"));
        f.addAll(job());
        return f;
    }

    static List<Flag> bench() {
        List<Flag> f = new ArrayList<>();
        f.add(Flag.value("output", "PATH", Flag.REQUIRED, "output folder: rows (Parquet), summary.md, PNG charts"));
        f.add(Flag.value("corpus", "PATH", "synthetic", "documents to run instead of the synthetic corpus"));
        f.add(Flag.toggle("skewed", "run a skewed synthetic corpus instead: one document of --long-tokens among"
                + " --short-docs of the first --lengths, summarized with the long document's chunks spread over the partitions"));
        f.add(Flag.value("long-tokens", "N", "200000", "tokens of the long document of --skewed"));
        f.add(Flag.value("short-docs", "N", "20", "short documents of --skewed"));
        f.add(Flag.setting("lengths", "N,N,...", "token lengths of the synthetic documents"));
        f.add(Flag.setting("docs-per-length", "N", "synthetic documents per length"));
        f.add(Flag.setting("budgets", "N,N,...", "Quest token budgets compared with dense attention"));
        f.add(Flag.setting("parallelism", "N,N,...", "partition counts to run at, e.g. 1,2 (0: Spark's default)"));
        f.add(Flag.value("batch-sizes", "N,N,...", "batch-size", "batch sizes to run every mode at, side by side"
                + " (documents/s and answers/s against the smallest)"));
        f.add(Flag.value("qa-questions", "N", "0", "also answer N questions per document (qa over each document's"
                + " shared KV; answers/s)"));
        f.add(Flag.toggle("quest-only", "skip the dense run: Quest at each of --budgets only"));
        f.add(Flag.value("warm-up-docs", "N", "2", "documents per task slot of the untimed warm-up before the timed runs,"
                + " through every task and mode at batch size 1 and the largest (0: only load the model)"));
        f.add(Flag.value("tasks", "LIST", "summarize,qa", "what to run over the corpus: summarize, qa (with --qa-questions)"));
        f.addAll(documents());
        f.addAll(group(Setting.Group.QA));
        f.addAll(job());
        return f;
    }

    static List<Flag> benchBatch() {
        return List.of(
                Flag.setting("model", "PATH", "GGUF model file (bin/fetch-model gets the default)"),
                Flag.value("context", "N", "7000", "tokens of each document"),
                Flag.value("batch-sizes", "N,N,...", "1,2,4,8,16", "batch sizes to measure"),
                Flag.value("attention", "LIST", "dense,quest", "settings to compare: dense, quest, quest:BUDGET"),
                Flag.toggle("shared-document", "every sequence continues one document (questions over it) instead of its own"),
                Flag.value("decode-tokens", "N", "64", "tokens each sequence decodes"),
                Flag.value("llamacpp", "FILE", "none", "llama-batched-bench --output-format jsonl results of the same run, "
                        + "shown beside ours with ratios"),
                Flag.value("chart", "PNG", "none", "write a chart of aggregate tok/s against batch size"),
                of(Settings.TOKEN_BUDGET),
                of(Settings.PAGE_SIZE),
                of(Settings.DENSE_LAYERS),
                of(Settings.RERANK_FACTOR),
                of(Settings.RERANK_SCORE),
                of(Settings.KV_MEMORY_BUDGET),
                Flag.setting("threads", "N", "threads (0: all cores)"),
                JSON);
    }

    static List<Flag> benchAttention() {
        return List.of(
                Flag.value("shape", "NAME", "smollm2-135m", "attention shape: smollm2-135m or llama2-7b"),
                Flag.value("context", "N", "32768", "context length in tokens"),
                Flag.value("sequences", "N", "0", "N > 0: N sequences forked from one shared document, shared-page pass vs alone"),
                Flag.value("shared-document", "BOOL", "true", "with --sequences: forks of one document, or false: a document each"),
                of(Settings.TOKEN_BUDGET),
                of(Settings.PAGE_SIZE),
                Flag.setting("threads", "N", "threads (0: all cores)"),
                JSON);
    }
}
