package dev.questspark.quest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.questspark.kernel.Parallel;
import dev.questspark.model.AttentionStats;
import org.junit.jupiter.api.Test;

/**
 * Sink pages are attended whatever their scores. The cache is built so that the paper's selection drops page 0: its
 * keys give the query a moderate logit on every token, while every later page holds one token with a higher logit
 * (a higher upper bound) among tokens with very low ones. Page 0 still carries a large share of the softmax mass, and
 * only it holds nonzero values, so the output shows whether it was attended.
 */
class QuestSinkPagesTest {
    private static final int HEAD_DIM = 8;
    private static final int PAGE = 8;
    private static final int CONTEXT = 76; // pages 0..8 full, page 9 being filled

    /** Keys: channel 0 only (2 on page 0, one 3 per later page, -10 elsewhere); values: 1 on page 0, 0 elsewhere. */
    private static void fill(PagedKvCache cache) {
        float[] k = new float[CONTEXT * HEAD_DIM];
        float[] v = new float[CONTEXT * HEAD_DIM];
        for (int t = 0; t < CONTEXT; t++) {
            int page = t / PAGE;
            boolean sink = page == 0;
            k[t * HEAD_DIM] = sink ? 2f : t % PAGE == 3 && page < CONTEXT / PAGE ? 3f : -10f;
            for (int ch = 0; ch < HEAD_DIM; ch++) {
                v[t * HEAD_DIM + ch] = sink ? 1f : 0f;
            }
        }
        cache.store(0, 0, CONTEXT, k, v);
        cache.advance(CONTEXT);
    }

    private static boolean[][] pages(int heads, int... ids) {
        boolean[][] allowed = new boolean[heads][CONTEXT / PAGE + 1];
        for (boolean[] row : allowed) {
            for (int id : ids) {
                row[id] = true;
            }
        }
        return allowed;
    }

    private static void check(AttentionKernel kernel, Parallel pool, QuestConfig quest, int[] expected, String what) {
        int heads = 2;
        try (PagedKvCache cache = new PagedKvCache(KvFixtures.config(1, heads, 1, HEAD_DIM, CONTEXT, quest), pool, kernel)) {
            fill(cache);
            float[] q = new float[heads * HEAD_DIM];
            q[0] = 4f;
            q[HEAD_DIM] = 4f;
            float[] out = new float[q.length];
            cache.attend(0, CONTEXT - 1, 1, q, out);
            double[] ref = KvFixtures.reference(cache, 0, CONTEXT - 1, 1, q, pages(heads, expected));
            double diff = KvFixtures.maxAbsDiff(out, ref);
            assertTrue(diff < 1e-5, what + " diff " + diff);
            AttentionStats step = cache.lastStepStats();
            int units = quest.gqaPolicy() == QuestConfig.GqaPolicy.SHARED ? 1 : heads;
            assertEquals((long) expected.length * units, step.pagesSelected(), what);
            assertEquals((long) units * ((expected.length - 1) * PAGE + CONTEXT % PAGE), step.tokensAttended(), what);
        }
    }

    @Test
    void sinkPagesAreAttendedWhateverTheirScores() {
        try (Parallel pool = new Parallel(2)) {
            for (AttentionKernel kernel : KvFixtures.kernels()) {
                for (QuestConfig.GqaPolicy policy : QuestConfig.GqaPolicy.values()) {
                    QuestConfig quest = QuestConfig.quest().withPageSize(PAGE).withTokenBudget(4 * PAGE).withDenseLayers(0)
                            .withGqaPolicy(policy);
                    String what = kernel.name() + " " + policy;
                    // equal upper bounds on pages 1..8: ties go to the lower pages
                    check(kernel, pool, quest.withSinkPages(0), new int[] {1, 2, 3, 9}, what + " paper");
                    check(kernel, pool, quest, new int[] {0, 1, 2, 9}, what + " default sink");
                    check(kernel, pool, quest.withSinkPages(2), new int[] {0, 1, 2, 9}, what + " two sinks");
                    check(kernel, pool, quest.withSinkPages(3), new int[] {0, 1, 2, 9}, what + " sinks fill the budget");
                    check(kernel, pool, quest.withSinkPages(40), new int[] {0, 1, 2, 9}, what + " more sinks than pages");
                    check(kernel, pool, quest.withTokenBudget(2 * PAGE), new int[] {0, 9}, what + " sink and current page");
                    check(kernel, pool, quest.withTokenBudget(2 * PAGE).withSinkPages(0), new int[] {1, 9}, what + " paper, two pages");
                }
            }
        }
    }

    @Test
    void droppingTheSinkLosesItsAttentionMass() {
        try (Parallel pool = new Parallel(1)) {
            QuestConfig quest = QuestConfig.quest().withPageSize(PAGE).withTokenBudget(4 * PAGE).withDenseLayers(0);
            float[] paper = attend(pool, quest.withSinkPages(0));
            float[] sink = attend(pool, quest);
            // page 0 holds the only nonzero values: without it the output is exactly zero; with it, page 0 has about
            // half the mass (8 tokens at logit 2 x 4 / sqrt(8) against 2 at 3 x 4 / sqrt(8))
            assertEquals(0f, paper[0]);
            assertTrue(sink[0] > 0.4f, "sink " + sink[0]);
        }
    }

    private static float[] attend(Parallel pool, QuestConfig quest) {
        try (PagedKvCache cache = new PagedKvCache(KvFixtures.config(1, 1, 1, HEAD_DIM, CONTEXT, quest), pool, new JavaAttentionKernel())) {
            fill(cache);
            float[] q = new float[HEAD_DIM];
            q[0] = 4f;
            float[] out = new float[HEAD_DIM];
            cache.attend(0, CONTEXT - 1, 1, q, out);
            return out;
        }
    }
}
