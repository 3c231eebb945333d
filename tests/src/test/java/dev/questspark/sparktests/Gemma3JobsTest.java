package dev.questspark.sparktests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.questspark.jobs.JobReport;
import dev.questspark.jobs.OutputColumns;
import dev.questspark.jobs.QaJob;
import dev.questspark.jobs.SummarizeJob;
import dev.questspark.jobs.config.QuestSettings;
import dev.questspark.testing.TestModels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Gemma 3 270M (a base model without a chat template: chat=auto builds plain prompts) through summarize and qa,
 * the latter with --kv-cache, saving each document's KV snapshot (its window layers' windows). Short documents and
 * answers: this checks that the model runs through the jobs, not what it says (the engine's own tests do that).
 * Skipped without the model (bin/fetch-model gemma3-270m).
 */
@ExtendWith(SharedSpark.class)
class Gemma3JobsTest {
    @TempDir
    Path dir;

    @Test
    void summarizeAndQaRunOnGemma(SparkSession spark) throws IOException {
        Path docs = TestData.lines(dir.resolve("docs.jsonl"), List.of(
                TestData.json("id", "d1", "text", TestData.STORY_A),
                TestData.json("id", "d2", "text", TestData.STORY_B)));
        Path questions = TestData.lines(dir.resolve("questions.jsonl"), List.of(
                TestData.json("question_id", "q1", "doc_id", "d1", "question", "What flew?"),
                TestData.json("question_id", "q2", "doc_id", "d2", "question", "What was in the box?")));

        String summaries = dir.resolve("summaries").toString();
        JobReport report = new SummarizeJob().run(spark, settings("input", docs.toString(), "output", summaries));
        assertEquals(0, report.rowsError());
        assertOk(spark.read().parquet(summaries), "summary");

        answer(spark, docs, questions, "answers");
        try (Stream<Path> files = Files.list(dir.resolve("kv"))) {
            assertEquals(2, files.filter(p -> p.toString().endsWith(".kvsnap.arrow")).count(), "a snapshot per document");
        }
    }

    private void answer(SparkSession spark, Path docs, Path questions, String name) {
        String output = dir.resolve(name).toString();
        new QaJob().run(spark, settings("documents", docs.toString(), "questions", questions.toString(), "output", output,
                "kv-cache", dir.resolve("kv").toString()));
        assertOk(spark.read().parquet(output), "answer");
    }

    private static QuestSettings settings(String... pairs) {
        Map<String, String> m = JobSettings.pairs("model", TestModels.gemma3().toString(), "max-tokens", "8", "chat", "auto",
                "context-tokens", "1024", "partitions", "1", "threads", "2");
        m.putAll(JobSettings.pairs(pairs));
        return QuestSettings.defaults().with(m);
    }

    private static void assertOk(Dataset<Row> rows, String column) {
        List<Row> all = rows.collectAsList();
        assertEquals(2, all.size());
        for (Row r : all) {
            assertEquals("ok", r.getAs(OutputColumns.STATUS), r + ": " + r.getAs(OutputColumns.ERROR));
            assertFalse(((String) r.getAs(column)).isBlank(), r.toString());
        }
    }

}
