package dev.questspark.sparktests;

import dev.questspark.jobs.BenchJob;
import dev.questspark.jobs.JobReport;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The bench job's bookkeeping with the fake model: runs, rows, summary table and charts. */
@ExtendWith(SharedSpark.class)
class BenchJobFakeModelTest {
    @TempDir
    Path dir;

    @Test
    void writesRowsPerDocumentAndRunASummaryAndTwoCharts(SparkSession spark) throws IOException {
        Path out = dir.resolve("bench");
        JobReport report = new BenchJob().run(spark, TestModels.fake(dir, "output", out.toString(),
                "lengths", "64,128,256", "docs-per-length", "2", "budgets", "32,64", "parallelism", "1,2", "max-tokens", "8"));
        assertEquals(6, report.rowsIn());
        assertEquals(6 * 3 * 2, report.rowsOut(), "documents x (dense + 2 budgets) x 2 parallelisms");
        assertEquals(0, report.rowsError());

        Dataset<Row> rows = spark.read().parquet(out.resolve("rows").toString());
        assertEquals(36, rows.count());
        assertEquals(3, rows.select("attention", "token_budget").distinct().count());
        assertEquals(3, rows.select("context").distinct().count());
        Row quest = rows.filter("token_budget = 32 and context = 256").first();
        assertTrue(quest.<Long>getAs("kv_bytes_read") < quest.<Long>getAs("kv_bytes_dense"), "Quest reads less");

        String summary = Files.readString(out.resolve("summary.md"));
        assertTrue(summary.contains("| parallelism | attention |") && summary.contains("ms/token @256"), summary);
        assertTrue(summary.contains("documents/s scales") && summary.contains("from 1 to 2 partitions (dense)"), summary);
        for (String chart : new String[]{"latency_vs_context.png", "speedup_vs_budget.png"}) {
            BufferedImage image = ImageIO.read(out.resolve(chart).toFile());
            assertNotNull(image, chart + " is a PNG");
            assertEquals(900, image.getWidth());
        }
    }
}
