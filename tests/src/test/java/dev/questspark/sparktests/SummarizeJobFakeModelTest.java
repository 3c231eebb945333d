package dev.questspark.sparktests;

import dev.questspark.jobs.JobReport;
import dev.questspark.jobs.OutputColumns;
import dev.questspark.jobs.SummarizeJob;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the real tiny model cannot show quickly: several reduce levels, and an engine error on one row. */
@ExtendWith(SharedSpark.class)
class SummarizeJobFakeModelTest {
    @TempDir
    Path dir;

    @Test
    void aDocumentNeedingManyLevelsIsReducedRecursively(SparkSession spark) {
        Path corpus = dir.resolve("big");
        TestData.lines(corpus.resolve("huge.txt"), List.of(TestData.longText(700)));
        String output = dir.resolve("out-big").toString();
        new SummarizeJob().run(spark, JobSettings.fake(dir, "input", corpus.toString(), "output", output,
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
        JobReport report = new SummarizeJob().run(spark, JobSettings.fake(dir, "input", corpus.toString(), "output", output,
                "partitions", "1"));
        assertEquals(2, report.rowsOut());
        assertEquals(1, report.rowsError());
        Row bad = spark.read().parquet(output).filter("id = 'bad.txt'").first();
        assertEquals("fake engine failure", bad.getAs(OutputColumns.ERROR));
    }
}
