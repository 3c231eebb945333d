package dev.questspark.sparktests;

import dev.questspark.jobs.OutputColumns;
import dev.questspark.jobs.QaJob;
import dev.questspark.jobs.config.QuestSettings;
import dev.questspark.jobs.generate.GeneratorSettings;
import dev.questspark.jobs.generate.RowGenerator;
import dev.questspark.jobs.generate.RowResult;
import dev.questspark.jobs.model.SharedModels;
import dev.questspark.jobs.text.Tasks;
import dev.questspark.testing.TestModels;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * qa with router quest on the real stories260K: the long documents' chunks are prefilled in a stage of their own,
 * their page metadata travels as Arrow to the stage that ranks them for each question, and the answers equal those
 * of one task ranking in place (RowGenerator), across partition counts; with --kv-cache each (document, chunk) is
 * prefilled once, and a later run restores them all.
 */
@ExtendWith(SharedSpark.class)
class SplitQaTest {
    private static final String[] ROUTER = {"router", "quest", "attention", "quest", "token-budget", "64", "page-size", "8",
            "qa-context-tokens", "200", "max-tokens", "8"};
    private static final String LONG_B = (TestData.STORY_A + " " + TestData.STORY_B + " ").repeat(5);

    @TempDir
    Path dir;

    @Test
    void splitRoutingGivesTheAnswersOfOneTask(SparkSession spark) throws IOException {
        Path docs = TestData.lines(dir.resolve("docs.jsonl"), List.of(
                TestData.json("id", "long-a", "text", TestData.longText(40)),
                TestData.json("id", "long-b", "text", LONG_B),
                TestData.json("id", "short", "text", TestData.STORY_A)));
        Path questions = TestData.lines(dir.resolve("questions.jsonl"), List.of(
                TestData.json("question_id", "q1", "doc_id", "long-a", "question", "Who painted the lamp?"),
                TestData.json("question_id", "q2", "doc_id", "long-a", "question", "What did the baker sell?"),
                TestData.json("question_id", "q3", "doc_id", "long-b", "question", "What opened?"),
                TestData.json("question_id", "q4", "doc_id", "long-b", "question", "Who laughed?"),
                TestData.json("question_id", "q5", "doc_id", "short", "question", "What flew?"),
                TestData.json("question_id", "q6", "doc_id", "missing", "question", "What?")));
        Map<String, String> texts = Map.of("long-a", TestData.longText(40), "long-b", LONG_B, "short", TestData.STORY_A);

        List<Row> split = answer(spark, docs, questions, "two", "2", null);
        assertEquals(6, split.size(), "one row per question");
        QuestSettings s = JobSettings.stories(ROUTER);
        GeneratorSettings gs = new GeneratorSettings(s.get("model"), SharedModels.ENGINE_LOADER, Tasks.ANSWER, s.settings(), 1, null);
        int chunks = 0;
        try (RowGenerator oneTask = new RowGenerator(gs, () -> SharedModels.get(SharedModels.ENGINE_LOADER, TestModels.stories(), 1))) {
            for (Row r : split) {
                String doc = r.getAs("doc_id");
                if (doc.equals("missing")) {
                    assertEquals("error", r.getAs(OutputColumns.STATUS));
                    continue;
                }
                RowResult expected = oneTask.process(texts.get(doc), true, r.getAs("question"));
                assertEquals("ok", r.getAs(OutputColumns.STATUS), (String) r.getAs(OutputColumns.ERROR));
                assertEquals(expected.text(), r.getAs("answer"), "answer of " + r.getAs("question_id"));
                assertEquals(expected.chunks(), (int) r.getAs(OutputColumns.CHUNKS));
                assertEquals(expected.chunksTotal(), (int) r.getAs(OutputColumns.CHUNKS_TOTAL));
                if (doc.startsWith("long")) {
                    String note = r.getAs(OutputColumns.NOTE);
                    assertTrue(note.contains("chunk pages from the routing stage"), note);
                    assertTrue(expected.note().contains("Quest page scores"), expected.note());
                    chunks += r.getAs("question_id").equals("q1") || r.getAs("question_id").equals("q3")
                            ? (int) r.getAs(OutputColumns.CHUNKS_TOTAL) : 0;
                }
            }
        }

        Path cache = dir.resolve("kv");
        assertEquals(answers(split), answers(answer(spark, docs, questions, "three", "3", cache)), "same answers on 3 partitions");
        Map<Path, FileTime> saved = snapshots(cache);
        assertEquals(chunks + 1, saved.size(), "one KV snapshot per (document, chunk) of the long documents, and the short"
                + " document's whole-document snapshot");
        assertEquals(answers(split), answers(answer(spark, docs, questions, "again", "1", cache)), "same answers from snapshots");
        assertEquals(saved, snapshots(cache), "every chunk restored: none prefilled and saved again");
    }

    @Test
    void aModelWithoutPageMetadataGetsErrorRowsNamingTheSetting(SparkSession spark) {
        Path docs = TestData.lines(dir.resolve("fake-docs.jsonl"), List.of(
                TestData.json("id", "long", "text", TestData.longText(40)),
                TestData.json("id", "short", "text", "The cat sat on the mat.")));
        Path questions = TestData.lines(dir.resolve("fake-questions.jsonl"), List.of(
                TestData.json("question_id", "q1", "doc_id", "long", "question", "Who painted the lamp?"),
                TestData.json("question_id", "q2", "doc_id", "short", "question", "What flew?")));
        String output = dir.resolve("fake-out").toString();
        new QaJob().run(spark, JobSettings.fake(dir.resolve("model"), "router", "quest", "qa-context-tokens", "128",
                "documents", docs.toString(), "questions", questions.toString(), "output", output));
        List<Row> rows = spark.read().parquet(output).orderBy("question_id").collectAsList();
        assertEquals(2, rows.size(), "one row per question");
        assertEquals("error", rows.get(0).getAs(OutputColumns.STATUS));
        assertTrue(((String) rows.get(0).getAs(OutputColumns.ERROR)).contains("use router bm25"),
                (String) rows.get(0).getAs(OutputColumns.ERROR));
        assertEquals("ok", rows.get(1).getAs(OutputColumns.STATUS), "a document given whole needs no router: "
                + rows.get(1).getAs(OutputColumns.ERROR));
    }

    private List<Row> answer(SparkSession spark, Path docs, Path questions, String name, String partitions, Path cache) {
        String output = dir.resolve(name).toString();
        QuestSettings s = JobSettings.stories(ROUTER).with(JobSettings.pairs("documents", docs.toString(), "questions",
                questions.toString(), "output", output, "partitions", partitions));
        new QaJob().run(spark, cache == null ? s : s.with(JobSettings.pairs("kv-cache", cache.toString())));
        Dataset<Row> out = spark.read().parquet(output).orderBy("question_id");
        return out.collectAsList();
    }

    private static Map<String, String> answers(List<Row> rows) {
        Map<String, String> m = new TreeMap<>();
        rows.forEach(r -> m.put(r.getAs("question_id"), r.getAs(OutputColumns.STATUS) + ": " + r.getAs("answer")));
        return m;
    }

    private static Map<Path, FileTime> snapshots(Path cache) throws IOException {
        Map<Path, FileTime> m = new TreeMap<>();
        try (Stream<Path> s = Files.list(cache)) {
            for (Path p : s.filter(p -> p.getFileName().toString().endsWith(".kvsnap.arrow")).toList()) {
                m.put(p, Files.getLastModifiedTime(p));
            }
        }
        return m;
    }
}
