package dev.questspark.sparktests;

import dev.questspark.jobs.OutputColumns;
import dev.questspark.jobs.QuestGenerator;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The transformer as a Spark ML stage: schema, params, persistence, a pipeline. */
@ExtendWith(SharedSpark.class)
class QuestGeneratorTest {
    private static final StructType QA = new StructType().add("id", DataTypes.LongType).add("body", DataTypes.StringType)
            .add("q", DataTypes.StringType);

    @TempDir
    Path dir;

    private QuestGenerator fake() throws IOException {
        Path model = dir.resolve("fake.gguf");
        if (!Files.exists(model)) {
            Files.writeString(model, "fake");
        }
        return new QuestGenerator().setModelPath(model.toString()).setModelLoader(FakeModelLoader.class.getName())
                .setChat("off").setMaxNewTokens(8);
    }

    @Test
    void addsTheOutputAndStatisticsColumnsAfterTheInputOnes() throws IOException {
        StructType out = fake().setTask("answer").setTextCol("body").setQuestionCol("q").setOutputCol("answer")
                .transformSchema(QA);
        List<String> names = List.of(out.fieldNames());
        assertEquals(List.of("id", "body", "q", "answer"), names.subList(0, 4));
        assertEquals(OutputColumns.statisticsNames(), names.subList(4, names.size()));
    }

    @Test
    void explainsWrongColumnsAndTasks() throws IOException {
        QuestGenerator g = fake().setInputCol("text");
        assertEquals("input has no text column 'text' (columns: id, body, q)",
                assertThrows(IllegalArgumentException.class, () -> g.transformSchema(QA)).getMessage());
        QuestGenerator templated = fake().setInputCol("body").setTask("Translate: {text}\nQuestion: {question}");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> templated.transformSchema(QA)).getMessage()
                .contains("no question column 'question'"));
        assertThrows(IllegalArgumentException.class, () -> fake().setTask("no placeholder here"));
        QuestGenerator clash = fake().setInputCol("body").setOutputCol("q");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> clash.transformSchema(QA)).getMessage()
                .contains("already has a column q"));
    }

    @Test
    void savesAndLoadsItsParams(SparkSession spark) throws IOException {
        assertEquals(1, fake().getSinkPages(), "the shipped default keeps the first page");
        assertEquals(0.0, fake().getTokenBudgetFraction(), "the shipped default is a fixed budget");
        QuestGenerator g = fake().setTask("Title for: {text}").setAttention("quest").setTokenBudget(256).setPageSize(32)
                .setSinkPages(0).setTokenBudgetFraction(0.125).setTemperature(0.7f).setSeed(7).setThreadsPerTask(2).setContextTokens(300);
        String path = dir.resolve("generator").toString();
        g.write().overwrite().session(spark).save(path);
        QuestGenerator loaded = QuestGenerator.load(path);
        assertEquals(g.uid(), loaded.uid());
        assertEquals("Title for: {text}", loaded.getTask());
        assertEquals("quest", loaded.getAttention());
        assertEquals(256, loaded.getTokenBudget());
        assertEquals(32, loaded.getPageSize());
        assertEquals(0, loaded.getSinkPages());
        assertEquals(0.125, loaded.getTokenBudgetFraction());
        assertEquals(0.7f, loaded.getTemperature());
        assertEquals(7L, loaded.getSeed());
        assertEquals(2, loaded.getThreadsPerTask());
        assertEquals(g.getModelLoader(), loaded.getModelLoader());
    }

    @Test
    void runsInAPipelineKeepingEveryInputRowAndColumn(SparkSession spark) throws IOException {
        Dataset<Row> df = spark.createDataFrame(List.of(RowFactory.create(1L, TestData.STORY_A, "Who barked?"),
                RowFactory.create(2L, null, "Anything?"), RowFactory.create(3L, TestData.STORY_B, "  ")), QA);
        QuestGenerator g = fake().setTask("answer").setInputCol("body").setQuestionCol("q").setOutputCol("answer");
        PipelineModel model = new Pipeline().setStages(new PipelineStage[]{g}).fit(df);
        List<Row> rows = model.transform(df).orderBy("id").collectAsList();
        assertEquals(3, rows.size());
        assertEquals("ok", rows.get(0).getAs(OutputColumns.STATUS));
        assertEquals("Who barked?", rows.get(0).getAs("q"));
        assertEquals("text is null", rows.get(1).getAs(OutputColumns.ERROR));
        assertEquals("question is empty (whitespace only)", rows.get(2).getAs(OutputColumns.ERROR));
        assertEquals("quest", rows.get(0).getAs(OutputColumns.ATTENTION), "Quest by default");
    }
}
