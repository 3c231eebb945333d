package dev.questspark.sparktests;

import dev.questspark.jobs.JobReport;
import dev.questspark.jobs.OutputColumns;
import dev.questspark.jobs.QuestGenerator;
import dev.questspark.jobs.SummarizeJob;
import dev.questspark.jobs.config.QuestSettings;
import dev.questspark.jobs.io.Inputs;
import dev.questspark.jobs.text.Tasks;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The summarize job spreads a long document's chunks over the partitions (SplitSummaries); its output must be
 * the one-task map-reduce's (QuestGenerator's summarize task) for every document, whatever the partitioning or a
 * retried task. The fake model makes each summary a hash of the whole prompt, so any difference in chunks,
 * order, levels or seeds shows.
 */
@ExtendWith(SharedSpark.class)
class SplitSummarizeTest {
    /** Level-0 chunk counts of the documents, from one chunk (fits the context) to 40. */
    private static final int[] CHUNKS = {1, 2, 3, 5, 8, 13, 21, 40};
    /**
     * Bytes (tokens of the fake model) a chunk adds beyond the overlap: 512 of context less the prompt (90), 16 new
     * tokens and the overlap of 16; a text of n * STRIDE - 84 bytes is n chunks.
     */
    private static final int STRIDE = 390;

    @TempDir
    Path dir;

    /**
     * The documents of the first two tests in one corpus, through the split job and the one-task map-reduce once
     * (each job costs Spark far more than the fake model's work); each test checks its own documents' rows.
     */
    @TempDir
    static Path shared;
    private static List<Row> split;
    private static List<Row> oneTask;

    @BeforeAll
    static void summarizeBothWays(SparkSession spark) {
        List<String> lines = new ArrayList<>();
        for (int n : CHUNKS) {
            lines.add(TestData.json("id", "doc-" + n, "text", text(n * STRIDE - 84)));
        }
        String failing = text(5 * STRIDE - 84);
        int middle = failing.length() / 2;
        failing = failing.substring(0, middle) + " " + FakeModelLoader.FAIL + " " + failing.substring(middle);
        lines.addAll(List.of(
                TestData.json("id", "a-fails", "text", failing),
                TestData.json("id", "b-long", "text", text(6 * STRIDE - 84)),
                TestData.json("id", "c-empty", "text", ""),
                TestData.json("id", "d-null", "text", null),
                TestData.json("id", "e-short", "text", TestData.STORY_A),
                TestData.json("id", "f-short-fails", "text", "Short, but " + FakeModelLoader.FAIL)));
        Path docs = TestData.lines(shared.resolve("docs.jsonl"), lines);
        split = split(spark, shared, docs, "split", "3");
        oneTask = oneTask(spark, docs, JobSettings.fake(shared));
    }

    @Test
    void splitStagesEqualTheOneTaskMapReduceOnOneToFortyChunks() {
        List<Row> split = chunkCountDocuments(SplitSummarizeTest.split);
        assertEquals(chunkCountDocuments(oneTask), split);
        assertEquals(List.of(1, 13, 2, 21, 3, 40, 5, 8), split.stream().map(r -> (Integer) r.getAs(OutputColumns.CHUNKS))
                .collect(Collectors.toList()), "chunk counts, by id");
        for (Row r : split) {
            assertEquals("ok", r.getAs(OutputColumns.STATUS), String.valueOf((Object) r.getAs(OutputColumns.ERROR)));
        }
        Row longest = split.get(5);
        int calls = longest.getAs(OutputColumns.MODEL_CALLS);
        assertTrue(calls > 40 + 1, "the 40-chunk document needs more than one reduce level: " + calls + " calls");
    }

    @Test
    void aFailedChunkIsItsDocumentsErrorAndEmptyDocumentsAreErrors() {
        List<Row> split = errorDocuments(SplitSummarizeTest.split);
        assertEquals(errorDocuments(oneTask).stream().map(SplitSummarizeTest::outcome).toList(),
                split.stream().map(SplitSummarizeTest::outcome).toList());
        assertEquals(List.of("a-fails error fake engine failure", "b-long ok null", "c-empty error text is empty",
                "d-null error text is null", "e-short ok null", "f-short-fails error fake engine failure"),
                split.stream().map(r -> r.getAs("id") + " " + r.getAs(OutputColumns.STATUS) + " " + r.getAs(OutputColumns.ERROR))
                        .toList());
        Row failed = split.get(0);
        assertEquals(5, (int) failed.getAs(OutputColumns.CHUNKS));
        assertTrue((int) failed.getAs(OutputColumns.MODEL_CALLS) >= 1, "calls made before the failure are counted");
    }

    /** The first test's documents (1 to 40 chunks), by id. */
    private static List<Row> chunkCountDocuments(List<Row> rows) {
        return rows.stream().filter(r -> ((String) r.getAs("id")).startsWith("doc-")).toList();
    }

    /** The second test's documents (failures, empty and short ones), by id. */
    private static List<Row> errorDocuments(List<Row> rows) {
        return rows.stream().filter(r -> !((String) r.getAs("id")).startsWith("doc-")).toList();
    }

    @Test
    void outputsRepeatAcrossPartitionCountsAndARetriedTask(SparkSession spark) {
        List<String> lines = new ArrayList<>();
        for (int n : new int[]{1, 4, 11}) {
            lines.add(TestData.json("id", "doc-" + n, "text", text(n * STRIDE - 84)));
        }
        lines.add(TestData.json("id", "empty", "text", ""));
        Path docs = TestData.lines(dir.resolve("docs.jsonl"), lines);
        List<Row> one = split(spark, dir, docs, "one", "1");
        assertEquals(one, split(spark, dir, docs, "four", "4"));
        Path marker = dir.resolve("failed-once");
        spark.conf().set("spark.quest.test.failOnceMarker", marker.toString());
        try {
            List<Row> retried = split(spark, dir, docs, "retried", "2");
            assertTrue(Files.exists(marker), "a task failed once and was retried");
            assertEquals(one, retried);
        } finally {
            spark.conf().unset("spark.quest.test.failOnceMarker");
        }
    }

    @Test
    void sampledOutputIsTheOneTasksToo(SparkSession spark) {
        Path docs = TestData.lines(dir.resolve("docs.jsonl"), List.of(
                TestData.json("id", "doc-1", "text", text(STRIDE - 84)), TestData.json("id", "doc-9", "text", text(9 * STRIDE - 84))));
        String[] sampled = {"temperature", "0.8", "seed", "7"};
        List<Row> split = split(spark, dir, docs, "split", "2", sampled);
        assertEquals(oneTask(spark, docs, JobSettings.fake(dir, sampled)), split);
    }

    /** The summarize job's rows, without timings, by id. */
    private static List<Row> split(SparkSession spark, Path dir, Path docs, String name, String partitions, String... more) {
        String output = dir.resolve(name).toString();
        QuestSettings s = JobSettings.fake(dir, more).with(JobSettings.pairs("input", docs.toString(), "output", output,
                "partitions", partitions));
        JobReport report = new SummarizeJob().run(spark, s);
        assertEquals(report.rowsIn(), report.rowsOut());
        return collect(spark.read().parquet(output));
    }

    /** The same documents through QuestGenerator, where each document's map-reduce runs in one task. */
    private static List<Row> oneTask(SparkSession spark, Path docs, QuestSettings s) {
        Dataset<Row> in = Inputs.documents(spark, docs.toString(), "auto", "id", "text");
        Dataset<Row> out = new QuestGenerator().applySettings(s).setTask(Tasks.SUMMARIZE).setInputCol("text")
                .setOutputCol("summary").transform(in.repartition(1));
        Column inputError = col(Inputs.INPUT_ERROR);
        return collect(out.withColumn(OutputColumns.ERROR, coalesce(inputError, col(OutputColumns.ERROR)))
                .withColumn(OutputColumns.STATUS, when(inputError.isNotNull(), lit("error")).otherwise(col(OutputColumns.STATUS))));
    }

    private static List<Row> collect(Dataset<Row> df) {
        List<Column> cols = new ArrayList<>(List.of(col("id"), col("summary")));
        OutputColumns.statisticsNames().stream().filter(c -> !OutputColumns.TIMING.contains(c)).forEach(c -> cols.add(col(c)));
        return df.select(cols.toArray(new Column[0])).orderBy("id").collectAsList();
    }

    private static String outcome(Row r) {
        return r.getAs("id") + " " + r.getAs(OutputColumns.STATUS) + " " + r.getAs(OutputColumns.ERROR);
    }

    /** Distinct sentences (no two chunks alike) cut to the given length in bytes. */
    private static String text(int bytes) {
        String t = TestData.longText(bytes / 40 + 2);
        return t.substring(0, Math.min(bytes, t.length()));
    }
}
