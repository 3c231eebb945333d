package dev.questspark.jobs.io;

import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.SerializableConfiguration;

import java.io.IOException;
import java.util.List;

import static org.apache.spark.sql.functions.col;

/**
 * A folder of text files as documents, read by the executors through the Hadoop FileSystem: id = file name, text =
 * the file's bytes as a string without decoding (invalid UTF-8 is caught per row later), empty files included.
 * A file that cannot be read, or is too large to be one string, gets an input error instead of text.
 */
final class TextFiles {
    /** Largest document read, in bytes: a Java string of it must fit in memory with room to spare. */
    static final long MAX_BYTES = 256L << 20;

    private TextFiles() {
    }

    static Dataset<Row> read(SparkSession spark, List<Path> files, String idCol, String textCol, String errorCol) {
        Broadcast<SerializableConfiguration> conf = SerializableConfiguration.broadcast(spark.sparkContext(),
                spark.sparkContext().hadoopConfiguration());
        List<String> paths = files.stream().map(Path::toString).toList();
        StructType schema = new StructType().add(idCol, DataTypes.StringType, false)
                .add("content", DataTypes.BinaryType, true).add(errorCol, DataTypes.StringType, true);
        int partitions = Math.max(1, Math.min(paths.size(), spark.sparkContext().defaultParallelism()));
        Dataset<Row> raw = spark.createDataset(paths, Encoders.STRING()).repartition(partitions)
                .map((MapFunction<String, Row>) p -> load(p, conf.value()), Encoders.row(schema));
        return raw.select(col(idCol), col("content").cast("string").as(textCol), col(errorCol));
    }

    private static Row load(String file, SerializableConfiguration conf) {
        Path p = new Path(file);
        try {
            FileSystem fs = p.getFileSystem(conf.value());
            long size = fs.getFileStatus(p).getLen();
            if (size > MAX_BYTES) {
                return RowFactory.create(p.getName(), null, "file is " + size + " bytes, more than the " + MAX_BYTES
                        + " a document may have");
            }
            byte[] bytes = new byte[(int) size];
            try (FSDataInputStream in = fs.open(p)) {
                in.readFully(0, bytes);
            }
            return RowFactory.create(p.getName(), bytes, null);
        } catch (IOException e) {
            return RowFactory.create(p.getName(), null, "cannot read " + file + ": " + e.getMessage());
        }
    }
}
