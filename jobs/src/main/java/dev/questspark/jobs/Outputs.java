package dev.questspark.jobs;

import dev.questspark.jobs.generate.RowResult;
import dev.questspark.jobs.io.Inputs;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

/** Writing job outputs, and reading back what was written for the report. */
final class Outputs {
    private static final int SAMPLE_ROWS = 5;
    private static final int SAMPLE_CHARS = 100;

    private Outputs() {
    }

    /** Stops before any work when the output exists and overwrite is off. */
    static void checkWritable(SparkSession spark, String output, boolean overwrite) {
        OutputCheck.requireWritable(output, overwrite, spark.sparkContext().hadoopConfiguration());
    }

    /** Rows the reader could not parse report the reader's message, whatever the model step said about them. */
    static Dataset<Row> withInputErrors(Dataset<Row> df, Column inputError) {
        return df.withColumn(OutputColumns.ERROR, coalesce(inputError, col(OutputColumns.ERROR)))
                .withColumn(OutputColumns.STATUS, when(inputError.isNotNull(), lit(RowResult.ERROR))
                        .otherwise(col(OutputColumns.STATUS)));
    }

    static void write(Dataset<Row> df, String output, boolean overwrite) {
        df.write().mode(overwrite ? SaveMode.Overwrite : SaveMode.ErrorIfExists).parquet(output);
    }

    /** Counts from the written files, so the model work is not run twice. */
    static long[] rowsErrorsTokens(SparkSession spark, String output) {
        Row r = spark.read().parquet(output).agg(
                        org.apache.spark.sql.functions.count(lit(1)),
                        sum(when(col(OutputColumns.STATUS).equalTo(RowResult.ERROR), 1).otherwise(0)),
                        sum(col(OutputColumns.GENERATED_TOKENS)))
                .first();
        return new long[]{r.getLong(0), r.isNullAt(1) ? 0 : r.getLong(1), r.isNullAt(2) ? 0 : r.getLong(2)};
    }

    /**
     * A header and a few rows of the given columns from the written files, long texts shortened; the last column
     * (the generated text) shows the row's error instead when it has none.
     */
    static List<List<String>> sample(SparkSession spark, String output, String orderBy, String... columns) {
        List<List<String>> out = new ArrayList<>();
        out.add(Arrays.asList(columns));
        Column[] cols = Arrays.stream(columns).map(org.apache.spark.sql.functions::col).toArray(Column[]::new);
        Dataset<Row> written = spark.read().parquet(output).orderBy(orderBy);
        Column[] withError = Arrays.copyOf(cols, cols.length + 1);
        withError[cols.length] = col(OutputColumns.ERROR);
        for (Row r : written.select(withError).takeAsList(SAMPLE_ROWS)) {
            List<String> values = new ArrayList<>();
            for (int i = 0; i < columns.length; i++) {
                String v = r.isNullAt(i) ? "" : String.valueOf(r.get(i));
                if (i == columns.length - 1 && r.isNullAt(i) && !r.isNullAt(columns.length)) {
                    v = "(" + r.getString(columns.length) + ")";
                }
                values.add(shorten(v));
            }
            out.add(values);
        }
        return out;
    }

    static String shorten(String s) {
        String one = s.replaceAll("\\s+", " ").strip();
        return one.length() <= SAMPLE_CHARS ? one : one.substring(0, SAMPLE_CHARS - 3) + "...";
    }

    static Column inputError() {
        return col(Inputs.INPUT_ERROR);
    }
}
