package dev.questspark.jobs.eval;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;

/**
 * The evaluation's rows as Parquet tables (passkey, perplexity, agreement, speed), read by Spark from the CSV files
 * the report writer produced, so the tables and the report can never disagree.
 */
public final class EvalParquet {
    private static final List<String> TABLES = List.of("passkey", "perplexity", "agreement", "speed");

    private EvalParquet() {}

    /** Writes output/&lt;table&gt; for every CSV table in resultsDir; returns the output folder. */
    public static Path write(Path resultsDir, String output, String master, List<String> conf) {
        SparkSession.Builder b = SparkSession.builder().appName("quest eval").master(master == null || master.isBlank() ? "local[1]" : master)
                .config("spark.ui.enabled", "false");
        for (String kv : conf) {
            int eq = kv.indexOf('=');
            b.config(kv.substring(0, eq), kv.substring(eq + 1));
        }
        SparkSession spark = b.getOrCreate();
        try {
            for (String table : TABLES) {
                Path csv = resultsDir.resolve(table + ".csv");
                if (Files.isRegularFile(csv) && lines(csv) > 1) {
                    spark.read().option("header", "true").option("inferSchema", "true").option("escape", "\"")
                            .csv(csv.toAbsolutePath().toString())
                            .coalesce(1).write().mode(SaveMode.Overwrite).parquet(Path.of(output, table).toString());
                }
            }
        } finally {
            spark.stop();
        }
        return Path.of(output).toAbsolutePath();
    }

    private static long lines(Path p) {
        try (var s = Files.lines(p)) {
            return s.limit(2).count();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot read " + p + ": " + e.getMessage(), e);
        }
    }
}
