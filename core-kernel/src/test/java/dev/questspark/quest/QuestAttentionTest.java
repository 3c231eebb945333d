package dev.questspark.quest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.questspark.kernel.Parallel;
import dev.questspark.model.AttentionStats;
import java.util.Arrays;
import java.util.Comparator;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Quest decode steps: equal to dense at full budget, attention over exactly the pages a brute-force top-k picks (the
 * sink pages, the top pages after them, the page being filled), and sink pages attended whatever their scores.
 */
class QuestAttentionTest {
    @Test
    void budgetCoveringTheContextEqualsDense() {
        SplittableRandom rnd = new SplittableRandom(23);
        try (Parallel pool = new Parallel(2)) {
            for (AttentionKernel kernel : KvFixtures.kernels()) {
                PagedKvCacheConfig cfg = KvFixtures.config(3, 8, 2, 64, 1200,
                        QuestConfig.quest().withTokenBudget(1024).withDenseLayers(0));
                try (PagedKvCache cache = new PagedKvCache(cfg, pool, kernel)) {
                    KvFixtures.fill(cache, rnd, 1000);
                    for (int layer = 0; layer < 3; layer++) {
                        float[] q = KvFixtures.random(rnd, 8 * 64, 2);
                        float[] quest = new float[q.length];
                        float[] dense = new float[q.length];
                        cache.attend(layer, 999, 1, q, quest);
                        cache.attend(layer, 999, 1, q, dense, QuestConfig.Attention.DENSE);
                        assertTrue(KvFixtures.maxAbsDiff(quest, dense) < 1e-5, kernel.name());
                    }
                }
            }
        }
    }

    @Test
    void gatherOverEveryPageEqualsDenseRange() {
        SplittableRandom rnd = new SplittableRandom(29);
        try (Parallel pool = new Parallel(1)) {
            for (AttentionKernel kernel : KvFixtures.kernels()) {
                PagedKvCacheConfig cfg = KvFixtures.config(1, 4, 1, 96, 3000, QuestConfig.quest().withPageSize(32));
                try (PagedKvCache cache = new PagedKvCache(cfg, pool, kernel)) {
                    KvFixtures.fill(cache, rnd, 2777);
                    HeadPages hp = cache.pages(0, 0);
                    int pages = (2777 + 31) / 32;
                    float[] q = KvFixtures.random(rnd, 4 * 96, 2);
                    int size = AttentionKernel.stateSize(4, 96);
                    float[] a = new float[size];
                    float[] b = new float[size];
                    kernel.attendPages(hp, 2777, null, 0, 0, pages, q, 0, 4, a, 0);
                    kernel.attendPages(hp, 2777, IntStream.range(0, pages).toArray(), 0, 0, pages, q, 0, 4, b, 0);
                    float[] outA = new float[4 * 96];
                    float[] outB = new float[4 * 96];
                    kernel.merge(a, 0, 1, 4, 96, outA, 0);
                    kernel.merge(b, 0, 1, 4, 96, outB, 0);
                    assertTrue(KvFixtures.maxAbsDiff(outA, outB) < 1e-5, kernel.name());
                }
            }
        }
    }

    /**
     * The pages each query head attends: pages [0, sinks) with sinks = min(sink-pages, budget pages - 1, candidates),
     * then the best of the pages before the recent ones by a brute-force sort of the Java kernel's scores, the recent
     * pages, then the page being filled.
     */
    private static boolean[][] expectedPages(PagedKvCache cache, int layer, int context, float[] q) {
        PagedKvCacheConfig c = cache.config();
        int p = c.quest().pageSize();
        int g = c.groupSize();
        int lastPage = (context - 1) / p;
        int sinks = Math.min(c.quest().sinkPages(), Math.min(c.quest().budgetPages() - 1, lastPage));
        int recent = Math.max(0, Math.min(c.quest().recentPages(), Math.min(c.quest().budgetPages() - 1 - sinks, lastPage - sinks)));
        int keep = c.quest().budgetPages() - 1 - sinks - recent;
        boolean shared = c.quest().gqaPolicy() == QuestConfig.GqaPolicy.SHARED;
        boolean[][] allowed = new boolean[c.heads()][lastPage + 1];
        JavaAttentionKernel java = new JavaAttentionKernel();
        for (int kv = 0; kv < c.kvHeads(); kv++) {
            float[] scores = new float[g * lastPage];
            java.score(cache.pages(layer, kv), lastPage, q, kv * g * c.headDim(), g, shared, scores, 0);
            for (int r = 0; r < g; r++) {
                int row = shared ? 0 : r;
                Integer[] idx = IntStream.range(sinks, lastPage - recent).boxed().toArray(Integer[]::new);
                Comparator<Integer> byScore = Comparator.comparingDouble(i -> scores[row * lastPage + i] + 0.0);
                Arrays.sort(idx, byScore.reversed().thenComparingInt(i -> i));
                int n = idx.length;
                int pool = c.quest().rerankFactor() == 0 || keep <= 0 || keep >= n ? 0
                        : Math.min(n, c.quest().rerankFactor() * keep);
                if (pool > 0) {
                    idx = exactlyRanked(cache.pages(layer, kv), Arrays.copyOf(idx, pool), q, (kv * g + (shared ? 0 : r)) * c.headDim(),
                            shared ? g : 1, c.headDim(), p);
                }
                for (int i = 0; i < Math.min(keep, idx.length); i++) {
                    allowed[kv * g + r][idx[i]] = true;
                }
                for (int i = 0; i < sinks; i++) {
                    allowed[kv * g + r][i] = true;
                }
                for (int i = lastPage - recent; i <= lastPage; i++) {
                    allowed[kv * g + r][i] = true;
                }
            }
        }
        return allowed;
    }

    /** The pages sorted by their exact score, the largest logit of their tokens over the rows, computed in double. */
    private static Integer[] exactlyRanked(HeadPages hp, Integer[] pages, float[] q, int qOff, int rows, int d, int p) {
        double[] exact = new double[hp.pages()];
        for (int page : pages) {
            exact[page] = Double.NEGATIVE_INFINITY;
            for (int t = page * p; t < page * p + p; t++) {
                for (int r = 0; r < rows; r++) {
                    double dot = 0;
                    for (int ch = 0; ch < d; ch++) {
                        dot += (double) q[qOff + r * d + ch] * hp.key(t, ch);
                    }
                    exact[page] = Math.max(exact[page], dot);
                }
            }
        }
        Integer[] sorted = pages.clone();
        Arrays.sort(sorted, Comparator.comparingDouble((Integer i) -> exact[i]).reversed().thenComparingInt(i -> i));
        return sorted;
    }

    /**
     * Shapes: heads, KV heads, head dim, page size, token budget, sink pages (the last: more sinks than budget pages),
     * recent pages (the last: more than the budget leaves), rerank factor (1000: every candidate ranked exactly; 0:
     * the bounds alone).
     */
    @Test
    void questAttendsExactlyTheTopPages() {
        SplittableRandom rnd = new SplittableRandom(31);
        int[][] shapes = {{9, 3, 64, 16, 256, 0, 0, 0}, {9, 3, 64, 16, 256, 1, 0, 0}, {4, 4, 32, 8, 64, 0, 0, 0},
            {4, 4, 32, 8, 64, 3, 0, 0}, {8, 1, 16, 32, 128, 1, 0, 0}, {2, 1, 128, 64, 512, 0, 0, 0}, {2, 1, 128, 64, 512, 2, 0, 0},
            {4, 2, 32, 16, 32, 5, 0, 0}, {4, 1, 32, 8, 128, 1, 4, 0}, {8, 2, 16, 16, 256, 0, 3, 0}, {4, 2, 32, 16, 64, 1, 9, 0},
            {4, 1, 40, 8, 128, 1, 2, 2}, {9, 3, 64, 16, 256, 1, 0, 3}, {4, 1, 24, 8, 64, 1, 1, 1000}, {8, 2, 16, 16, 256, 0, 0, 1000}};
        try (Parallel pool = new Parallel(2)) {
            for (AttentionKernel kernel : KvFixtures.kernels()) {
                for (QuestConfig.GqaPolicy policy : QuestConfig.GqaPolicy.values()) {
                    for (int[] s : shapes) {
                        QuestConfig quest = QuestConfig.quest().withPageSize(s[3]).withTokenBudget(s[4]).withDenseLayers(1)
                                .withGqaPolicy(policy).withSinkPages(s[5]).withRecentPages(s[6]).withRerankFactor(s[7]);
                        PagedKvCacheConfig cfg = KvFixtures.config(2, s[0], s[1], s[2], 3200, quest);
                        try (PagedKvCache cache = new PagedKvCache(cfg, pool, kernel)) {
                            int context = s[4] + 1 + rnd.nextInt(2500);
                            KvFixtures.fill(cache, rnd, context);
                            float[] q = KvFixtures.random(rnd, s[0] * s[2], 3);
                            float[] out = new float[q.length];
                            cache.attend(1, context - 1, 1, q, out);
                            double[] ref = KvFixtures.reference(cache, 1, context - 1, 1, q, expectedPages(cache, 1, context, q));
                            double diff = KvFixtures.maxAbsDiff(out, ref);
                            String what = kernel.name() + " " + policy + " " + Arrays.toString(s) + " context " + context;
                            assertTrue(diff < 1e-5, what + " diff " + diff);
                            AttentionStats step = cache.lastStepStats();
                            int units = policy == QuestConfig.GqaPolicy.SHARED ? s[1] : s[0];
                            int lastPage = (context - 1) / s[3];
                            assertEquals((long) lastPage * units, step.pagesScored(), what);
                            assertEquals((long) quest.budgetPages() * units, step.pagesSelected(), what);
                            long tokens = (long) units * ((quest.budgetPages() - 1) * s[3] + context - lastPage * s[3]);
                            assertEquals(tokens, step.tokensAttended(), what);
                            assertEquals((long) s[1] * context * s[2] * 4, step.kvBytesDense(), what);
                            if (policy == QuestConfig.GqaPolicy.SHARED && s[7] == 0) {
                                assertTrue(step.kvBytesRead() < step.kvBytesDense(), what);
                            }
                            cache.attend(0, context - 1, 1, q, out);
                            assertEquals(0, cache.lastStepStats().pagesScored(), "dense layer scores nothing");
                        }
                    }
                }
            }
        }
    }

    @Test
    void scoresBoundEveryKeyOfThePage() {
        SplittableRandom rnd = new SplittableRandom(37);
        try (Parallel pool = new Parallel(1)) {
            for (AttentionKernel kernel : KvFixtures.kernels()) {
                PagedKvCacheConfig cfg = KvFixtures.config(1, 3, 1, 40, 900, QuestConfig.quest());
                try (PagedKvCache cache = new PagedKvCache(cfg, pool, kernel)) {
                    KvFixtures.fill(cache, rnd, 800);
                    HeadPages hp = cache.pages(0, 0);
                    float[] q = KvFixtures.random(rnd, 3 * 40, 4);
                    float[] scores = new float[3 * 50];
                    kernel.score(hp, 50, q, 0, 3, false, scores, 0);
                    float[] shared = new float[50];
                    kernel.score(hp, 50, q, 0, 3, true, shared, 0);
                    for (int page = 0; page < 50; page++) {
                        float max = Float.NEGATIVE_INFINITY;
                        for (int r = 0; r < 3; r++) {
                            max = Math.max(max, scores[r * 50 + page]);
                            for (int t = page * 16; t < page * 16 + 16; t++) {
                                double dot = 0;
                                for (int ch = 0; ch < 40; ch++) {
                                    dot += (double) q[r * 40 + ch] * hp.key(t, ch);
                                }
                                assertTrue(scores[r * 50 + page] >= dot - 1e-4, kernel.name() + " page " + page);
                            }
                        }
                        assertEquals(max, shared[page], kernel.name());
                    }
                }
            }
        }
    }
}
