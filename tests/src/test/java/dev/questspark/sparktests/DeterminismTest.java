package dev.questspark.sparktests;

import dev.questspark.jobs.OutputColumns;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Greedy outputs on the real stories260K are the same values whatever the partitioning, after a task that failed
 * once and was retried (spark.quest.test.failOnceMarker), and at every batch size, with Quest selecting pages
 * ({@link StoriesJobs}). Each job's rows are compared with one run on one partition at batch-size 1. Batches:
 * summarize on documents long enough to be chunked (chunk summaries and their reduce run in the batch), qa with
 * several questions per document (sharing its KV cache in the batch) give the same rows, in the same order, with the
 * same text, status and counters as batch-size 1; rows in = rows out, and bad rows fail alone.
 */
@ExtendWith(SharedSpark.class)
class DeterminismTest {
    @TempDir
    Path dir;

    @Test
    void summariesRepeatAcrossPartitionCountsARetriedTaskAndBatchSizes(SparkSession spark) {
        Path corpus = TestData.textFolder(dir.resolve("corpus"), 30);
        Dataset<Row> one = summarize(spark, corpus, "one", "1", "1");
        assertTrue(one.filter(one.col(OutputColumns.CHUNKS).gt(1)).count() >= 1, "the long document is summarized in chunks");
        DataFrameAssertions.assertDataFrameEquals(one, summarize(spark, corpus, "three", "3", "1"));
        Dataset<Row> retried = withFailureOnce(spark, () -> summarize(spark, corpus, "retried", "2", "1"));
        DataFrameAssertions.assertDataFrameEquals(one, retried);
        Dataset<Row> batched = summarize(spark, corpus, "batch-4", "2", "4");
        assertEquals(one.count(), batched.count());
        DataFrameAssertions.assertDataFrameEquals(withoutCachedTokens(one), withoutCachedTokens(batched));
    }

    @Test
    void answersRepeatAcrossPartitionCountsARetriedTaskAndBatchSizes(SparkSession spark) {
        List<String> docs = new ArrayList<>(List.of(
                TestData.json("id", "d1", "text", TestData.STORY_A), TestData.json("id", "d2", "text", TestData.STORY_B),
                TestData.json("id", "d3", "text", TestData.longText(40)), TestData.json("id", "d4", "text", "")));
        List<String> questions = new ArrayList<>();
        String[] asks = {"What flew?", "Who laughed?", "What opened?", "Who painted the lamp?", "What did the baker sell?"};
        for (int i = 0; i < 20; i++) {
            questions.add(TestData.json("question_id", "q" + (100 + i), "doc_id", "d" + (1 + i % 4), "question", asks[i % asks.length]));
        }
        questions.add(TestData.json("question_id", "q200", "doc_id", "missing", "question", "Where?"));
        Path d = TestData.lines(dir.resolve("docs.jsonl"), docs);
        Path q = TestData.lines(dir.resolve("questions.jsonl"), questions);

        Dataset<Row> one = answer(spark, d, q, "qa-one", "1", "1");
        assertEquals(21, one.count());
        assertTrue(one.filter(one.col(OutputColumns.STATUS).notEqual("ok")).count() >= 2, "the bad rows failed");
        DataFrameAssertions.assertDataFrameEquals(one, answer(spark, d, q, "qa-three", "3", "1"));
        Dataset<Row> retried = withFailureOnce(spark, () -> answer(spark, d, q, "qa-retried", "2", "1"));
        DataFrameAssertions.assertDataFrameEquals(one, retried);
        Dataset<Row> batched = answer(spark, d, q, "qa-batch-8", "2", "8");
        DataFrameAssertions.assertDataFrameEquals(withoutCachedTokens(one), withoutCachedTokens(batched));
        // batch-size 2 on one partition: 21 rows, more than the 16 read ahead, finishing out of order
        Dataset<Row> readAhead = answer(spark, d, q, "qa-batch-2", "1", "2");
        DataFrameAssertions.assertDataFrameEquals(withoutCachedTokens(one), withoutCachedTokens(readAhead));
    }

    private Dataset<Row> withFailureOnce(SparkSession spark, java.util.function.Supplier<Dataset<Row>> run) {
        Path marker = dir.resolve("failed-once-" + System.nanoTime());
        spark.conf().set("spark.quest.test.failOnceMarker", marker.toString());
        try {
            Dataset<Row> out = run.get();
            assertTrue(Files.exists(marker), "a task failed once and was retried");
            return out;
        } finally {
            spark.conf().unset("spark.quest.test.failOnceMarker");
        }
    }

    private Dataset<Row> summarize(SparkSession spark, Path corpus, String name, String partitions, String batchSize) {
        return StoriesJobs.summarize(spark, corpus, dir.resolve(name), "partitions", partitions, "batch-size", batchSize);
    }

    private Dataset<Row> answer(SparkSession spark, Path docs, Path questions, String name, String partitions, String batchSize) {
        return StoriesJobs.answer(spark, docs, questions, dir.resolve(name), "partitions", partitions, "batch-size", batchSize);
    }

    /** The rows but the document tokens reused from an earlier call: a cache statistic, which batching changes. */
    private static Dataset<Row> withoutCachedTokens(Dataset<Row> df) {
        return df.drop(OutputColumns.CACHED_TOKENS);
    }
}
