package dev.questspark.jobs;

import dev.questspark.jobs.generate.ChunkGenerator;
import dev.questspark.jobs.generate.ChunkWork;
import dev.questspark.jobs.generate.GeneratorSettings;
import dev.questspark.jobs.generate.RowResult;
import dev.questspark.jobs.model.DistributedModelFile;
import dev.questspark.jobs.model.DocumentModel;
import dev.questspark.jobs.model.ModelLocation;
import dev.questspark.jobs.model.SharedModels;
import dev.questspark.jobs.text.Utf8Errors;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.util.LongAccumulator;
import org.apache.spark.util.SerializableConfiguration;
import org.apache.spark.util.TaskCompletionListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.Serializable;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.stream.StreamSupport;

/**
 * The task functions of the split summarize ({@link SplitSummaries}): plan (documents to level-0 work rows), call
 * (work rows to result rows, one model call each) and next (one document's results of a level, in chunk order, to
 * the next level's work rows). Each task has its own {@link ChunkGenerator} on the executor's shared model.
 */
final class ChunkStages {
    private static final Logger PROGRESS = LoggerFactory.getLogger("dev.questspark.jobs.progress");

    private ChunkStages() {
    }

    /** Where tasks get the model and how they generate. */
    record Model(GeneratorSettings settings, Broadcast<SerializableConfiguration> hadoopConf) implements Serializable {
        DocumentModel get() {
            Path file = DistributedModelFile.resolve(new ModelLocation(settings.modelLocation()),
                    hadoopConf == null ? null : hadoopConf.value().value());
            return SharedModels.get(settings.loaderClass(), file, settings.threads());
        }

        /** A generator for this task, closed when the task ends. */
        ChunkGenerator generator() {
            ChunkGenerator g = new ChunkGenerator(settings, this::get);
            TaskContext task = TaskContext.get();
            if (task != null) {
                task.addTaskCompletionListener((TaskCompletionListener) ctx -> g.close());
            }
            return g;
        }
    }

    /** Rows (key, text, the text's raw bytes when they are not valid UTF-8) to the level-0 work rows of each document. */
    record Plan(Model model) implements MapPartitionsFunction<Row, Row> {
        @Override
        public Iterator<Row> call(Iterator<Row> input) {
            ChunkGenerator g = model.generator();
            Iterable<Row> rows = () -> input;
            return StreamSupport.stream(rows.spliterator(), false)
                    .flatMap(r -> g.plan(r.getLong(0), r.isNullAt(1) ? null : r.getString(1),
                            r.isNullAt(2) ? null : Utf8Errors.describe("text", (byte[]) r.get(2))).stream())
                    .map(ChunkRows::work).iterator();
        }
    }

    /**
     * Named accumulators for progress and the Spark UI: documents finished (their last call, or a failed one) and
     * generated tokens (see {@link JobProgress}).
     */
    record Counters(LongAccumulator documents, LongAccumulator generatedTokens) implements Serializable {
        static Counters of(org.apache.spark.SparkContext sc) {
            return new Counters(sc.longAccumulator(JobProgress.ROWS), sc.longAccumulator(JobProgress.TOKENS));
        }
    }

    /** Work rows to result rows, one model call each, in the partition's order. */
    record Call(Model model, String failOnceMarker, Counters counters) implements MapPartitionsFunction<Row, Row> {
        @Override
        public Iterator<Row> call(Iterator<Row> input) {
            TaskContext task = TaskContext.get();
            Function<ChunkWork, RowResult> summarize;
            Iterator<ChunkWork> work;
            if (model.settings().batchSize() > 1) {
                // calls read ahead and made concurrently, so they share one continuous batch; results in input order
                BatchedRows<ChunkGenerator> batch = new BatchedRows<>(model.settings(), model::get,
                        source -> new ChunkGenerator(model.settings(), model::get, source));
                if (task != null) {
                    task.addTaskCompletionListener((TaskCompletionListener) ctx -> batch.close());
                }
                Deque<ChunkWork> ahead = new ArrayDeque<>();
                Deque<Future<RowResult>> results = new ArrayDeque<>();
                Runnable fill = () -> {
                    while (results.size() < batch.readAhead() && input.hasNext()) {
                        ChunkWork w = ChunkRows.work(input.next());
                        ahead.add(w);
                        results.add(batch.submit(g -> g.summarize(w)));
                    }
                };
                work = new Iterator<>() {
                    @Override
                    public boolean hasNext() {
                        fill.run();
                        return !ahead.isEmpty();
                    }

                    @Override
                    public ChunkWork next() {
                        fill.run();
                        return ahead.poll();
                    }
                };
                summarize = w -> {
                    RowResult r = BatchedRows.await(results.poll());
                    fill.run();
                    return r;
                };
            } else {
                ChunkGenerator g = model.generator();
                work = new Iterator<>() {
                    @Override
                    public boolean hasNext() {
                        return input.hasNext();
                    }

                    @Override
                    public ChunkWork next() {
                        return ChunkRows.work(input.next());
                    }
                };
                summarize = g::summarize;
            }
            return new Iterator<>() {
                private final long started = System.nanoTime();
                private long calls;
                private long generated;
                private boolean reported;

                @Override
                public boolean hasNext() {
                    boolean more = work.hasNext();
                    if (!more && !reported) {
                        reported = true;
                        report(task, calls, generated, System.nanoTime() - started);
                    }
                    return more;
                }

                @Override
                public Row next() {
                    ChunkWork w = work.next();
                    RowResult result = summarize.apply(w);
                    calls++;
                    generated += result.generatedTokens();
                    counters.generatedTokens().add(result.generatedTokens());
                    counters.documents().add(w.last() || !result.ok() ? 1 : 0);
                    // After a row has been produced, so a retry also has to throw away partial work.
                    FailOnce.check(failOnceMarker, task);
                    return ChunkRows.result(w, result);
                }
            };
        }
    }

    /**
     * One level's results, grouped by document and in chunk order within the partition, to the next level's work
     * rows. A document with a failed call gets nothing more: its error is already among the results.
     */
    record Next(Model model) implements MapPartitionsFunction<Row, Row> {
        @Override
        public Iterator<Row> call(Iterator<Row> input) {
            ChunkGenerator g = model.generator();
            List<Row> out = new ArrayList<>();
            List<Row> document = new ArrayList<>();
            while (input.hasNext()) {
                Row r = input.next();
                if (!document.isEmpty() && document.get(0).getLong(0) != r.getLong(0)) {
                    next(g, document, out);
                    document.clear();
                }
                document.add(r);
            }
            if (!document.isEmpty()) {
                next(g, document, out);
            }
            return out.iterator();
        }

        private static void next(ChunkGenerator g, List<Row> level, List<Row> out) {
            if (!level.stream().allMatch(ChunkRows::ok)) {
                return;
            }
            List<String> summaries = level.stream().map(ChunkRows::text).toList();
            g.next(ChunkRows.head(level.get(0)), summaries).forEach(w -> out.add(ChunkRows.work(w)));
        }
    }

    private static void report(TaskContext task, long calls, long generated, long nanos) {
        if (task != null) {
            PROGRESS.info(String.format("stage %d partition %d attempt %d done: %d chunk calls, %d generated tokens in %.1f s",
                    task.stageId(), task.partitionId(), task.attemptNumber(), calls, generated, nanos / 1e9));
        }
    }
}
