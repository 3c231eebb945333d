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
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The QA job's Spark logic with the fake model: grouping, prefix reuse, missing documents, long documents. */
@ExtendWith(SharedSpark.class)
class QaJobFakeModelTest {
    @TempDir
    Path dir;

    @Test
    void answersEveryQuestionReusingEachDocumentsPrefill(SparkSession spark) {
        Path docs = TestData.lines(dir.resolve("docs/docs.jsonl"), List.of(
                TestData.json("id", "d1", "text", TestData.STORY_A),
                TestData.json("id", "d2", "text", TestData.longText(40)),
                TestData.json("id", "dup", "text", "first copy"),
                TestData.json("id", "dup", "text", "second copy"),
                TestData.json("id", "d3", "text", TestData.STORY_B)));
        Path questions = TestData.lines(dir.resolve("q/questions.jsonl"), List.of(
                TestData.json("question_id", "q1", "doc_id", "d1", "question", "What colour was the kite?"),
                TestData.json("question_id", "q2", "doc_id", "d1", "question", "Where did Tom run?"),
                TestData.json("question_id", "q3", "doc_id", "d1", "question", "Who barked?"),
                TestData.json("question_id", "q4", "doc_id", "d2", "question", "What was the lighthouse keeper named?"),
                TestData.json("question_id", "q5", "doc_id", "nowhere", "question", "Is anyone there?"),
                TestData.json("question_id", "q6", "doc_id", "d3", "question", null),
                TestData.json("question_id", "q7", "doc_id", "dup", "question", "Which copy?"),
                "{\"question_id\": \"q8\", this line is broken",
                TestData.json("question_id", "q9", "doc_id", "d3", "question", "What did Mia find?")));
        String output = dir.resolve("answers").toString();
        JobReport report = new QaJob().run(spark, TestModels.fake(dir, "documents", docs.toString(),
                "questions", questions.toString(), "output", output, "partitions", "3"));

        assertEquals(9, report.rowsIn());
        assertEquals(9, report.rowsOut());
        assertEquals(4, report.rowsError());
        Map<String, Row> rows = new HashMap<>();
        spark.read().parquet(output).collectAsList().forEach(r -> rows.put(r.getAs("question_id"), r));
        assertEquals(List.of("doc_id", "question_id", "question", "answer"),
                List.of(rows.get("q1").schema().fieldNames()).subList(0, 4));

        int docSegment = rows.get("q2").getAs(OutputColumns.CACHED_TOKENS);
        assertTrue(docSegment > TestData.STORY_A.length(), "the second question reuses the document: " + docSegment);
        assertEquals(0, (int) rows.get("q1").getAs(OutputColumns.CACHED_TOKENS), "the first question prefills it");
        assertEquals(docSegment, (int) rows.get("q3").getAs(OutputColumns.CACHED_TOKENS));
        assertNotEquals((String) rows.get("q2").getAs("answer"), rows.get("q3").getAs("answer"));

        Row longDoc = rows.get("q4");
        assertEquals("ok", longDoc.getAs(OutputColumns.STATUS));
        int used = longDoc.getAs(OutputColumns.CHUNKS);
        int total = longDoc.getAs(OutputColumns.CHUNKS_TOTAL);
        assertTrue(used >= 1 && used < total, used + " of " + total + " chunks");

        assertEquals("no document with id 'nowhere' in the documents input", rows.get("q5").getAs(OutputColumns.ERROR));
        assertEquals("question is null", rows.get("q6").getAs(OutputColumns.ERROR));
        assertEquals("document id 'dup' appears 2 times in the documents input", rows.get("q7").getAs(OutputColumns.ERROR));
        assertEquals("ok", rows.get("q9").getAs(OutputColumns.STATUS));
        Row broken = rows.values().stream().filter(r -> r.getAs("question_id") == null).findFirst().orElseThrow();
        assertEquals("malformed JSON line", broken.getAs(OutputColumns.ERROR));
    }
}
