package dev.questspark.quest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.questspark.kernel.Parallel;
import java.util.Arrays;
import java.util.Comparator;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * A rerank's candidate score when a KV head's query heads share one selection: the group's largest logit
 * ({@link QuestConfig.RerankScore#MAX}) or each head's largest logit relative to that head's best candidate
 * ({@link QuestConfig.RerankScore#HEAD_RELATIVE}), checked against a double-precision brute force on the Java and
 * native kernels, with query heads of different scales where the two scores keep different pages.
 */
class RerankScoreTest {
    @Test
    void headRelativeKeepsEachHeadsBestPage() {
        // page 0: head 0's peak; page 1: high in head 0 only; page 2: head 1's peak, low in raw logits
        float[] headMax = {10f, 0f, 9f, 0.5f, 1f, 5f};
        float[] max = new float[3];
        float[] relative = new float[3];
        AttentionExecutor.combineHeads(headMax, 0, 2, 1, 3, 2, QuestConfig.RerankScore.MAX, max);
        AttentionExecutor.combineHeads(headMax, 0, 2, 1, 3, 2, QuestConfig.RerankScore.HEAD_RELATIVE, relative);
        assertArrayEquals(new float[] {10f, 9f, 5f}, max);
        assertArrayEquals(new float[] {0f, -1f, 0f}, relative);
    }

    /**
     * Head 0's query is 10x the other three heads', so its logits outrank theirs everywhere: the largest logit keeps
     * head 0's pages only, the head-relative score keeps the other heads' best pages too. Factors: 1000 (every candidate ranked
     * exactly) and 3 (the candidates pre-selected by their bounds).
     */
    @Test
    void selectionMatchesBruteForceAndDiffersFromTheMaxWhenHeadScalesDiffer() {
        int heads = 4;
        int d = 32;
        int page = 8;
        int budget = 64;
        try (Parallel pool = new Parallel(2)) {
            for (AttentionKernel kernel : KvFixtures.kernels()) {
                for (int factor : new int[] {1000, 3}) {
                    SplittableRandom rnd = new SplittableRandom(41);
                    int context = 700 + rnd.nextInt(300);
                    float[] q = KvFixtures.random(rnd, heads * d, 0.3);
                    for (int i = 0; i < d; i++) {
                        q[i] *= 10;
                    }
                    boolean[] byMax = null;
                    for (QuestConfig.RerankScore score : QuestConfig.RerankScore.values()) {
                        QuestConfig quest = QuestConfig.quest().withPageSize(page).withTokenBudget(budget).withDenseLayers(1)
                                .withRerankFactor(factor).withRerankScore(score);
                        try (PagedKvCache cache = new PagedKvCache(KvFixtures.config(2, heads, 1, d, 1200, quest), pool, kernel)) {
                            KvFixtures.fill(cache, new SplittableRandom(43), context);
                            boolean[] pages = expectedPages(cache, context, q, score);
                            boolean[][] allowed = new boolean[heads][];
                            Arrays.fill(allowed, pages);
                            float[] out = new float[q.length];
                            cache.attend(1, context - 1, 1, q, out);
                            double diff = KvFixtures.maxAbsDiff(out, KvFixtures.reference(cache, 1, context - 1, 1, q, allowed));
                            String what = kernel.name() + " factor " + factor + " " + score;
                            assertTrue(diff < 1e-5, what + " diff " + diff);
                            if (score == QuestConfig.RerankScore.MAX) {
                                byMax = pages;
                            } else if (factor == 1000) {
                                assertNotEquals(Arrays.toString(byMax), Arrays.toString(pages), what + ": the scores keep the same pages");
                            }
                        }
                    }
                }
            }
        }
    }

    /**
     * The pages attended: the sink page, the best budget - 2 of the pages between it and the page being filled
     * (factor x that many pre-selected by the bounds combined over the rows as the score says, then ranked by the
     * score computed in double), the page being filled.
     */
    private static boolean[] expectedPages(PagedKvCache cache, int context, float[] q, QuestConfig.RerankScore score) {
        PagedKvCacheConfig c = cache.config();
        int p = c.quest().pageSize();
        int g = c.groupSize();
        int d = c.headDim();
        int lastPage = (context - 1) / p;
        int keep = c.quest().budgetPages() - 2;
        HeadPages hp = cache.pages(1, 0);
        float[] rowBounds = new float[g * lastPage];
        new JavaAttentionKernel().score(hp, lastPage, q, 0, g, false, rowBounds, 0);
        float[] top = new float[g];
        Arrays.fill(top, score == QuestConfig.RerankScore.HEAD_RELATIVE ? Float.NEGATIVE_INFINITY : 0f);
        for (int r = 0; r < g && score == QuestConfig.RerankScore.HEAD_RELATIVE; r++) {
            for (int i = 1; i < lastPage; i++) {
                top[r] = Math.max(top[r], rowBounds[r * lastPage + i]);
            }
        }
        float[] bounds = new float[lastPage];
        for (int i = 1; i < lastPage; i++) {
            bounds[i] = Float.NEGATIVE_INFINITY;
            for (int r = 0; r < g; r++) {
                bounds[i] = Math.max(bounds[i], rowBounds[r * lastPage + i] - top[r]);
            }
        }
        Integer[] idx = IntStream.range(1, lastPage).boxed().toArray(Integer[]::new);
        Arrays.sort(idx, Comparator.comparingDouble((Integer i) -> bounds[i] + 0.0).reversed().thenComparingInt(i -> i));
        Integer[] candidates = Arrays.copyOf(idx, Math.min(idx.length, c.quest().rerankFactor() * keep));
        double[][] peak = new double[lastPage][g];
        double[] best = new double[g];
        Arrays.fill(best, Double.NEGATIVE_INFINITY);
        for (int pg : candidates) {
            for (int r = 0; r < g; r++) {
                peak[pg][r] = Double.NEGATIVE_INFINITY;
                for (int t = pg * p; t < pg * p + p; t++) {
                    double dot = 0;
                    for (int ch = 0; ch < d; ch++) {
                        dot += (double) q[r * d + ch] * hp.key(t, ch);
                    }
                    peak[pg][r] = Math.max(peak[pg][r], dot);
                }
                best[r] = Math.max(best[r], peak[pg][r]);
            }
        }
        double[] exact = new double[lastPage];
        for (int pg : candidates) {
            exact[pg] = Double.NEGATIVE_INFINITY;
            for (int r = 0; r < g; r++) {
                exact[pg] = Math.max(exact[pg], peak[pg][r] - (score == QuestConfig.RerankScore.HEAD_RELATIVE ? best[r] : 0));
            }
        }
        Arrays.sort(candidates, Comparator.comparingDouble((Integer i) -> exact[i]).reversed().thenComparingInt(i -> i));
        boolean[] allowed = new boolean[lastPage + 1];
        allowed[0] = true;
        allowed[lastPage] = true;
        for (int i = 0; i < keep; i++) {
            allowed[candidates[i]] = true;
        }
        return allowed;
    }
}
