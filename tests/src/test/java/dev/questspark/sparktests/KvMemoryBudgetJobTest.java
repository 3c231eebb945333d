package dev.questspark.sparktests;

import dev.questspark.jobs.OutputColumns;
import dev.questspark.jobs.SummarizeJob;
import dev.questspark.jobs.config.QuestSettings;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * kv-memory-budget travels like every other setting from the job's settings (flags, Spark conf, defaults file) to
 * the KV caches on the executors: a budget too small for one KV page of stories260K (a page of 16 tokens takes
 * about 20 KB) gives every row an error naming the setting, and the rows are all still there.
 */
@ExtendWith(SharedSpark.class)
class KvMemoryBudgetJobTest {
    @TempDir
    Path dir;

    @Test
    void theBudgetReachesTheExecutorsKvCaches(SparkSession spark) throws IOException {
        Path corpus = Files.createDirectories(dir.resolve("corpus"));
        Files.writeString(corpus.resolve("a.txt"), TestData.STORY_A);
        Files.writeString(corpus.resolve("b.txt"), TestData.STORY_B);
        List<Row> starved = summarize(spark, corpus, "starved", "1k");
        assertEquals(2, starved.size(), "rows in = rows out");
        for (Row r : starved) {
            assertEquals("error", r.getString(0));
            assertTrue(r.getString(1).contains("kv-memory-budget"), r.getString(1));
        }
        List<Row> roomy = summarize(spark, corpus, "roomy", "64m");
        assertEquals(2, roomy.size());
        roomy.forEach(r -> assertEquals("ok", r.getString(0), String.valueOf(r.get(1))));
    }

    private List<Row> summarize(SparkSession spark, Path corpus, String name, String budget) {
        String output = dir.resolve(name).toString();
        QuestSettings s = JobSettings.stories("kv-memory-budget", budget).with(JobSettings.pairs("input", corpus.toString(),
                "output", output));
        new SummarizeJob().run(spark, s);
        return spark.read().parquet(output).select(col(OutputColumns.STATUS), col(OutputColumns.ERROR)).collectAsList();
    }
}
