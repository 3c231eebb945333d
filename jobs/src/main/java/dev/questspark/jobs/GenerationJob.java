package dev.questspark.jobs;

import dev.questspark.jobs.config.QuestSettings;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

import java.util.ArrayList;
import java.util.List;

import static org.apache.spark.sql.functions.col;

/**
 * The skeleton the generation jobs (summarize, qa) share, within the session {@link JobRunner} starts and stops:
 * check the output, read and transform ({@link #generate}), write the Parquet, report counts, speed and a sample.
 */
abstract class GenerationJob implements SparkJob {
    /**
     * A job's rows to write (computed when written) and how many input rows they answer; close runs release, which
     * frees what the rows need until they are written.
     */
    record Generated(Dataset<Row> rows, long rowsIn, Runnable release) implements AutoCloseable {
        Generated(Dataset<Row> rows, long rowsIn) {
            this(rows, rowsIn, () -> { });
        }

        @Override
        public void close() {
            release.run();
        }
    }

    /** Reads the input and returns the generated rows, one per input row. */
    abstract Generated generate(SparkSession spark, QuestSettings s);

    /** The documents a written output covers, for the report's documents/s. */
    abstract long documents(SparkSession spark, QuestSettings s, String output, long rowsOut);

    /** A few written rows for the report: its id columns, status and generated text. */
    abstract List<List<String>> sample(SparkSession spark, QuestSettings s, String output);

    @Override
    public final JobReport run(SparkSession spark, QuestSettings s) {
        String output = s.get("output");
        boolean overwrite = s.getBoolean("overwrite");
        Outputs.checkWritable(spark, output, overwrite);
        long t0 = System.nanoTime();
        long rowsIn;
        try (Generated g = generate(spark, s)) {
            rowsIn = g.rowsIn();
            Outputs.write(g.rows(), output, overwrite);
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        long[] counts = Outputs.rowsErrorsTokens(spark, output);
        return new JobReport(name(), output, rowsIn, counts[0], counts[1], documents(spark, s, output, counts[0]), counts[2],
                seconds, sample(spark, s, output), List.of());
    }

    /** Input partitions: the partitions setting, or Spark's default parallelism. */
    static int partitions(SparkSession spark, QuestSettings s) {
        int p = s.getInt("partitions");
        return p > 0 ? p : spark.sparkContext().defaultParallelism();
    }

    /** The output columns: the id columns, the generated text, then the statistics. */
    static Column[] columns(List<String> ids, String outputCol) {
        List<Column> cols = new ArrayList<>();
        ids.forEach(c -> cols.add(col(c)));
        cols.add(col(outputCol));
        OutputColumns.statisticsNames().forEach(c -> cols.add(col(c)));
        return cols.toArray(new Column[0]);
    }
}
