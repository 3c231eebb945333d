package dev.questspark.sparktests;

import dev.questspark.jobs.JobProgress;
import dev.questspark.jobs.QaJob;
import dev.questspark.jobs.SummarizeJob;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Isolated;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Progress follows the jobs' accumulators: every document (question) is counted once, out of the job's total. */
@ExtendWith(SharedSpark.class)
@Isolated("its progress listener counts the tasks of every job on the shared SparkContext")
class JobProgressSparkTest {
    @TempDir
    Path dir;

    @Test
    void summarizeAndQaCountEveryRowOnceOutOfTheirTotal(SparkSession spark) throws Exception {
        Path corpus = TestData.textFolder(dir.resolve("corpus"), 40);
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try (JobProgress progress = new JobProgress("quest summarize: ", "documents", "off",
                new PrintStream(err, true, StandardCharsets.UTF_8))) {
            progress.start(spark.sparkContext());
            new SummarizeJob().run(spark, JobSettings.fake(dir, "input", corpus.toString(),
                    "output", dir.resolve("out").toString(), "max-tokens", "40"));
            spark.sparkContext().listenerBus().waitUntilEmpty();
            assertEquals(7, progress.rows());
            assertTrue(progress.current().startsWith("7/7 documents (100%), "), progress.current());
        }
        Path docs = TestData.lines(dir.resolve("qa/docs.jsonl"), List.of(TestData.json("id", "d1", "text", TestData.STORY_A)));
        Path questions = TestData.lines(dir.resolve("qa/q.jsonl"), List.of(
                TestData.json("doc_id", "d1", "question", "Who?"), TestData.json("doc_id", "d1", "question", "Where?"),
                TestData.json("doc_id", "d2", "question", "What?")));
        try (JobProgress progress = new JobProgress("quest qa: ", "questions", "off", System.err)) {
            progress.start(spark.sparkContext());
            new QaJob().run(spark, JobSettings.fake(dir, "documents", docs.toString(), "questions", questions.toString(),
                    "output", dir.resolve("answers").toString()));
            spark.sparkContext().listenerBus().waitUntilEmpty();
            assertTrue(progress.current().startsWith("3/3 questions (100%), "), progress.current());
        }
    }
}
