package dev.questspark.sparktests;

import dev.questspark.jobs.OutputColumns;
import dev.questspark.jobs.SummarizeJob;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Same output values across partition counts and a retried task, on the fake model (fast). */
@ExtendWith(SharedSpark.class)
class DeterminismFakeModelTest {
    @TempDir
    Path dir;

    @Test
    void sameOutputWithOtherPartitionCountsAndAfterAFailedTask(SparkSession spark) {
        Path corpus = TestData.textFolder(dir.resolve("corpus"), 30);
        Dataset<Row> one = summarize(spark, corpus, "one", "1");
        Dataset<Row> three = summarize(spark, corpus, "three", "3");
        DataFrameAssertions.assertDataFrameEquals(one, three);

        Path marker = dir.resolve("failed-once");
        spark.conf().set("spark.quest.test.failOnceMarker", marker.toString());
        try {
            Dataset<Row> retried = summarize(spark, corpus, "retried", "2");
            assertTrue(Files.exists(marker), "a task failed once and was retried");
            DataFrameAssertions.assertDataFrameEquals(one, retried);
        } finally {
            spark.conf().unset("spark.quest.test.failOnceMarker");
        }
    }

    static Dataset<Row> summarize(SparkSession spark, Path corpus, String name, String partitions) {
        Path dir = corpus.getParent();
        String output = dir.resolve(name).toString();
        new SummarizeJob().run(spark, TestModels.fake(dir, "input", corpus.toString(), "output", output,
                "partitions", partitions));
        return deterministicColumns(spark.read().parquet(output)).orderBy("id");
    }

    /** Everything but the timings. */
    static Dataset<Row> deterministicColumns(Dataset<Row> df) {
        return df.drop(OutputColumns.TIMING.toArray(new String[0]));
    }
}
