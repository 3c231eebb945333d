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
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** summarize on the real stories260K in local[2]: good, long and bad documents from a folder of text files. */
@ExtendWith(SharedSpark.class)
class SummarizeJobTest {
    @TempDir
    Path dir;

    @Test
    void summarizesAFolderWithLongAndBadDocuments(SparkSession spark) {
        Path corpus = TestData.textFolder(dir.resolve("corpus"), 80);
        String output = dir.resolve("summaries").toString();
        JobReport report = new SummarizeJob().run(spark, JobSettings.stories("input", corpus.toString(), "output", output));

        assertEquals(7, report.rowsIn());
        assertEquals(7, report.rowsOut());
        assertEquals(4, report.rowsError());
        Map<String, Row> rows = new HashMap<>();
        spark.read().parquet(output).collectAsList().forEach(r -> rows.put(r.getAs("id"), r));
        assertEquals("text is empty", rows.get("empty.txt").getAs(OutputColumns.ERROR));
        assertEquals("text has invalid UTF-8 at byte 3 (0xe9)", rows.get("latin1.txt").getAs(OutputColumns.ERROR));
        assertEquals("text has invalid UTF-8 at byte 0 (0x89)", rows.get("junk.bin").getAs(OutputColumns.ERROR));
        assertEquals("text looks like binary data (8 control characters in 16)", rows.get("control.txt").getAs(OutputColumns.ERROR));
        for (String id : List.of("a.txt", "b.txt", "long.txt")) {
            Row r = rows.get(id);
            assertEquals("ok", r.getAs(OutputColumns.STATUS), id + ": " + r.getAs(OutputColumns.ERROR));
            assertNull(r.getAs(OutputColumns.ERROR));
            assertFalse(((String) r.getAs("summary")).isBlank(), id);
            assertTrue((int) r.getAs(OutputColumns.GENERATED_TOKENS) > 0, id);
            assertTrue((long) r.getAs(OutputColumns.KV_BYTES_DENSE) > 0, id);
            assertEquals("quest", r.getAs(OutputColumns.ATTENTION), "Quest by default");
        }
        assertEquals(1, (int) rows.get("a.txt").getAs(OutputColumns.CHUNKS));
        Row longDoc = rows.get("long.txt");
        int chunks = longDoc.getAs(OutputColumns.CHUNKS);
        assertTrue(chunks > 2, "the long document does not fit 512 tokens: " + chunks + " chunks");
        assertTrue((int) longDoc.getAs(OutputColumns.MODEL_CALLS) > chunks, "chunk summaries, then their summary");
    }
}
