package dev.questspark.sparktests;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Greedy outputs on the real stories260K are the same values whatever the partitioning, and after a task that
 * failed once and was retried (spark.quest.test.failOnceMarker), with Quest selecting pages ({@link StoriesJobs}).
 */
@ExtendWith(SharedSpark.class)
class DeterminismTest {
    @TempDir
    Path dir;

    @Test
    void summariesRepeatAcrossPartitionCountsAndARetriedTask(SparkSession spark) {
        Path corpus = TestData.textFolder(dir.resolve("corpus"), 30);
        Dataset<Row> one = summarize(spark, corpus, "one", "1");
        Dataset<Row> three = summarize(spark, corpus, "three", "3");
        DataFrameAssertions.assertDataFrameEquals(one, three);
        Dataset<Row> retried = withFailureOnce(spark, () -> summarize(spark, corpus, "retried", "2"));
        DataFrameAssertions.assertDataFrameEquals(one, retried);
    }

    @Test
    void answersRepeatAcrossPartitionCountsAndARetriedTask(SparkSession spark) {
        Path docs = TestData.lines(dir.resolve("docs.jsonl"), List.of(
                TestData.json("id", "d1", "text", TestData.STORY_A), TestData.json("id", "d2", "text", TestData.STORY_B),
                TestData.json("id", "d3", "text", TestData.longText(40))));
        Path questions = TestData.lines(dir.resolve("questions.jsonl"), List.of(
                TestData.json("question_id", "q1", "doc_id", "d1", "question", "What flew?"),
                TestData.json("question_id", "q2", "doc_id", "d1", "question", "Who laughed?"),
                TestData.json("question_id", "q3", "doc_id", "d2", "question", "What opened?"),
                TestData.json("question_id", "q4", "doc_id", "d3", "question", "Who painted the lamp?"),
                TestData.json("question_id", "q5", "doc_id", "d3", "question", "What did the baker sell?")));
        Dataset<Row> one = answer(spark, docs, questions, "qa-one", "1");
        Dataset<Row> three = answer(spark, docs, questions, "qa-three", "3");
        DataFrameAssertions.assertDataFrameEquals(one, three);
        Dataset<Row> retried = withFailureOnce(spark, () -> answer(spark, docs, questions, "qa-retried", "2"));
        DataFrameAssertions.assertDataFrameEquals(one, retried);
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

    private Dataset<Row> summarize(SparkSession spark, Path corpus, String name, String partitions) {
        return StoriesJobs.summarize(spark, corpus, dir.resolve(name), "partitions", partitions);
    }

    private Dataset<Row> answer(SparkSession spark, Path docs, Path questions, String name, String partitions) {
        return StoriesJobs.answer(spark, docs, questions, dir.resolve(name), "partitions", partitions);
    }
}
