package dev.questspark.quest;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.questspark.kernel.Parallel;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Dense causal attention (prefill blocks and decode steps) against a plain double-precision reference. */
class DenseAttentionTest {
    /** Float accumulation over a few hundred tokens against double: errors stay near 1e-6; 1e-5 leaves room. */
    private static final double TOLERANCE = 1e-5;

    @Test
    void prefillAndDecodeMatchDoubleReference() {
        SplittableRandom rnd = new SplittableRandom(17);
        int[][] shapes = {{9, 3, 64, 16}, {4, 4, 32, 8}, {8, 1, 24, 32}, {2, 2, 128, 64}, {6, 2, 8, 16}};
        try (Parallel pool = new Parallel(2)) {
            for (AttentionKernel kernel : KvFixtures.kernels()) {
                for (int[] s : shapes) {
                    PagedKvCacheConfig cfg = KvFixtures.config(1, s[0], s[1], s[2], 512, QuestConfig.dense().withPageSize(s[3]));
                    try (PagedKvCache cache = new PagedKvCache(cfg, pool, kernel)) {
                        int context = 37 + rnd.nextInt(300);
                        KvFixtures.fill(cache, rnd, context);
                        int n = 1 + rnd.nextInt(Math.min(context, 70));
                        int pos = context - n;
                        float[] q = KvFixtures.random(rnd, n * s[0] * s[2], 1.0);
                        float[] out = new float[q.length];
                        cache.attend(0, pos, n, q, out);
                        double diff = KvFixtures.maxAbsDiff(out, KvFixtures.reference(cache, 0, pos, n, q, null));
                        assertTrue(diff < TOLERANCE, kernel.name() + " prefill shape " + java.util.Arrays.toString(s) + " diff " + diff);
                        float[] q1 = KvFixtures.random(rnd, s[0] * s[2], 2.0);
                        float[] out1 = new float[q1.length];
                        cache.attend(0, context - 1, 1, q1, out1);
                        diff = KvFixtures.maxAbsDiff(out1, KvFixtures.reference(cache, 0, context - 1, 1, q1, null));
                        assertTrue(diff < TOLERANCE, kernel.name() + " decode shape " + java.util.Arrays.toString(s) + " diff " + diff);
                    }
                }
            }
        }
    }

    @Test
    void firstTokenAttendsOnlyToItself() {
        try (Parallel pool = new Parallel(1)) {
            for (AttentionKernel kernel : KvFixtures.kernels()) {
                PagedKvCacheConfig cfg = KvFixtures.config(1, 2, 1, 8, 16, QuestConfig.quest().withPageSize(8));
                try (PagedKvCache cache = new PagedKvCache(cfg, pool, kernel)) {
                    float[] v = {1, 2, 3, 4, 5, 6, 7, 0.5f};
                    cache.store(0, 0, 1, KvFixtures.random(new SplittableRandom(2), 8, 1), v);
                    cache.advance(1);
                    float[] out = new float[16];
                    cache.attend(0, 0, 1, KvFixtures.random(new SplittableRandom(3), 16, 1), out);
                    for (int i = 0; i < 16; i++) {
                        assertTrue(out[i] == v[i % 8], kernel.name() + " channel " + i);
                    }
                }
            }
        }
    }
}
