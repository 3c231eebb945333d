package dev.questspark.jobs.io;

import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

import java.util.Arrays;
import java.util.List;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

/**
 * Reads the jobs' inputs: Parquet, JSON Lines, or a folder of text files (one document per file, id = file name,
 * bytes kept as they are so invalid UTF-8 is caught per row). Every table gets the column {@value #INPUT_ERROR}:
 * null, or why the row could not be read (a malformed JSON line), which outputs report instead of running the
 * model on it.
 */
public final class Inputs {
    public static final String INPUT_ERROR = "__quest_input_error";
    private static final String CORRUPT = "_corrupt_record";

    private Inputs() {
    }

    /** A table with the named columns (and any others the file has). */
    public static Dataset<Row> table(SparkSession spark, String path, String formatSetting, String... required) {
        InputFormat format = InputFormat.resolve(formatSetting, path, spark.sparkContext().hadoopConfiguration());
        Dataset<Row> df = switch (format) {
            case PARQUET -> spark.read().parquet(path);
            case JSON -> json(spark, path);
            case TEXT -> throw new IllegalArgumentException(path + " is not Parquet or JSON Lines (.parquet, .json, .jsonl);"
                    + " pass --input-format to say what it is");
        };
        return requireColumns(df, path, required);
    }

    /** Documents with columns idCol and textCol (strings for text files). */
    public static Dataset<Row> documents(SparkSession spark, String path, String formatSetting, String idCol, String textCol) {
        InputFormat format = InputFormat.resolve(formatSetting, path, spark.sparkContext().hadoopConfiguration());
        if (format == InputFormat.TEXT) {
            return textFiles(spark, path, idCol, textCol);
        }
        return table(spark, path, format.name(), idCol, textCol);
    }

    private static Dataset<Row> json(SparkSession spark, String path) {
        Dataset<Row> df = spark.read().option("mode", "PERMISSIVE").option("columnNameOfCorruptRecord", CORRUPT).json(path);
        if (Arrays.asList(df.columns()).contains(CORRUPT)) {
            // Spark refuses later queries that touch only the corrupt-record column of raw JSON; caching lifts that.
            df = df.cache();
            return df.withColumn(INPUT_ERROR, when(col(CORRUPT).isNotNull(), lit("malformed JSON line"))).drop(CORRUPT);
        }
        return df.withColumn(INPUT_ERROR, lit(null).cast("string"));
    }

    private static Dataset<Row> textFiles(SparkSession spark, String path, String idCol, String textCol) {
        List<Path> files = InputFormat.visibleFiles(path, spark.sparkContext().hadoopConfiguration());
        if (files.isEmpty()) {
            throw new IllegalArgumentException("input folder " + path + " has no files");
        }
        return TextFiles.read(spark, files, idCol, textCol, INPUT_ERROR);
    }

    private static Dataset<Row> requireColumns(Dataset<Row> df, String path, String... required) {
        List<String> have = Arrays.asList(df.columns());
        for (String c : required) {
            if (!have.contains(c)) {
                throw new IllegalArgumentException(path + " has no column '" + c + "' (columns: "
                        + String.join(", ", have.stream().filter(n -> !n.equals(INPUT_ERROR)).toList())
                        + "); name the right one with the --*-col flags");
            }
        }
        if (!have.contains(INPUT_ERROR)) {
            df = df.withColumn(INPUT_ERROR, lit(null).cast("string"));
        }
        return df;
    }
}
