package dev.questspark.jobs;

import dev.questspark.jobs.bench.BalancedPartitions;
import dev.questspark.jobs.bench.BenchCharts;
import dev.questspark.jobs.bench.BenchRow;
import dev.questspark.jobs.bench.BenchSummary;
import dev.questspark.jobs.bench.SyntheticCorpus;
import dev.questspark.jobs.bench.TaskTimeline;
import dev.questspark.jobs.bench.TimelineChart;
import dev.questspark.jobs.cli.QuestCli;
import dev.questspark.jobs.config.QuestSettings;
import dev.questspark.jobs.generate.RowResult;
import dev.questspark.jobs.io.Inputs;
import dev.questspark.jobs.model.DistributedModelFile;
import dev.questspark.jobs.model.DocumentModel;
import dev.questspark.jobs.model.ModelLocation;
import dev.questspark.jobs.model.SharedModels;
import dev.questspark.jobs.text.Tasks;
import dev.questspark.quest.QuestConfig;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

/**
 * Throughput: {@code bin/quest bench --output DIR}. Runs a corpus (synthetic documents of the given token lengths,
 * the skewed corpus with --skewed, or --corpus PATH) in dense attention (unless --quest-only) and in Quest at each
 * budget, at each parallelism (partition count) and each of --batch-sizes, summarizing every document and, with
 * --qa-questions N, also answering N questions per document (answers/s); and writes DIR/rows (Parquet, one row per
 * document or answer and run), DIR/summary.md (with the wall time of each run by executors) and the charts
 * DIR/latency_vs_context.png, DIR/speedup_vs_budget.png and one per-task timeline per run,
 * DIR/timeline_p&lt;parallelism&gt;[_b&lt;batch size&gt;][_qa]_&lt;attention&gt;.png.
 */
public final class BenchJob implements SparkJob {
    private static final Logger LOG = LoggerFactory.getLogger(BenchJob.class);
    /** Room left in the context for the summarize instruction around a synthetic document. */
    private static final int PROMPT_MARGIN = 64;
    private static final int LONG_TOKENS = 200_000;
    private static final int SHORT_DOCS = 20;
    private static final StructType CORPUS = new StructType().add("id", DataTypes.StringType)
            .add("context", DataTypes.IntegerType).add("text", DataTypes.StringType);

    public static void main(String[] args) {
        QuestCli.main(QuestCli.prepend("bench", args));
    }

    @Override
    public String name() {
        return "bench";
    }

    @Override
    public JobReport run(SparkSession spark, QuestSettings s) {
        System.setProperty("java.awt.headless", "true");
        String output = s.get("output");
        boolean overwrite = s.getBoolean("overwrite");
        Outputs.checkWritable(spark, output, overwrite);

        Dataset<Row> corpus = corpus(spark, s).cache();
        long documents = corpus.count();
        List<Integer> batchSizes = batchSizes(s);
        int questions = intOr(s, "qa-questions", 0);
        if (questions > 0 && skewed(s)) {
            throw new IllegalArgumentException("--qa-questions runs the qa task over the documents; the skewed corpus is"
                    + " summarize only: drop one of --skewed and --qa-questions");
        }
        int warmUpDocs = intOr(s, "warm-up-docs", WARM_UP_DOCS_PER_SLOT);
        if (warmUpDocs < 0) {
            throw new IllegalArgumentException("--warm-up-docs must be 0 (only load the model) or more, got " + warmUpDocs);
        }
        if (skewed(s) || warmUpDocs == 0) {
            warmUp(spark, s);
        } else {
            warmUpOnCorpus(spark, s, corpus, warmUpDocs, questions, batchSizes);
        }
        List<BenchRow> rows = new ArrayList<>();
        List<Timeline> timelines = new ArrayList<>();
        for (int parallelism : parallelisms(spark, s)) {
            Dataset<Row> parts = BalancedPartitions.of(spark, corpus, "id", "text", parallelism).cache();
            parts.count();
            Dataset<Row> asked = questions > 0 ? withQuestions(spark, parts, questions).cache() : null;
            for (QuestConfig mode : modes(s)) {
                for (String task : tasks(s, questions)) {
                    // The batch sizes of a task and mode run one after another, so their ratios are side by side.
                    for (int batchSize : batchSizes) {
                        try (TaskTimeline timeline = new TaskTimeline(spark.sparkContext())) {
                            Run run = new Run(parallelism, batchSize, task, mode);
                            List<BenchRow> out = runOnce(Tasks.ANSWER.equals(task) ? asked : parts, s, run);
                            rows.addAll(out);
                            timelines.add(new Timeline(run.label(batchSizes.size() > 1), out.get(0).mode(), parallelism,
                                    out.get(0).runSeconds(), timeline.tasks()));
                        }
                    }
                }
            }
            if (asked != null) {
                asked.unpersist();
            }
            parts.unpersist();
        }
        BenchSummary summary = new BenchSummary(rows);
        writeResults(spark, output, overwrite, rows, summary, timelines);

        long errors = rows.stream().filter(r -> !"ok".equals(r.status())).count();
        long generated = rows.stream().mapToLong(BenchRow::generatedTokens).sum();
        double seconds = summary.runs().stream().mapToDouble(BenchSummary.Run::seconds).sum();
        List<String> notes = new ArrayList<>(List.of(summary.markdown().split("\n")));
        notes.add("rows, summary.md and charts in " + output);
        return new JobReport(name(), output, documents, rows.size(), errors, rows.size(), generated, seconds, List.of(), notes);
    }

    /** The tasks of one run, for its timeline chart and its executor count; label names its chart file. */
    private record Timeline(String label, String mode, int parallelism, double seconds, List<TaskTimeline.Task> tasks) {
    }

    /** One run of the grid: the corpus at a parallelism and batch size, summarized or asked, in one attention mode. */
    private record Run(int parallelism, int batchSize, String task, QuestConfig mode) {
        String taskName() {
            return Tasks.ANSWER.equals(task) ? "qa" : task;
        }

        /** p2_b8_qa_quest_1024: the timeline's file name part (the batch size when several ran). */
        String label(boolean showBatch) {
            String m = RowResult.reportedBudget(mode) != null ? "quest_" + mode.tokenBudget() : "dense";
            return "p" + parallelism + (showBatch ? "_b" + batchSize : "") + (Tasks.ANSWER.equals(task) ? "_qa" : "") + "_" + m;
        }
    }

    /**
     * The documents each followed by n rows asking one of the synthetic questions (question_id, question), in the
     * same partitions, so a document's questions are adjacent in one task as the qa job puts them.
     */
    private static Dataset<Row> withQuestions(SparkSession spark, Dataset<Row> parts, int n) {
        List<String> questions = new ArrayList<>(SyntheticCorpus.questions(n));
        StructType schema = parts.schema().add("question_id", DataTypes.StringType).add("question", DataTypes.StringType);
        JavaRDD<Row> rows = parts.javaRDD().flatMap(doc -> {
            List<Row> out = new ArrayList<>(questions.size());
            for (int i = 0; i < questions.size(); i++) {
                Object[] values = new Object[doc.length() + 2];
                for (int c = 0; c < doc.length(); c++) {
                    values[c] = doc.get(c);
                }
                values[doc.length()] = doc.getAs("id") + "#q" + i;
                values[doc.length() + 1] = questions.get(i);
                out.add(RowFactory.create(values));
            }
            return out.iterator();
        });
        return spark.createDataFrame(rows, schema);
    }

    /** The tasks of --tasks (summarize, qa), in that order; qa needs --qa-questions above 0. */
    private static List<String> tasks(QuestSettings s, int questions) {
        List<String> named = List.of(s.get("tasks", "summarize,qa").replace(" ", "").split(","));
        for (String t : named) {
            if (!t.equals("summarize") && !t.equals("qa")) {
                throw new IllegalArgumentException("--tasks takes summarize and qa, got " + t);
            }
        }
        List<String> out = new ArrayList<>();
        if (named.contains("summarize")) {
            out.add(Tasks.SUMMARIZE);
        }
        if (named.contains("qa") && questions > 0) {
            out.add(Tasks.ANSWER);
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("--tasks qa needs --qa-questions N above 0");
        }
        return out;
    }

    /** --batch-sizes, or the batch-size setting alone. */
    private static List<Integer> batchSizes(QuestSettings s) {
        String list = s.get("batch-sizes", null);
        List<Integer> out = list == null || list.isBlank() ? List.of(s.getInt("batch-size")) : s.getIntList("batch-sizes");
        for (int b : out) {
            if (b < 1) {
                throw new IllegalArgumentException("--batch-sizes must be positive integers, got " + list);
            }
        }
        return out;
    }

    /**
     * Synthetic documents (id, context, text), the skewed synthetic corpus (--skewed), or the documents of
     * --corpus PATH with context from their prompt length.
     */
    private static Dataset<Row> corpus(SparkSession spark, QuestSettings s) {
        String path = s.get("corpus", "");
        if (skewed(s)) {
            return skewedCorpus(spark, s);
        }
        if (!path.isBlank()) {
            return Inputs.documents(spark, path, s.get("input-format"), s.get("id-col"), s.get("text-col"))
                    .select(col(s.get("id-col")).cast("string").as("id"), lit(0).as("context"),
                            col(s.get("text-col")).as("text"));
        }
        DocumentModel model = driverModel(spark, s);
        int capacity = s.getInt("context-tokens") > 0 ? Math.min(s.getInt("context-tokens"), model.contextLength())
                : model.contextLength();
        List<Integer> lengths = s.getIntList("lengths");
        for (int length : lengths) {
            if (length < 1 || length + s.getInt("max-tokens") + PROMPT_MARGIN > capacity) {
                throw new IllegalArgumentException("bench length " + length + " plus max-tokens " + s.getInt("max-tokens")
                        + " and the prompt does not fit the context of " + capacity + " tokens; use shorter --lengths");
            }
        }
        List<Row> docs = new ArrayList<>();
        for (SyntheticCorpus.Document d : SyntheticCorpus.generate(model, lengths, s.getInt("docs-per-length"), s.getLong("seed"))) {
            docs.add(RowFactory.create(d.id(), d.length(), d.text()));
        }
        return spark.createDataFrame(docs, CORPUS);
    }

    /** Whether the bench runs the skewed corpus, through the summarize job's split stages. */
    private static boolean skewed(QuestSettings s) {
        return s.get("skewed", null) != null && s.getBoolean("skewed");
    }

    /** One document of --long-tokens among --short-docs of the first --lengths, all of them by the model's tokenizer. */
    private static Dataset<Row> skewedCorpus(SparkSession spark, QuestSettings s) {
        DocumentModel model = driverModel(spark, s);
        List<Row> docs = new ArrayList<>();
        for (SyntheticCorpus.Document d : SyntheticCorpus.skewed(model, intOr(s, "long-tokens", LONG_TOKENS),
                s.getIntList("lengths").get(0), intOr(s, "short-docs", SHORT_DOCS), s.getLong("seed"))) {
            docs.add(RowFactory.create(d.id(), d.length(), d.text()));
        }
        return spark.createDataFrame(docs, CORPUS);
    }

    private static int intOr(QuestSettings s, String key, int fallback) {
        return s.get(key, null) == null ? fallback : s.getInt(key);
    }

    /** The driver's copy of the model, to tokenize the synthetic corpus (in local mode, the executors' copy). */
    private static DocumentModel driverModel(SparkSession spark, QuestSettings s) {
        ModelLocation location = new ModelLocation(s.get("model"));
        java.nio.file.Path file = DistributedModelFile.resolve(location, spark.sparkContext().hadoopConfiguration());
        int threads = s.getInt("threads") > 0 ? s.getInt("threads") : spark.sparkContext().getConf().getInt("spark.task.cpus", 1);
        return SharedModels.get(s.get("model-loader", QuestGenerator.ENGINE_LOADER), file, threads);
    }

    /**
     * Loads the model and touches its weights before the timed runs, so the first run is not charged for it: one
     * short text in every partition slot, so each executor loads its copy (the skewed corpus: its long document is
     * too long to sample; see {@link #warmUpOnCorpus} for the others).
     */
    private static void warmUp(SparkSession spark, QuestSettings s) {
        int slots = spark.sparkContext().defaultParallelism();
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < slots; i++) {
            rows.add(RowFactory.create("warm-up-" + i, 0, "A short text to load the model."));
        }
        Dataset<Row> warm = spark.createDataFrame(rows, CORPUS).repartition(slots);
        generator(s, modes(s).get(0)).setMaxNewTokens(2).transform(warm).select(OutputColumns.STATUS).collectAsList();
    }

    /** Documents per task slot of the corpus warm-up (the default of --warm-up-docs), and the most tokens each of its rows generates. */
    private static final int WARM_UP_DOCS_PER_SLOT = 2;
    private static final int WARM_UP_TOKENS = 16;

    /**
     * Runs a sample of the corpus (the first docsPerSlot documents per task slot, short generations) through
     * every task and attention mode at batch size 1 and at the largest batch size, untimed, before the timed runs.
     * Without it the first timed run was charged for the executors' first prefills and batched steps (JIT compilation
     * of those paths, the first touch of KV memory): it was the slowest run whatever its batch size, so each run
     * order favoured the sizes it ran last (docs/benchmarks.md, "Spark jobs: batch size").
     */
    private static void warmUpOnCorpus(SparkSession spark, QuestSettings s, Dataset<Row> corpus, int docsPerSlot,
                                       int questions, List<Integer> batchSizes) {
        int slots = spark.sparkContext().defaultParallelism();
        Dataset<Row> sample = BalancedPartitions.of(spark, corpus.limit(docsPerSlot * slots), "id", "text", slots)
                .cache();
        long documents = sample.count();
        Dataset<Row> asked = questions > 0 ? withQuestions(spark, sample, questions) : null;
        int largest = batchSizes.stream().mapToInt(Integer::intValue).max().orElse(1);
        long t0 = System.nanoTime();
        for (QuestConfig mode : modes(s)) {
            for (String task : tasks(s, questions)) {
                for (int batchSize : largest > 1 ? List.of(1, largest) : List.of(1)) {
                    Run run = new Run(slots, batchSize, task, mode);
                    generator(s, run).setMaxNewTokens(Math.min(WARM_UP_TOKENS, s.getInt("max-tokens"))).transform(Tasks.ANSWER.equals(task) ? asked : sample)
                            .select(OutputColumns.STATUS).collectAsList();
                }
            }
        }
        sample.unpersist();
        LOG.info(String.format(Locale.ROOT, "bench warm-up on %d documents of the corpus: %.2f s", documents,
                (System.nanoTime() - t0) / 1e9));
    }

    /**
     * One run over the corpus: one task per document's map-reduce (QuestGenerator), or for the skewed corpus the
     * summarize job's split stages, where a long document's chunks spread over the partitions.
     */
    private static List<BenchRow> runOnce(Dataset<Row> parts, QuestSettings s, Run run) {
        QuestConfig mode = run.mode();
        boolean qa = Tasks.ANSWER.equals(run.task());
        long t0 = System.nanoTime();
        List<Row> out;
        if (skewed(s)) {
            try (SplitSummaries split = SplitSummaries.run(generator(s, run).setOutputCol("summary"), parts, run.parallelism())) {
                out = results(split.rows(), "id");
            }
        } else {
            out = results(generator(s, run).transform(parts), qa ? "question_id" : "id");
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        List<BenchRow> rows = new ArrayList<>();
        for (Row r : out) {
            int context = r.getInt(1) > 0 ? r.getInt(1) : powerOfTwoAtLeast(r.getInt(4));
            rows.add(new BenchRow(run.parallelism(), run.batchSize(), run.taskName(), mode.attention().configName(),
                    RowResult.reportedBudget(mode), r.getString(0), context, r.getString(2), r.getString(3), r.getInt(4),
                    r.getInt(5), r.getInt(6), r.getDouble(7), r.getDouble(8), r.getLong(9), r.getLong(10), r.getLong(11),
                    seconds));
        }
        LOG.info(String.format("bench %s %s at parallelism %d, batch-size %d: %d %s in %.2f s", run.taskName(),
                RowResult.reportedBudget(mode) != null ? "quest " + mode.tokenBudget() : "dense", run.parallelism(),
                run.batchSize(), rows.size(), qa ? "answers" : "documents", seconds));
        return rows;
    }

    private static List<Row> results(Dataset<Row> generated, String idCol) {
        return generated.select(col(idCol), col("context"), col(OutputColumns.STATUS),
                col(OutputColumns.ERROR), col(OutputColumns.PROMPT_TOKENS), col(OutputColumns.GENERATED_TOKENS),
                col(OutputColumns.CHUNKS), col(OutputColumns.PREFILL_MS), col(OutputColumns.DECODE_MS),
                col(OutputColumns.PAGES_SELECTED), col(OutputColumns.KV_BYTES_READ), col(OutputColumns.KV_BYTES_DENSE))
                .collectAsList();
    }

    private static QuestGenerator generator(QuestSettings s, QuestConfig mode) {
        return new QuestGenerator().applySettings(s).setSettings(s.settings().withQuest(mode)).setTask(Tasks.SUMMARIZE)
                .setInputCol("text");
    }

    private static QuestGenerator generator(QuestSettings s, Run run) {
        QuestGenerator g = generator(s, run.mode()).setBatchSize(run.batchSize()).setTask(run.task());
        return Tasks.ANSWER.equals(run.task()) ? g.setQuestionCol("question") : g;
    }

    /** Dense (unless --quest-only), then Quest at each budget (the other attention settings as set). */
    private static List<QuestConfig> modes(QuestSettings s) {
        QuestConfig base = s.settings().quest();
        List<QuestConfig> modes = new ArrayList<>();
        if (s.get("quest-only", null) == null || !s.getBoolean("quest-only")) {
            modes.add(base.withAttention(QuestConfig.Attention.DENSE));
        }
        for (int budget : s.getIntList("budgets")) {
            modes.add(base.withAttention(QuestConfig.Attention.QUEST).withTokenBudget(budget));
        }
        return modes;
    }

    private static List<Integer> parallelisms(SparkSession spark, QuestSettings s) {
        List<Integer> out = new ArrayList<>();
        for (int p : s.getIntList("parallelism")) {
            out.add(p > 0 ? p : spark.sparkContext().defaultParallelism());
        }
        return out.isEmpty() ? List.of(spark.sparkContext().defaultParallelism()) : out;
    }

    static int powerOfTwoAtLeast(int n) {
        int p = 1;
        while (p < n) {
            p <<= 1;
        }
        return p;
    }

    /** Wall time of each run with the executors and task slots its tasks ran on, and the speedup over the first. */
    static String wallTimes(List<Timeline> timelines) {
        StringBuilder sb = new StringBuilder("| run | attention | parallelism | executors | task slots used | tasks | wall seconds"
                + " | speedup | busy seconds by executor |\n|---|---|---|---|---|---|---|---|---|\n");
        java.util.Map<String, Double> first = new java.util.HashMap<>();
        for (Timeline t : timelines) {
            // The speedup is over the first run of the same label without its parallelism: more partitions, same work.
            double base = first.computeIfAbsent(t.label().replaceFirst("^p\\d+_", ""), m -> t.seconds());
            StringBuilder busy = new StringBuilder();
            TaskTimeline.busySeconds(t.tasks()).forEach((e, sec) -> busy.append(busy.isEmpty() ? "" : ", ")
                    .append(String.format(Locale.ROOT, "%s: %.1f", e, sec)));
            long slots = TimelineChart.lanes(t.tasks()).stream().distinct().count();
            sb.append(String.format(Locale.ROOT, "| %s | %s | %d | %d | %d | %d | %.2f | %.2fx | %s |%n", t.label(), t.mode(),
                    t.parallelism(), TaskTimeline.executors(t.tasks()), slots, t.tasks().size(), t.seconds(),
                    base / t.seconds(), busy));
        }
        sb.append("\nPer-task timelines: timeline_<run>.png (one bar per task, one lane per task slot) and"
                + " timeline_<run>.csv (the same tasks as rows); task slots used: the lanes of the timeline (tasks that ran"
                + " at once; the split summarize's tasks take every free slot, so with --skewed a lower parallelism than the"
                + " master's slots is not a smaller cluster: compare one application per slot count); busy seconds: the"
                + " time an executor had a task running.");
        return sb.toString();
    }

    private static void writeResults(SparkSession spark, String output, boolean overwrite, List<BenchRow> rows,
                                     BenchSummary summary, List<Timeline> timelines) {
        List<Row> data = rows.stream().map(BenchRow::toRow).toList();
        Outputs.write(spark.createDataFrame(data, BenchRow.SCHEMA).coalesce(1), output + "/rows", overwrite);
        // The latency charts take the summarize runs at the first parallelism and batch size.
        BenchSummary.Run firstRun = summary.runs().isEmpty() ? null : summary.runs().get(0);
        List<BenchSummary.Run> oneParallelism = summary.runs().stream().filter(r -> r.parallelism() == firstRun.parallelism()
                && r.batchSize() == firstRun.batchSize() && r.task().equals(firstRun.task())).toList();
        try {
            FileSystem fs = new Path(output).getFileSystem(spark.sparkContext().hadoopConfiguration());
            try (OutputStream out = fs.create(new Path(output, "summary.md"), true)) {
                out.write((summary.markdown() + "\n\n" + wallTimes(timelines) + "\n").getBytes(StandardCharsets.UTF_8));
            }
            for (Timeline t : timelines) {
                String name = "timeline_" + t.label() + ".png";
                try (OutputStream out = fs.create(new Path(output, name), true)) {
                    TimelineChart.draw(String.format(Locale.ROOT, "Tasks of the %s run %s: %.1f s",
                            t.mode(), t.label(), t.seconds()), t.tasks(), out);
                }
                try (OutputStream out = fs.create(new Path(output, "timeline_" + t.label() + ".csv"), true)) {
                    out.write(TaskTimeline.csv(t.tasks()).getBytes(StandardCharsets.UTF_8));
                }
            }
            try (OutputStream out = fs.create(new Path(output, "latency_vs_context.png"), true)) {
                BenchCharts.latencyVsContext(oneParallelism, out);
            }
            try (OutputStream out = fs.create(new Path(output, "speedup_vs_budget.png"), true)) {
                BenchCharts.speedupVsBudget(oneParallelism, out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write bench results to " + output + ": " + e.getMessage(), e);
        }
    }
}
