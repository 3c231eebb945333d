package dev.questspark.jobs.io;

import dev.questspark.jobs.text.Utf8Errors;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

import java.util.Arrays;
import java.util.List;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.from_json;
import static org.apache.spark.sql.functions.is_valid_utf8;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.make_valid_utf8;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.udf;
import static org.apache.spark.sql.functions.when;

/**
 * Reads the jobs' inputs: Parquet, JSON Lines, or a folder of text files (one document per file, id = file name,
 * bytes kept as they are so invalid UTF-8 is caught per row). Every table gets the column {@value #INPUT_ERROR}:
 * null, or why the row could not be read (a malformed JSON line, a JSON line with invalid UTF-8, which keeps its
 * id), which outputs report instead of running the model on it.
 */
public final class Inputs {
    public static final String INPUT_ERROR = "__quest_input_error";
    private static final String CORRUPT = "_corrupt_record";
    private static final String RECOVERED = "__quest_recovered";

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

    /**
     * JSON Lines. A line Spark cannot parse gets "malformed JSON line"; a line that is not valid UTF-8 (which Spark
     * cannot parse either) is parsed again with the bad bytes replaced, so it keeps its id and other fields, and
     * gets "invalid UTF-8 at byte N of the JSON line".
     */
    private static Dataset<Row> json(SparkSession spark, String path) {
        Dataset<Row> df = spark.read().option("mode", "PERMISSIVE").option("columnNameOfCorruptRecord", CORRUPT).json(path);
        if (!Arrays.asList(df.columns()).contains(CORRUPT)) {
            return df.withColumn(INPUT_ERROR, lit(null).cast("string"));
        }
        // Spark refuses later queries that touch only the corrupt-record column of raw JSON; caching lifts that.
        df = df.cache();
        Column raw = col(CORRUPT);
        Column badUtf8 = raw.isNotNull().and(not(is_valid_utf8(raw)));
        StructType fields = recoverableFields(spark, df, badUtf8);
        if (fields.fields().length > 0) {
            df = df.withColumn(RECOVERED, when(badUtf8, from_json(make_valid_utf8(raw), fields)));
            for (String c : fields.fieldNames()) {
                df = Arrays.asList(df.columns()).contains(c)
                        ? df.withColumn(c, coalesce(col(c), col(RECOVERED).getField(c)))
                        : df.withColumn(c, col(RECOVERED).getField(c));
            }
        }
        Column utf8Error = udf((UDF1<byte[], String>) b -> Utf8Errors.describe("JSON line", b), DataTypes.StringType)
                .apply(raw.cast(DataTypes.BinaryType));
        return df.withColumn(INPUT_ERROR, when(badUtf8, utf8Error).when(raw.isNotNull(), lit("malformed JSON line")))
                .drop(CORRUPT, RECOVERED);
    }

    /** The columns of the file, or when every line Spark read is broken, those of the lines once repaired. */
    private static StructType recoverableFields(SparkSession spark, Dataset<Row> df, Column badUtf8) {
        StructType fields = new StructType(Arrays.stream(df.schema().fields()).filter(f -> !f.name().equals(CORRUPT))
                .toArray(StructField[]::new));
        if (fields.fields().length > 0) {
            return fields;
        }
        Dataset<String> repaired = df.filter(badUtf8).select(make_valid_utf8(col(CORRUPT))).as(Encoders.STRING());
        return new StructType(Arrays.stream(spark.read().json(repaired).schema().fields())
                .filter(f -> !f.name().equals(CORRUPT)).toArray(StructField[]::new));
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
