package dev.questspark.jobs;

import dev.questspark.jobs.generate.ChunkOrder;
import dev.questspark.jobs.generate.GeneratorSettings;
import dev.questspark.jobs.generate.RowGenerator;
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
import org.apache.spark.sql.RowFactory;
import org.apache.spark.util.LongAccumulator;
import org.apache.spark.util.SerializableConfiguration;
import org.apache.spark.util.TaskCompletionListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.concurrent.Future;
import java.util.function.Function;

/**
 * The work of one partition: rows in, the same rows with generated text and statistics out, one at a time. The
 * model is the executor's shared one; the decoder (KV cache) belongs to this task and is closed when it ends.
 */
final class GeneratePartition implements MapPartitionsFunction<Row, Row> {
    private static final Logger PROGRESS = LoggerFactory.getLogger("dev.questspark.jobs.progress");

    /**
     * Where the columns the function reads are in the input rows. The check columns hold the raw bytes of a text
     * or question that is not valid UTF-8 (null otherwise); -1 when there is none.
     */
    record Columns(int inputWidth, int textIndex, int questionIndex, int textCheckIndex, int questionCheckIndex,
                   int chunkOrderIndex) implements java.io.Serializable {
    }

    /** Named accumulators, shown in the Spark UI while a job runs on a cluster. */
    record Counters(LongAccumulator rows, LongAccumulator errors, LongAccumulator generatedTokens)
            implements java.io.Serializable {
    }

    private final GeneratorSettings settings;
    private final Columns columns;
    private final String failOnceMarker;
    private final Broadcast<SerializableConfiguration> hadoopConf;
    private final Counters counters;

    GeneratePartition(GeneratorSettings settings, Columns columns, String failOnceMarker,
                      Broadcast<SerializableConfiguration> hadoopConf, Counters counters) {
        this.settings = settings;
        this.columns = columns;
        this.failOnceMarker = failOnceMarker;
        this.hadoopConf = hadoopConf;
        this.counters = counters;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> input) {
        TaskContext task = TaskContext.get();
        Iterator<Row> rowsIn;
        Function<Row, RowResult> process;
        if (settings.batchSize() > 1) {
            BatchedRows<RowGenerator> batch = new BatchedRows<>(settings, this::model,
                    source -> new RowGenerator(settings, this::model, source));
            ReadAhead ahead = new ReadAhead(input, batch);
            rowsIn = ahead;
            process = in -> ahead.result();
            if (task != null) {
                task.addTaskCompletionListener((TaskCompletionListener) ctx -> batch.close());
            }
        } else {
            RowGenerator generator = new RowGenerator(settings, this::model);
            rowsIn = input;
            process = in -> generator.process(text(in, columns.textIndex()), encoding(in, "text", columns.textCheckIndex()),
                    text(in, columns.questionIndex()), encoding(in, "question", columns.questionCheckIndex()),
                    chunkOrder(in, columns.chunkOrderIndex()));
            if (task != null) {
                task.addTaskCompletionListener((TaskCompletionListener) ctx -> generator.close());
            }
        }
        return new Iterator<>() {
            private final long started = System.nanoTime();
            private long rows;
            private long errors;
            private long generated;
            private boolean reported;

            @Override
            public boolean hasNext() {
                boolean more = rowsIn.hasNext();
                if (!more && !reported) {
                    reported = true;
                    report(task, rows, errors, generated, System.nanoTime() - started);
                }
                return more;
            }

            @Override
            public Row next() {
                if (!rowsIn.hasNext()) {
                    throw new NoSuchElementException();
                }
                Row in = rowsIn.next();
                RowResult r = process.apply(in);
                rows++;
                generated += r.generatedTokens();
                if (!r.ok()) {
                    errors++;
                }
                counters.rows().add(1);
                counters.generatedTokens().add(r.generatedTokens());
                counters.errors().add(r.ok() ? 0 : 1);
                // After a row has been produced, so a retry also has to throw away partial work.
                FailOnce.check(failOnceMarker, task);
                return output(in, r);
            }
        };
    }

    /**
     * The input with batch-size above 1: up to {@link BatchedRows#readAhead()} rows read ahead, each already being
     * generated; next() gives the oldest, {@link #result()} waits for its result. Rows stay in input order.
     */
    private final class ReadAhead implements Iterator<Row> {
        private final Iterator<Row> input;
        private final BatchedRows<RowGenerator> batch;
        private final Deque<Row> rows = new ArrayDeque<>();
        private final Deque<Future<RowResult>> results = new ArrayDeque<>();

        ReadAhead(Iterator<Row> input, BatchedRows<RowGenerator> batch) {
            this.input = input;
            this.batch = batch;
        }

        @Override
        public boolean hasNext() {
            fill();
            return !rows.isEmpty();
        }

        @Override
        public Row next() {
            fill();
            if (rows.isEmpty()) {
                throw new NoSuchElementException();
            }
            return rows.poll();
        }

        /** The result of the row next() returned last. */
        RowResult result() {
            RowResult r = BatchedRows.await(results.poll());
            fill();
            return r;
        }

        private void fill() {
            while (results.size() < batch.readAhead() && input.hasNext()) {
                Row in = input.next();
                rows.add(in);
                String text = text(in, columns.textIndex());
                String textEncoding = encoding(in, "text", columns.textCheckIndex());
                String question = text(in, columns.questionIndex());
                String questionEncoding = encoding(in, "question", columns.questionCheckIndex());
                ChunkOrder order = chunkOrder(in, columns.chunkOrderIndex());
                results.add(batch.submit(g -> g.process(text, textEncoding, question, questionEncoding, order)));
            }
        }
    }

    private DocumentModel model() {
        ModelLocation location = new ModelLocation(settings.modelLocation());
        Path file = DistributedModelFile.resolve(location, hadoopConf == null ? null : hadoopConf.value().value());
        return SharedModels.get(settings.loaderClass(), file, settings.threads());
    }

    private Row output(Row in, RowResult r) {
        Object[] extra = OutputColumns.values(r);
        Object[] values = new Object[columns.inputWidth() + extra.length];
        for (int i = 0; i < columns.inputWidth(); i++) {
            values[i] = in.get(i);
        }
        System.arraycopy(extra, 0, values, columns.inputWidth(), extra.length);
        return RowFactory.create(values);
    }

    private static String text(Row row, int index) {
        return index < 0 || row.isNullAt(index) ? null : row.getString(index);
    }

    /** The chunk ranking of the split QA stages: a struct (chunk tokens, order), or null. */
    private static ChunkOrder chunkOrder(Row row, int index) {
        if (index < 0 || row.isNullAt(index)) {
            return null;
        }
        Row r = row.getStruct(index);
        return new ChunkOrder(r.getInt(0), r.<Integer>getList(1).stream().mapToInt(Integer::intValue).toArray());
    }

    /** What is wrong with the raw bytes in the check column at index, or null when they are valid UTF-8. */
    private static String encoding(Row row, String what, int index) {
        return index < 0 || row.isNullAt(index) ? null : Utf8Errors.describe(what, (byte[]) row.get(index));
    }

    private static void report(TaskContext task, long rows, long errors, long generated, long nanos) {
        if (task == null) {
            return;
        }
        double s = nanos / 1e9;
        PROGRESS.info(String.format("stage %d partition %d attempt %d done: %d rows, %d errors, %d generated tokens in %.1f s"
                        + " (%.2f rows/s, %.1f tokens/s)", task.stageId(), task.partitionId(), task.attemptNumber(), rows,
                errors, generated, s, s > 0 ? rows / s : 0, s > 0 ? generated / s : 0));
    }
}
