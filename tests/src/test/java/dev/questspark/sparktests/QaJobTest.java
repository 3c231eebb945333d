package dev.questspark.sparktests;

import dev.questspark.jobs.JobReport;
import dev.questspark.jobs.OutputColumns;
import dev.questspark.jobs.QaJob;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** qa on the real stories260K in local[2]: documents prefilled once per group of questions, bad rows reported. */
@ExtendWith(SharedSpark.class)
class QaJobTest {
    @TempDir
    Path dir;

    @Test
    void answersQuestionsGroupedByDocument(SparkSession spark) {
        Path docs = TestData.lines(dir.resolve("docs.jsonl"), List.of(
                TestData.json("id", "d1", "text", TestData.STORY_A),
                TestData.json("id", "d2", "text", TestData.longText(60)),
                TestData.json("id", "d3", "text", TestData.STORY_B),
                TestData.json("id", "dup", "text", "first copy"),
                TestData.json("id", "dup", "text", "second copy")));
        Path questions = TestData.lines(dir.resolve("questions.jsonl"), List.of(
                TestData.json("question_id", "q1", "doc_id", "d1", "question", "What colour was the kite?"),
                TestData.json("question_id", "q2", "doc_id", "d1", "question", "Where did Tom run?"),
                TestData.json("question_id", "q3", "doc_id", "d1", "question", "Who barked?"),
                TestData.json("question_id", "q4", "doc_id", "d2", "question", "What was the lighthouse keeper named?"),
                TestData.json("question_id", "q5", "doc_id", "d9", "question", "Is anyone there?"),
                TestData.json("question_id", "q6", "doc_id", "d3", "question", ""),
                TestData.json("question_id", "q7", "doc_id", "d3", "question", "What did Mia find?"),
                TestData.json("question_id", "q8", "doc_id", "dup", "question", "Which copy?"),
                "{\"question_id\": \"q9\", this line is broken"));
        String output = dir.resolve("answers").toString();
        // batch-size 1: one decoder per task keeps the document's KV between its questions, so the first question
        // prefills it and the next ones count it as cached (in a batch the questions share it in flight, and which
        // of them counts the prefill depends on their threads; DeterminismTest covers that path).
        JobReport report = new QaJob().run(spark, JobSettings.stories("documents", docs.toString(),
                "questions", questions.toString(), "output", output, "partitions", "2", "batch-size", "1"));

        assertEquals(9, report.rowsIn());
        assertEquals(9, report.rowsOut());
        assertEquals(4, report.rowsError());
        Map<String, Row> rows = new HashMap<>();
        spark.read().parquet(output).collectAsList().forEach(r -> rows.put(r.getAs("question_id"), r));
        for (String q : List.of("q1", "q2", "q3", "q4", "q7")) {
            assertEquals("ok", rows.get(q).getAs(OutputColumns.STATUS), q + ": " + rows.get(q).getAs(OutputColumns.ERROR));
        }
        assertEquals(0, (int) rows.get("q1").getAs(OutputColumns.CACHED_TOKENS), "q1 prefills the document");
        int cached = rows.get("q2").getAs(OutputColumns.CACHED_TOKENS);
        assertTrue(cached > 20, "q2 continues from the cached document: " + cached);
        assertEquals(cached, (int) rows.get("q3").getAs(OutputColumns.CACHED_TOKENS));
        assertTrue((int) rows.get("q2").getAs(OutputColumns.PROMPT_TOKENS) > cached);
        Row longDoc = rows.get("q4");
        int used = longDoc.getAs(OutputColumns.CHUNKS);
        int total = longDoc.getAs(OutputColumns.CHUNKS_TOTAL);
        assertTrue(used >= 1 && used < total, "BM25 chose " + used + " of " + total + " chunks");
        assertEquals("no document with id 'd9' in the documents input", rows.get("q5").getAs(OutputColumns.ERROR));
        assertEquals("question is empty", rows.get("q6").getAs(OutputColumns.ERROR));
        assertEquals("document id 'dup' appears 2 times in the documents input", rows.get("q8").getAs(OutputColumns.ERROR));
        assertEquals("malformed JSON line", rows.get(null).getAs(OutputColumns.ERROR));
    }
}
