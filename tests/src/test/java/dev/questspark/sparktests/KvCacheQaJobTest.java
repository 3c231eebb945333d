package dev.questspark.sparktests;

import dev.questspark.jobs.OutputColumns;
import dev.questspark.jobs.QaJob;
import dev.questspark.jobs.model.DocumentModel;
import dev.questspark.jobs.model.EngineModelLoader;
import dev.questspark.jobs.text.PromptFrame;
import dev.questspark.jobs.text.Tasks;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import dev.questspark.testing.TestModels;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * KV snapshot round trip through {@code qa --kv-cache DIR} on the real stories260K with Quest attention (so page
 * metadata restored from a snapshot takes part in page selection): the first run prefills and saves the documents
 * that fit the context; the second restores them and gives the same answers; a damaged snapshot is a miss, so the
 * third run prefills again, still gives the same answers and writes the file anew. At batch-size 4 the questions of
 * a document continue one shared document in the batch, which is restored from, or saved to, the same snapshot
 * files (byte for byte) with the same answers as at batch-size 1.
 */
@ExtendWith(SharedSpark.class)
class KvCacheQaJobTest {
    private static final String[] QUEST = {"attention", "quest", "token-budget", "64", "page-size", "16", "dense-layers", "1"};

    /** Shared by both tests: the batch-size-1 run into an empty cache is the start of both, so it runs once. */
    @TempDir
    static Path dir;
    private static Path docs;
    private static Path questions;
    private static Path cache;
    /** The answers of the first batch-size-1 run (an empty cache: every document prefilled). */
    private static Dataset<Row> first;
    /** The snapshot files that run saved, with their bytes as it wrote them. */
    private static Map<Path, byte[]> saved;

    @BeforeAll
    static void answerIntoAnEmptyCache(SparkSession spark) throws IOException {
        docs = documents();
        questions = questions();
        cache = dir.resolve("kv");
        first = answer(spark, cache, "first", "1");
        saved = new TreeMap<>();
        for (Path f : snapshots(cache)) {
            saved.put(f, Files.readAllBytes(f));
        }
    }

    @Test
    void snapshotsAreSavedRestoredAndReplacedWhenDamaged(SparkSession spark) throws IOException {
        int d1 = documentSegment(TestData.STORY_A);
        int d2 = documentSegment(TestData.STORY_B);
        Map<String, Integer> cached = cachedTokens(first);
        assertEquals(Map.of("q1", 0, "q2", d1, "q3", 0, "q4", 0), cached,
                "first run: documents prefilled (q2 reuses its task's cache of d1)");
        List<Path> files = List.copyOf(saved.keySet());
        assertEquals(2, files.size(), "one snapshot per document that fits the context, none for chunks: " + files);

        Dataset<Row> second = answer(spark, cache, "second", "1");
        DataFrameAssertions.assertDataFrameEquals(withoutCacheColumns(first), withoutCacheColumns(second));
        assertEquals(Map.of("q1", d1, "q2", d1, "q3", d2, "q4", 0), cachedTokens(second),
                "second run: every whole document comes from its snapshot");

        for (Path f : files) {
            flipBytes(f);
        }
        Dataset<Row> third = answer(spark, cache, "third", "1");
        DataFrameAssertions.assertDataFrameEquals(withoutCacheColumns(first), withoutCacheColumns(third));
        assertEquals(cached, cachedTokens(third), "damaged snapshots are misses: documents prefilled again");
        assertEquals(files, snapshots(cache));
        for (Path f : files) {
            assertArrayEquals(saved.get(f), Files.readAllBytes(f), "snapshot rewritten after the miss: " + f);
        }
    }

    @Test
    void batchedQuestionsShareSnapshotsWithBatchSizeOne(SparkSession spark) throws IOException {
        int d1 = documentSegment(TestData.STORY_A);
        int d2 = documentSegment(TestData.STORY_B);
        Path batched = dir.resolve("kv-batched");

        Dataset<Row> batchedFirst = answer(spark, batched, "b-first", "4");
        DataFrameAssertions.assertDataFrameEquals(withoutCacheColumns(first), withoutCacheColumns(batchedFirst));
        List<Path> files = snapshots(batched);
        assertEquals(saved.keySet().stream().map(Path::getFileName).toList(), files.stream().map(Path::getFileName).toList(),
                "the batch saves the snapshots batch-size 1 saves");
        Map<Path, byte[]> batchSaved = new HashMap<>();
        for (Path f : files) {
            batchSaved.put(f, Files.readAllBytes(f));
            assertArrayEquals(saved.get(cache.resolve(f.getFileName())), batchSaved.get(f), "same bytes as batch-size 1's: " + f);
        }

        Dataset<Row> second = answer(spark, batched, "b-second", "4");
        DataFrameAssertions.assertDataFrameEquals(withoutCacheColumns(first), withoutCacheColumns(second));
        assertEquals(Map.of("q1", d1, "q2", d1, "q3", d2, "q4", 0), cachedTokens(second),
                "second batched run: every whole document comes from its snapshot");

        for (Path f : files) {
            flipBytes(f);
        }
        Dataset<Row> third = answer(spark, batched, "b-third", "4");
        DataFrameAssertions.assertDataFrameEquals(withoutCacheColumns(first), withoutCacheColumns(third));
        for (Path f : files) {
            assertArrayEquals(batchSaved.get(f), Files.readAllBytes(f), "damaged snapshot rewritten by the batch: " + f);
        }
    }

    private static Path documents() {
        return TestData.lines(dir.resolve("docs.jsonl"), List.of(
                TestData.json("id", "d1", "text", TestData.STORY_A),
                TestData.json("id", "d2", "text", TestData.STORY_B),
                TestData.json("id", "long", "text", TestData.longText(40))));
    }

    private static Path questions() {
        return TestData.lines(dir.resolve("questions.jsonl"), List.of(
                TestData.json("question_id", "q1", "doc_id", "d1", "question", "What flew?"),
                TestData.json("question_id", "q2", "doc_id", "d1", "question", "Who laughed?"),
                TestData.json("question_id", "q3", "doc_id", "d2", "question", "What opened?"),
                TestData.json("question_id", "q4", "doc_id", "long", "question", "Who painted the lamp?")));
    }

    private static Dataset<Row> answer(SparkSession spark, Path kvCache, String name, String batchSize) {
        String output = dir.resolve(name).toString();
        new QaJob().run(spark, JobSettings.stories(QUEST).with(JobSettings.pairs("documents", docs.toString(),
                "questions", questions.toString(), "output", output, "kv-cache", kvCache.toString(), "batch-size", batchSize)));
        Dataset<Row> out = spark.read().parquet(output).orderBy("question_id");
        for (Row r : out.collectAsList()) {
            assertEquals("ok", r.getAs(OutputColumns.STATUS), r.getAs("question_id") + ": " + r.getAs(OutputColumns.ERROR));
        }
        return out;
    }

    /** Everything the cache must not change: all but the timings and the cached token count. */
    private static Dataset<Row> withoutCacheColumns(Dataset<Row> df) {
        return StoriesJobs.withoutTimings(df).drop(OutputColumns.CACHED_TOKENS);
    }

    private static Map<String, Integer> cachedTokens(Dataset<Row> df) {
        Map<String, Integer> m = new HashMap<>();
        df.collectAsList().forEach(r -> m.put(r.getAs("question_id"), r.getAs(OutputColumns.CACHED_TOKENS)));
        return m;
    }

    /** Tokens of the answer prompt's shared document part (prompt frame, text before the document, document). */
    private static int documentSegment(String text) {
        DocumentModel model = new EngineModelLoader().load(TestModels.stories(), 1);
        // stories260K has no chat template, so chat=auto builds plain prompts.
        return Tasks.answer(false).build(model, PromptFrame.discover(model, false), model.encode(text), "?")
                .document().length;
    }

    private static List<Path> snapshots(Path cache) throws IOException {
        try (Stream<Path> s = Files.list(cache)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".kvsnap.arrow")).sorted().toList();
        }
    }

    /** Inverts 64 bytes in the middle of the file, where the K/V payload is. */
    private static void flipBytes(Path f) throws IOException {
        byte[] b = Files.readAllBytes(f);
        for (int i = b.length / 2; i < b.length / 2 + 64; i++) {
            b[i] = (byte) ~b[i];
        }
        Files.write(f, b);
    }
}
