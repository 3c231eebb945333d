package dev.questspark.sparktests;

import dev.questspark.jobs.JobReport;
import dev.questspark.jobs.OutputColumns;
import dev.questspark.jobs.QaJob;
import dev.questspark.jobs.SummarizeJob;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Invalid UTF-8 in every input format keeps its row's id and says at which byte the text goes wrong: JSON Lines
 * (the line is parsed again with the bad bytes replaced), Parquet strings and text files (the raw bytes are
 * checked before the model runs).
 */
@ExtendWith(SharedSpark.class)
class InvalidUtf8RowsTest {
    @TempDir
    Path dir;

    /** A JSON line whose text holds the Latin-1 byte 0xe9 ("café" written as Latin-1). */
    private static byte[] latin1Line(String id) {
        return ("{\"id\":\"" + id + "\",\"text\":\"caf\u00e9 au lait\"}").getBytes(StandardCharsets.ISO_8859_1);
    }

    private static Path jsonl(Path file, byte[]... lines) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (byte[] l : lines) {
            b.write(l);
            b.write('\n');
        }
        Files.createDirectories(file.getParent());
        return Files.write(file, b.toByteArray());
    }

    private Map<String, Row> byId(SparkSession spark, String output, String idCol) {
        Map<String, Row> rows = new HashMap<>();
        spark.read().parquet(output).collectAsList().forEach(r -> rows.put(r.getAs(idCol), r));
        return rows;
    }

    @Test
    void aJsonLineWithInvalidUtf8KeepsItsIdAndNamesTheByte(SparkSession spark) throws IOException {
        Path docs = jsonl(dir.resolve("docs/docs.jsonl"), TestData.json("id", "good", "text", TestData.STORY_A).getBytes(StandardCharsets.UTF_8),
                latin1Line("latin1"), "{\"id\": \"broken\", this is not JSON".getBytes(StandardCharsets.UTF_8));
        String output = dir.resolve("out").toString();
        JobReport report = new SummarizeJob().run(spark, JobSettings.fake(dir, "input", docs.toString(), "output", output));
        assertEquals(3, report.rowsOut());
        Map<String, Row> rows = byId(spark, output, "id");
        assertEquals("ok", rows.get("good").getAs(OutputColumns.STATUS));
        // {"id":"latin1","text":"caf then 0xe9: byte 26 of the line
        assertEquals("JSON line has invalid UTF-8 at byte 26 (0xe9)", rows.get("latin1").getAs(OutputColumns.ERROR));
        assertEquals("error", rows.get("latin1").getAs(OutputColumns.STATUS));
        assertEquals("malformed JSON line", rows.get(null).getAs(OutputColumns.ERROR));
    }

    @Test
    void aDocumentLineWithInvalidUtf8IsNamedInItsQuestionsAndAQuestionLineKeepsItsIds(SparkSession spark) throws IOException {
        Path docs = jsonl(dir.resolve("qa/docs.jsonl"), TestData.json("id", "d1", "text", TestData.STORY_A).getBytes(StandardCharsets.UTF_8),
                latin1Line("d2"));
        Path questions = jsonl(dir.resolve("qa/questions.jsonl"),
                TestData.json("question_id", "q1", "doc_id", "d1", "question", "Who had a kite?").getBytes(StandardCharsets.UTF_8),
                TestData.json("question_id", "q2", "doc_id", "d2", "question", "What is in the cup?").getBytes(StandardCharsets.UTF_8),
                "{\"question_id\":\"q3\",\"doc_id\":\"d1\",\"question\":\"Caf\u00e9?\"}".getBytes(StandardCharsets.ISO_8859_1));
        String output = dir.resolve("answers").toString();
        JobReport report = new QaJob().run(spark, JobSettings.fake(dir, "documents", docs.toString(),
                "questions", questions.toString(), "output", output));
        assertEquals(3, report.rowsOut());
        Map<String, Row> rows = byId(spark, output, "question_id");
        assertEquals("ok", rows.get("q1").getAs(OutputColumns.STATUS), String.valueOf((Object) rows.get("q1").getAs(OutputColumns.ERROR)));
        assertEquals("document 'd2' could not be read: JSON line has invalid UTF-8 at byte 22 (0xe9)",
                rows.get("q2").getAs(OutputColumns.ERROR));
        assertEquals("d1", rows.get("q3").getAs("doc_id"));
        assertEquals("JSON line has invalid UTF-8 at byte 49 (0xe9)", rows.get("q3").getAs(OutputColumns.ERROR));
    }

    @Test
    void parquetStringsAndTextFilesWithInvalidUtf8NameTheByte(SparkSession spark) throws IOException {
        StructType raw = new StructType().add("id", DataTypes.StringType).add("bytes", DataTypes.BinaryType);
        String parquet = dir.resolve("parquet").toString();
        spark.createDataFrame(List.of(RowFactory.create("good", TestData.STORY_B.getBytes(StandardCharsets.UTF_8)),
                        RowFactory.create("latin1", "Cr\u00e8me br\u00fbl\u00e9e".getBytes(StandardCharsets.ISO_8859_1))), raw)
                .select(col("id"), col("bytes").cast("string").as("text")).write().parquet(parquet);
        String out = dir.resolve("out-parquet").toString();
        new SummarizeJob().run(spark, JobSettings.fake(dir, "input", parquet, "output", out));
        Map<String, Row> rows = byId(spark, out, "id");
        assertEquals("ok", rows.get("good").getAs(OutputColumns.STATUS));
        assertEquals("text has invalid UTF-8 at byte 2 (0xe8)", rows.get("latin1").getAs(OutputColumns.ERROR));

        Path corpus = TestData.textFolder(dir.resolve("corpus"), 5);
        String outText = dir.resolve("out-text").toString();
        new SummarizeJob().run(spark, JobSettings.fake(dir, "input", corpus.toString(), "output", outText));
        Map<String, Row> files = byId(spark, outText, "id");
        assertEquals("text has invalid UTF-8 at byte 3 (0xe9)", files.get("latin1.txt").getAs(OutputColumns.ERROR));
        assertEquals("text has invalid UTF-8 at byte 0 (0x89)", files.get("junk.bin").getAs(OutputColumns.ERROR));
    }
}
