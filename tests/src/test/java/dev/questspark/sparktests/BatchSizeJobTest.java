package dev.questspark.sparktests;

import dev.questspark.jobs.OutputColumns;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * batch-size on the real stories260K: summarize (documents long enough to be chunked, so chunk summaries and their
 * reduce run in the batch) and qa (several questions per document, sharing its KV cache in the batch) give the same
 * rows, in the same order, with the same text, status and counters as batch-size 1, with Quest page selection on;
 * rows in = rows out, and bad rows fail alone.
 */
@ExtendWith(SharedSpark.class)
class BatchSizeJobTest {
    @TempDir
    Path dir;

    @Test
    void summariesAreTheSameAtEveryBatchSize(SparkSession spark) {
        Path corpus = TestData.textFolder(dir.resolve("corpus"), 24);
        Dataset<Row> one = summarize(spark, corpus, "one", "1");
        for (String b : new String[] {"4"}) {
            Dataset<Row> batched = summarize(spark, corpus, "b" + b, b);
            assertEquals(one.count(), batched.count());
            DataFrameAssertions.assertDataFrameEquals(one, batched);
        }
    }

    @Test
    void answersAreTheSameAtEveryBatchSize(SparkSession spark) {
        List<String> docs = new ArrayList<>(List.of(
                TestData.json("id", "d1", "text", TestData.STORY_A), TestData.json("id", "d2", "text", TestData.STORY_B),
                TestData.json("id", "d3", "text", TestData.longText(40)), TestData.json("id", "d4", "text", "")));
        List<String> questions = new ArrayList<>();
        String[] asks = {"What flew?", "Who laughed?", "What opened?", "Who painted the lamp?", "What did the baker sell?"};
        for (int i = 0; i < 15; i++) {
            questions.add(TestData.json("question_id", "q" + (100 + i), "doc_id", "d" + (1 + i % 4), "question", asks[i % asks.length]));
        }
        questions.add(TestData.json("question_id", "q200", "doc_id", "missing", "question", "Where?"));
        Path d = TestData.lines(dir.resolve("docs.jsonl"), docs);
        Path q = TestData.lines(dir.resolve("questions.jsonl"), questions);
        Dataset<Row> one = answer(spark, d, q, "qa-one", "1");
        assertEquals(16, one.count());
        assertTrue(one.filter(one.col(OutputColumns.STATUS).notEqual("ok")).count() >= 2, "the bad rows failed");
        Dataset<Row> batched = answer(spark, d, q, "qa-eight", "8");
        DataFrameAssertions.assertDataFrameEquals(one, batched);
    }

    private Dataset<Row> summarize(SparkSession spark, Path corpus, String name, String batchSize) {
        return comparable(StoriesJobs.summarize(spark, corpus, dir.resolve(name), "partitions", "2", "batch-size", batchSize,
                "context-tokens", "256", "max-tokens", "24"));
    }

    private Dataset<Row> answer(SparkSession spark, Path docs, Path questions, String name, String batchSize) {
        return comparable(StoriesJobs.answer(spark, docs, questions, dir.resolve(name), "partitions", "2", "batch-size", batchSize));
    }

    /** The rows but the document tokens reused from an earlier call (a cache statistic). */
    static Dataset<Row> comparable(Dataset<Row> df) {
        return df.drop(OutputColumns.CACHED_TOKENS);
    }
}
