package dev.questspark.sparktests;

import dev.questspark.jobs.JobReport;
import dev.questspark.jobs.OutputColumns;
import dev.questspark.jobs.SummarizeJob;
import dev.questspark.jobs.config.QuestSettings;
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
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The summarize job's Spark logic with the fake model: bad rows, map-reduce accounting, row counts. */
@ExtendWith(SharedSpark.class)
class SummarizeJobFakeModelTest {
    @TempDir
    Path dir;

    @Test
    void everyInputRowGetsAnOutputRowAndBadRowsSayWhy(SparkSession spark) {
        Path corpus = TestData.textFolder(dir.resolve("corpus"), 60);
        String output = dir.resolve("out").toString();
        QuestSettings s = TestModels.fake(dir, "input", corpus.toString(), "output", output);
        JobReport report = new SummarizeJob().run(spark, s);

        assertEquals(6, report.rowsIn());
        assertEquals(6, report.rowsOut());
        assertEquals(3, report.rowsError());
        Map<String, Row> rows = new HashMap<>();
        List<Row> all = spark.read().parquet(output).collectAsList();
        all.forEach(r -> rows.put(r.getString(0), r));
        assertEquals(List.of("id", "summary"), List.of(all.get(0).schema().fieldNames()).subList(0, 2));
        assertEquals(OutputColumns.statisticsNames(), List.of(all.get(0).schema().fieldNames()).subList(2, 18));

        assertEquals("text is empty", error(rows.get("empty.txt")));
        assertTrue(error(rows.get("junk.bin")).startsWith("text is not valid UTF-8"), error(rows.get("junk.bin")));
        assertEquals("text is not valid UTF-8", error(rows.get("latin1.txt")));
        for (String id : List.of("a.txt", "b.txt", "long.txt")) {
            Row r = rows.get(id);
            assertEquals("ok", r.getAs(OutputColumns.STATUS), id);
            assertNull(r.getAs(OutputColumns.ERROR));
            assertTrue(((String) r.getAs("summary")).contains("gist"), id);
        }
        Row small = rows.get("a.txt");
        assertEquals(1, (int) small.getAs(OutputColumns.CHUNKS));
        assertEquals(1, (int) small.getAs(OutputColumns.MODEL_CALLS));
        assertEquals(16, (int) small.getAs(OutputColumns.GENERATED_TOKENS));

        // 60 sentences of ~80 bytes do not fit the fake's 512-token context: chunk summaries, then one combined.
        Row longDoc = rows.get("long.txt");
        int chunks = longDoc.getAs(OutputColumns.CHUNKS);
        assertTrue(chunks > 5, "chunks " + chunks);
        assertEquals(chunks + 1, (int) longDoc.getAs(OutputColumns.MODEL_CALLS));
        assertEquals(16 * (chunks + 1), (int) longDoc.getAs(OutputColumns.GENERATED_TOKENS));
        assertTrue((int) longDoc.getAs(OutputColumns.PROMPT_TOKENS) > TestData.longText(60).length(),
                "every token of the document was read, overlaps included");
    }

    @Test
    void aDocumentNeedingManyLevelsIsReducedRecursively(SparkSession spark) {
        Path corpus = dir.resolve("big");
        TestData.lines(corpus.resolve("huge.txt"), List.of(TestData.longText(700)));
        String output = dir.resolve("out-big").toString();
        new SummarizeJob().run(spark, TestModels.fake(dir, "input", corpus.toString(), "output", output,
                "max-tokens", "100"));
        Row r = spark.read().parquet(output).first();
        assertEquals("ok", r.getAs(OutputColumns.STATUS), String.valueOf((Object) r.getAs(OutputColumns.ERROR)));
        int chunks = r.getAs(OutputColumns.CHUNKS);
        int calls = r.getAs(OutputColumns.MODEL_CALLS);
        assertTrue(calls > chunks + 1, "more than one reduce level: " + chunks + " chunks, " + calls + " calls");
    }

    @Test
    void anEngineErrorOnOneRowIsThatRowsError(SparkSession spark) {
        Path corpus = dir.resolve("fail");
        TestData.lines(corpus.resolve("ok.txt"), List.of(TestData.STORY_A));
        TestData.lines(corpus.resolve("bad.txt"), List.of("This one says " + FakeModelLoader.FAIL + " to the engine."));
        String output = dir.resolve("out-fail").toString();
        JobReport report = new SummarizeJob().run(spark, TestModels.fake(dir, "input", corpus.toString(), "output", output,
                "partitions", "1"));
        assertEquals(2, report.rowsOut());
        assertEquals(1, report.rowsError());
        Row bad = spark.read().parquet(output).filter("id = 'bad.txt'").first();
        assertEquals("fake engine failure", bad.getAs(OutputColumns.ERROR));
    }

    private static String error(Row r) {
        assertEquals("error", r.getAs(OutputColumns.STATUS));
        assertNull(r.getAs("summary"));
        return r.getAs(OutputColumns.ERROR);
    }
}
