package dev.questspark.sparktests;

import dev.questspark.jobs.BenchJob;
import dev.questspark.jobs.JobReport;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Isolated;

import javax.imageio.ImageIO;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * bench on the real stories260K in local[2]: dense and Quest runs at two parallelisms, rows, summary and charts; a
 * batch-size sweep of summarize and qa with documents/s and answers/s beside batch-size 1.
 */
@ExtendWith(SharedSpark.class)
@Isolated("its task timelines record every task that ends on the shared SparkContext")
class BenchJobTest {
    @TempDir
    Path dir;

    @Test
    void comparesDenseAndQuestOnASyntheticCorpus(SparkSession spark) throws IOException {
        Path out = dir.resolve("bench");
        JobReport report = new BenchJob().run(spark, JobSettings.stories("output", out.toString(), "lengths", "96,320",
                "docs-per-length", "2", "budgets", "64", "parallelism", "1,2", "max-tokens", "8"));
        assertEquals(4, report.rowsIn());
        assertEquals(4 * 2 * 2, report.rowsOut(), "documents x (dense, quest 64) x parallelism 1 and 2");
        assertEquals(0, report.rowsError());

        Dataset<Row> rows = spark.read().parquet(out.resolve("rows").toString());
        Row dense = rows.filter("attention = 'dense' and context = 320 and parallelism = 1").orderBy("id").first();
        Row quest = rows.filter("attention = 'quest' and context = 320 and parallelism = 1").orderBy("id").first();
        assertEquals((long) dense.getAs("kv_bytes_dense"), (long) dense.getAs("kv_bytes_read"), "dense reads everything");
        assertTrue(quest.<Long>getAs("kv_bytes_read") < quest.<Long>getAs("kv_bytes_dense"),
                "Quest with a 64-token budget reads less at a 320-token context");
        assertTrue(quest.<Integer>getAs("prompt_tokens") >= 320);

        String summary = Files.readString(out.resolve("summary.md"));
        assertTrue(summary.contains("quest 64") && summary.contains("ms/token @320"), summary);
        assertTrue(summary.contains("from 1 to 2 partitions"), summary);
        assertNotNull(ImageIO.read(out.resolve("latency_vs_context.png").toFile()));
        assertNotNull(ImageIO.read(out.resolve("speedup_vs_budget.png").toFile()));
    }

    @Test
    void batchSizeSweepReportsDocumentsAndAnswersPerSecondWithTheSameOutputs(SparkSession spark) throws IOException {
        Path out = dir.resolve("batch");
        JobReport report = new BenchJob().run(spark, JobSettings.stories("output", out.toString(), "lengths", "96,200",
                "docs-per-length", "2", "budgets", "64", "page-size", "16", "quest-only", "true", "batch-sizes", "1,3",
                "qa-questions", "2", "parallelism", "1", "max-tokens", "8", "warm-up-docs", "0"));
        assertEquals(4 * 2 + 4 * 2 * 2, report.rowsOut(), "(4 summaries + 8 answers) x batch sizes 1 and 3, Quest only");
        assertEquals(0, report.rowsError());

        Dataset<Row> rows = spark.read().parquet(out.resolve("rows").toString());
        assertEquals(0, rows.filter("attention = 'dense'").count(), "--quest-only skips dense");
        assertEquals(8, rows.filter("task = 'qa' and batch_size = 3").count());
        Dataset<Row> one = rows.filter("batch_size = 1").select("task", "id", "status", "prompt_tokens", "generated_tokens", "chunks");
        Dataset<Row> three = rows.filter("batch_size = 3").select("task", "id", "status", "prompt_tokens", "generated_tokens", "chunks");
        assertEquals(0, one.except(three).count() + three.except(one).count(), "the same rows and token counts at both sizes");

        String summary = Files.readString(out.resolve("summary.md"));
        assertTrue(summary.contains("documents/s at batch-size 3:") && summary.contains("answers/s at batch-size 3:"), summary);
        assertTrue(summary.contains("| 1 | 3 | qa | quest 64 | 8 | 0 |"), summary);
        assertNotNull(ImageIO.read(out.resolve("timeline_p1_b3_qa_quest_64.png").toFile()));
    }

    @Test
    void skewedCorpusSpreadsTheLongDocumentAndDrawsTheTaskTimelines(SparkSession spark) throws IOException {
        Path out = dir.resolve("skewed");
        JobReport report = new BenchJob().run(spark, JobSettings.fake(dir, "output", out.toString(), "skewed", "true",
                "long-tokens", "4000", "short-docs", "3", "lengths", "200", "budgets", "", "parallelism", "1,2"));
        assertEquals(4, report.rowsIn(), "one long document among three short ones");
        assertEquals(4 * 2, report.rowsOut(), "documents x parallelism 1 and 2");
        assertEquals(0, report.rowsError());
        Row longest = spark.read().parquet(out.resolve("rows").toString()).filter("context = 4000 and parallelism = 2").first();
        assertTrue(longest.<Integer>getAs("chunks") >= 8, "the long document was cut into chunks: " + longest);

        String summary = Files.readString(out.resolve("summary.md"));
        assertTrue(summary.contains("| executors |") && summary.contains("| dense | 2 | 1 |"), summary);
        assertNotNull(ImageIO.read(out.resolve("timeline_p1_dense.png").toFile()));
        assertNotNull(ImageIO.read(out.resolve("timeline_p2_dense.png").toFile()));
    }
}
