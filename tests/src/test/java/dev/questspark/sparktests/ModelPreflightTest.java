package dev.questspark.sparktests;

import dev.questspark.engine.ModelLoadException;
import dev.questspark.jobs.QuestGenerator;
import dev.questspark.jobs.SummarizeJob;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskStart;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Isolated;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The model is loaded on the driver before any task: a model that cannot load fails the job at once with one
 * message (not a task failure, nor the same error on every row), and a bare file name that was not shipped with
 * --files is explained on the driver.
 */
@ExtendWith(SharedSpark.class)
@Isolated("it counts the tasks that start on the shared SparkContext")
class ModelPreflightTest {
    private static final StructType DOCS = new StructType().add("id", DataTypes.StringType).add("text", DataTypes.StringType);

    @TempDir
    Path dir;

    /** A file with the GGUF magic and nothing valid after it. */
    private Path brokenModel() throws IOException {
        Path p = dir.resolve("broken.gguf");
        byte[] b = new byte[4096];
        System.arraycopy("GGUF".getBytes(StandardCharsets.US_ASCII), 0, b, 0, 4);
        b[4] = 3;
        for (int i = 8; i < b.length; i++) {
            b[i] = (byte) (i * 131 + 7);
        }
        return Files.write(p, b);
    }

    private static Dataset<Row> docs(SparkSession spark) {
        return spark.createDataFrame(List.of(RowFactory.create("a", TestData.STORY_A), RowFactory.create("b", TestData.STORY_B)), DOCS);
    }

    @Test
    void aModelThatCannotLoadFailsOnTheDriverBeforeAnyTask(SparkSession spark) throws Exception {
        Path model = brokenModel();
        Dataset<Row> docs = docs(spark);
        AtomicInteger tasks = new AtomicInteger();
        SparkListener counter = new SparkListener() {
            @Override
            public void onTaskStart(SparkListenerTaskStart start) {
                tasks.incrementAndGet();
            }
        };
        spark.sparkContext().addSparkListener(counter);
        try {
            QuestGenerator g = new QuestGenerator().setModelPath(model.toString()).setChat("off").setMaxNewTokens(4);
            ModelLoadException e = assertThrows(ModelLoadException.class, () -> g.transform(docs));
            assertTrue(e.getMessage().startsWith("cannot load model " + model + ": "), e.getMessage());
            assertEquals(1, e.getMessage().lines().count(), e.getMessage());
            spark.sparkContext().listenerBus().waitUntilEmpty();
            assertEquals(0, tasks.get(), "no task started");
        } finally {
            spark.sparkContext().removeSparkListener(counter);
        }
    }

    @Test
    void theJobFailsWithTheModelsMessageAndWritesNothing(SparkSession spark) throws IOException {
        Path model = brokenModel();
        Path corpus = TestData.lines(dir.resolve("corpus/a.txt"), List.of(TestData.STORY_A)).getParent();
        Path output = dir.resolve("out");
        ModelLoadException e = assertThrows(ModelLoadException.class, () -> new SummarizeJob().run(spark,
                JobSettings.fake(dir, "input", corpus.toString(), "output", output.toString(), "model", model.toString(),
                        "model-loader", QuestGenerator.ENGINE_LOADER)));
        assertTrue(e.getMessage().contains("cannot load model " + model), e.getMessage());
        assertFalse(Files.exists(output), "no output folder");
    }

    @Test
    void aBareFileNameNotShippedWithFilesIsExplainedOnTheDriver(SparkSession spark) {
        String name = "not-shipped-" + System.nanoTime() + ".gguf";
        QuestGenerator g = new QuestGenerator().setModelPath(name).setModelLoader(FakeModelLoader.class.getName()).setChat("off");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> g.transform(docs(spark)));
        assertTrue(e.getMessage().contains("'" + name + "' is a bare file name") && e.getMessage().contains("--files"),
                e.getMessage());
    }

    @Test
    void aBareFileNameShippedWithFilesIsFoundOnTheDriver(SparkSession spark) throws IOException {
        // A file added to the session is fetched by every later task of every test: it must outlive this test.
        Path shipped = Files.writeString(Files.createTempFile("quest-shipped-", ".gguf"), "fake");
        shipped.toFile().deleteOnExit();
        spark.sparkContext().addFile(shipped.toString());
        QuestGenerator g = new QuestGenerator().setModelPath(shipped.getFileName().toString())
                .setModelLoader(FakeModelLoader.class.getName()).setChat("off").setMaxNewTokens(4).setOutputCol("summary");
        List<Row> out = g.transform(docs(spark)).select("status").collectAsList();
        assertEquals(2, out.size());
        out.forEach(r -> assertEquals("ok", r.getString(0)));
    }
}
