package dev.questspark.sparktests;

import dev.questspark.arrow.PageMetadataExporter;
import dev.questspark.engine.DecoderSession;
import dev.questspark.engine.Engine;
import dev.questspark.jobs.model.DecoderSnapshots;
import dev.questspark.jobs.model.DocumentModel;
import dev.questspark.jobs.model.EngineModelLoader;
import dev.questspark.jobs.qa.ChunkPages;
import dev.questspark.jobs.qa.ChunkPrefill;
import dev.questspark.jobs.qa.QueryCapture;
import dev.questspark.jobs.qa.QuestRouter;
import dev.questspark.jobs.qa.QuestionQueries;
import dev.questspark.jobs.text.TokenChunks;
import dev.questspark.jobs.text.TokenChunks.Span;
import dev.questspark.kernel.Parallel;
import dev.questspark.model.AttentionStats;
import dev.questspark.model.ForwardState;
import dev.questspark.model.KvCache;
import dev.questspark.model.LlamaConfig;
import dev.questspark.model.LlamaModel;
import dev.questspark.model.ReferenceKvCache;
import dev.questspark.quest.HeadPages;
import dev.questspark.quest.PagedKvCache;
import dev.questspark.quest.QuestConfig;
import dev.questspark.testing.TestModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import dev.questspark.jobs.generate.GeneratorSettings;
import dev.questspark.jobs.generate.RowGenerator;
import dev.questspark.jobs.generate.RowResult;
import dev.questspark.jobs.model.SharedModels;
import dev.questspark.jobs.text.Tasks;
import dev.questspark.settings.Settings;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The quest router on the real stories260K: a chunk's page metadata survives the trip through Arrow bit for bit, the
 * question's queries are the model's own, and the router's ranking equals a brute-force computation from the KV
 * cache's pages.
 */
class QuestRouterTest {
    private static final QuestConfig QUEST = new QuestConfig(QuestConfig.Attention.QUEST, 64, 8, 2, QuestConfig.GqaPolicy.SHARED);
    private static final String QUESTION = "\nQuestion: What did the lighthouse keeper find on the beach?\nAnswer:";

    @Test
    void pageMetadataRoundTripsThroughArrow() throws Exception {
        Engine engine = Engine.shared(TestModels.stories(), 1);
        int[] prompt = engine.tokenizer().encode(TestData.longText(6), true, false);
        try (DecoderSession s = engine.newSession(QUEST, 512)) {
            s.prefill(prompt);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            PageMetadataExporter.of(s, "d", PageMetadataExporter.Batching.PER_LAYER).writeStream(out);
            ChunkPages pages = ChunkPages.read(out.toByteArray());
            PagedKvCache cache = (PagedKvCache) s.kvCache();
            LlamaConfig c = engine.model().config();
            assertEquals(c.layers(), pages.layers());
            assertEquals(c.kvHeads(), pages.kvHeads());
            assertEquals(c.headDim(), pages.headDim());
            assertEquals((prompt.length + 7) / 8, pages.pages());
            assertEquals(prompt.length, pages.pageEnd(pages.pages() - 1));
            for (int l = 0; l < c.layers(); l++) {
                for (int h = 0; h < c.kvHeads(); h++) {
                    HeadPages hp = cache.pages(l, h);
                    for (int p = 0; p < pages.pages(); p++) {
                        assertEquals(Math.min(8 * (p + 1), prompt.length), pages.pageEnd(p));
                        for (int ch = 0; ch < c.headDim(); ch++) {
                            assertEquals(Float.floatToIntBits(hp.min(p, ch)), Float.floatToIntBits(pages.min(l, h, p, ch)));
                            assertEquals(Float.floatToIntBits(hp.max(p, ch)), Float.floatToIntBits(pages.max(l, h, p, ch)));
                            for (int t = 8 * p; t < pages.pageEnd(p); t++) {
                                float k = hp.key(t, ch); // stored as binary16: within the f32 bounds up to its rounding
                                assertTrue(k >= pages.min(l, h, p, ch) - 1e-2f * Math.abs(k) - 1e-6f
                                        && k <= pages.max(l, h, p, ch) + 1e-2f * Math.abs(k) + 1e-6f, "key within bounds");
                            }
                        }
                    }
                }
            }
        }
    }

    @Test
    void questionQueriesAreTheModelsOwn() {
        Engine engine = Engine.shared(TestModels.stories(), 1);
        LlamaModel m = engine.model();
        LlamaConfig c = m.config();
        int[] q = engine.tokenizer().encode(QUESTION, false, false);
        RecordingCache reference = new RecordingCache(new ReferenceKvCache(c, q.length), c, q.length);
        try (Parallel pool = new Parallel(1)) {
            m.forward(reference, new ForwardState(c, q.length), pool, q, 0, q.length, false);
        }
        DocumentModel model = new EngineModelLoader().load(TestModels.stories(), 1);
        QuestionQueries atZero = model.questionQueries(q, 0);
        // Both round queries to binary16; their attention sums differ in order, so a value may land one half ulp away.
        assertArrayEquals(reference.queries, atZero.q(), 5e-3f, "queries of the question alone equal a dense forward's");
        // Further along, RoPE turns each pair of channels by the extra angle: the pairs keep their lengths (up to
        // binary16 rounding and the float angles of larger positions, which shift the hidden states slightly).
        QuestionQueries later = model.questionQueries(q, 300);
        int half = c.ropeDim() / 2;
        for (int i = 0; i < later.q().length; i += c.headDim()) {
            for (int j = 0; j < half; j++) {
                int a = c.ropeNeox() ? i + j : i + 2 * j;
                int b = c.ropeNeox() ? i + j + half : i + 2 * j + 1;
                float r0 = (float) Math.hypot(atZero.q()[a], atZero.q()[b]);
                float r1 = (float) Math.hypot(later.q()[a], later.q()[b]);
                assertEquals(r0, r1, 2e-2f * Math.max(1f, r0));
            }
        }
        assertTrue(!Arrays.equals(atZero.q(), later.q()), "the queries are rotated to their later positions");
    }

    @Test
    void routerRankingEqualsBruteForce() {
        DocumentModel model = new EngineModelLoader().load(TestModels.stories(), 1);
        Engine engine = Engine.shared(TestModels.stories(), 1);
        int[] head = engine.tokenizer().encode("Context: ", true, false);
        int[] document = model.encode(TestData.longText(30));
        int[] tail = model.encode(QUESTION);
        List<Span> spans = TokenChunks.split(document.length, 96, 16);
        assertTrue(spans.size() >= 4, "several chunks: " + spans.size());
        int longest = spans.stream().mapToInt(Span::length).max().orElseThrow();
        QuestionQueries q = model.questionQueries(tail, head.length + longest);

        ChunkPrefill prefill = new ChunkPrefill(model, QUEST, DecoderSnapshots.NONE);
        List<float[]> maxima = new ArrayList<>();
        for (Span s : spans) {
            maxima.add(QuestRouter.chunkMaxima(ChunkPages.read(prefill.pages(head, document, s)), q, head.length));
        }
        double[] scores = QuestRouter.scores(maxima, q.layers(), q.heads(), q.headDim(), QUEST.denseLayers());
        int[] ranked = QuestRouter.rank(scores);

        double[] expected = bruteForceScores(engine, head, document, spans, q);
        assertArrayEquals(expected, scores, 1e-9);
        int[] expectedRank = IntStream.range(0, expected.length).boxed()
                .sorted(Comparator.comparingDouble((Integer i) -> -expected[i]).thenComparingInt(i -> i))
                .mapToInt(Integer::intValue).toArray();
        assertArrayEquals(expectedRank, ranked);
        assertEquals((double) (c(engine).layers() - QUEST.denseLayers()) * c(engine).heads(), Arrays.stream(scores).sum(), 1e-9,
                "every head of a Quest layer spreads one vote over the chunks");
    }

    @Test
    void questRouterAnswersFromChunksPrefilledOncePerCorpus(@TempDir Path kvCache) throws Exception {
        String doc = TestData.longText(40);
        String question = "What was the lighthouse keeper named?";
        RowResult first = answer("quest", kvCache, doc, question);
        assertEquals("ok", first.status(), first.error());
        assertTrue(first.note().contains("ranked by Quest page scores"), first.note());
        assertTrue(first.chunks() >= 1 && first.chunks() < first.chunksTotal(), first.chunks() + " of " + first.chunksTotal());
        Map<Path, FileTime> saved = snapshots(kvCache);
        assertEquals(first.chunksTotal(), saved.size(), "one KV snapshot per (document, chunk)");
        // Another task (a new generator and decoder) restores every chunk instead of prefilling and saving it again.
        RowResult again = answer("quest", kvCache, doc, question);
        assertEquals(first.text(), again.text());
        assertEquals(first.note(), again.note());
        assertEquals(saved, snapshots(kvCache), "no chunk prefilled and saved again");
        RowResult bm25 = answer("bm25", null, doc, question);
        assertTrue(bm25.note().contains("ranked by BM25"), bm25.note());
    }

    private static RowResult answer(String router, Path kvCache, String doc, String question) {
        Settings settings = Settings.of(Map.of("router", router, "context-tokens", "512", "max-tokens", "8", "chat", "off",
                "qa-chunk-tokens", "96", "qa-context-tokens", "200", "chunk-overlap", "16", "page-size", "8", "threads", "1"));
        GeneratorSettings gs = new GeneratorSettings(TestModels.stories().toString(), SharedModels.ENGINE_LOADER, Tasks.ANSWER,
                settings, 1, kvCache == null ? null : kvCache.toString());
        try (RowGenerator g = new RowGenerator(gs, () -> SharedModels.get(SharedModels.ENGINE_LOADER, TestModels.stories(), 1))) {
            return g.process(doc, true, question);
        }
    }

    private static Map<Path, FileTime> snapshots(Path dir) throws IOException {
        Map<Path, FileTime> m = new TreeMap<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path p : files.toList()) {
                m.put(p, Files.getLastModifiedTime(p));
            }
        }
        return m;
    }

    private static LlamaConfig c(Engine e) {
        return e.model().config();
    }

    /**
     * Scores from the KV cache's own pages, one chunk prefill at a time: for every Quest layer and query head, the
     * highest sum_i max(q_i min_i, q_i max_i) over the chunk's pages past the head and the question's tokens; a
     * softmax over the chunks of those at 1/sqrt(headDim), summed per chunk.
     */
    private static double[] bruteForceScores(Engine engine, int[] head, int[] document, List<Span> spans, QuestionQueries q) {
        LlamaConfig c = engine.model().config();
        int group = c.heads() / c.kvHeads();
        double[][] best = new double[spans.size()][c.layers() * c.heads()];
        for (int ci = 0; ci < spans.size(); ci++) {
            Span s = spans.get(ci);
            int[] prompt = new int[head.length + s.length()];
            System.arraycopy(head, 0, prompt, 0, head.length);
            System.arraycopy(document, s.start(), prompt, head.length, s.length());
            try (DecoderSession session = engine.newSession(QUEST, prompt.length)) {
                session.prefill(prompt);
                PagedKvCache cache = (PagedKvCache) session.kvCache();
                for (int l = 0; l < c.layers(); l++) {
                    for (int h = 0; h < c.heads(); h++) {
                        HeadPages hp = cache.pages(l, h / group);
                        double b = Double.NEGATIVE_INFINITY;
                        for (int p = 0; p * 8 < prompt.length; p++) {
                            if (Math.min(8 * (p + 1), prompt.length) <= head.length) {
                                continue;
                            }
                            for (int t = 0; t < q.tokens(); t++) {
                                double ub = 0;
                                for (int i = 0; i < c.headDim(); i++) {
                                    float qi = q.q()[q.at(t, l, h) + i];
                                    ub += Math.max(qi * hp.min(p, i), qi * hp.max(p, i));
                                }
                                b = Math.max(b, (float) ub);
                            }
                        }
                        best[ci][l * c.heads() + h] = b;
                    }
                }
            }
        }
        double[] scores = new double[spans.size()];
        for (int at = QUEST.denseLayers() * c.heads(); at < c.layers() * c.heads(); at++) {
            double top = Double.NEGATIVE_INFINITY;
            for (double[] b : best) {
                top = Math.max(top, b[at]);
            }
            double sum = 0;
            for (double[] b : best) {
                sum += Math.exp((b[at] - top) / Math.sqrt(c.headDim()));
            }
            for (int ci = 0; ci < spans.size(); ci++) {
                scores[ci] += Math.exp((best[ci][at] - top) / Math.sqrt(c.headDim())) / sum;
            }
        }
        return scores;
    }

    /** A dense cache that keeps the queries it is asked to attend with. */
    private static final class RecordingCache implements KvCache {
        private final KvCache inner;
        private final int layers;
        private final int qDim;
        final float[] queries; // (tokens, layers, heads * headDim)

        RecordingCache(KvCache inner, LlamaConfig c, int tokens) {
            this.inner = inner;
            this.layers = c.layers();
            this.qDim = c.heads() * c.headDim();
            this.queries = new float[tokens * layers * qDim];
        }

        @Override
        public int length() {
            return inner.length();
        }

        @Override
        public int capacity() {
            return inner.capacity();
        }

        @Override
        public void store(int layer, int pos, int n, float[] k, float[] v) {
            inner.store(layer, pos, n, k, v);
        }

        @Override
        public void attend(int layer, int pos, int n, float[] q, float[] out) {
            for (int t = 0; t < n; t++) {
                System.arraycopy(q, t * qDim, queries, ((pos + t) * layers + layer) * qDim, qDim);
            }
            inner.attend(layer, pos, n, q, out);
        }

        @Override
        public void advance(int n) {
            inner.advance(n);
        }

        @Override
        public void truncate(int len) {
            inner.truncate(len);
        }

        @Override
        public AttentionStats stats() {
            return inner.stats();
        }

        @Override
        public void close() {
            inner.close();
        }
    }
}
