package dev.questspark.quest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.questspark.kernel.Parallel;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Outputs are bit-identical for 1, 2 and 3 threads (prefill, dense decode, Quest decode with both GQA policies). The
 * shape (8 KV heads, 2100 tokens: two dense segments per head) makes the dense and gather phases large enough to run
 * on the pool.
 */
class AttentionDeterminismTest {
    private static float[][] run(AttentionKernel kernel, int threads, QuestConfig quest) {
        SplittableRandom rnd = new SplittableRandom(41);
        PagedKvCacheConfig cfg = KvFixtures.config(2, 16, 8, 64, 2200, quest);
        try (Parallel pool = new Parallel(threads); PagedKvCache cache = new PagedKvCache(cfg, pool, kernel)) {
            KvFixtures.fill(cache, rnd, 2100);
            float[] qp = KvFixtures.random(rnd, 40 * 16 * 64, 2);
            float[] prefill = new float[qp.length];
            cache.attend(1, 2060, 40, qp, prefill);
            float[] q = KvFixtures.random(rnd, 16 * 64, 2);
            float[] decode = new float[q.length];
            cache.attend(1, 2099, 1, q, decode);
            float[] dense = new float[q.length];
            cache.attend(1, 2099, 1, q, dense, QuestConfig.Attention.DENSE);
            return new float[][] {prefill, decode, dense};
        }
    }

    @Test
    void threadCountDoesNotChangeOutputs() {
        for (AttentionKernel kernel : KvFixtures.kernels()) {
            for (QuestConfig.GqaPolicy policy : QuestConfig.GqaPolicy.values()) {
                QuestConfig quest = QuestConfig.quest().withTokenBudget(1024).withGqaPolicy(policy).withDenseLayers(1);
                float[][] one = run(kernel, 1, quest);
                for (int threads = 2; threads <= 3; threads++) {
                    float[][] many = run(kernel, threads, quest);
                    for (int i = 0; i < one.length; i++) {
                        assertArrayEquals(one[i], many[i], kernel.name() + " " + policy + " threads " + threads + " output " + i);
                    }
                }
            }
        }
    }
}
