package dev.questspark.quest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.questspark.kernel.Parallel;
import java.util.SplittableRandom;
import dev.questspark.kernel.NativeIsa;
import org.junit.jupiter.api.Test;

/**
 * The native causal prefill kernel (query rows in vector lanes, see attention_simd.inc) against its Java twin for
 * every row count from 1 to 130 at positions that start and end inside and on page boundaries, and its outputs
 * independent of how a block of rows is split among calls (the property that makes them independent of threads).
 */
class NativePrefillAttentionTest {
    /** headDim, pageSize, group (query heads per KV head). */
    private static final int[][] SHAPES = {{64, 16, 3}, {24, 8, 1}, {8, 32, 2}, {40, 16, 5}, {128, 64, 4}};

    @Test
    void everyRowCountAgreesWithJavaTwin() {
        AttentionKernel nat = AttentionKernels.nativeOrNull();
        NativeIsa.require(NativeAttentionKernel.unavailableReason());
        JavaAttentionKernel java = new JavaAttentionKernel();
        SplittableRandom rnd = new SplittableRandom(41);
        for (int[] s : SHAPES) {
            int d = s[0], p = s[1], group = s[2];
            int context = 3 * p + 140;
            try (Parallel pool = new Parallel(1);
                    PagedKvCache cache = new PagedKvCache(KvFixtures.config(1, group, 1, d, context, QuestConfig.dense().withPageSize(p)), pool, nat)) {
                KvFixtures.fill(cache, rnd, context);
                HeadPages hp = cache.pages(0, 0);
                for (int rows = 1; rows <= 130; rows++) {
                    int tokens = (rows + group - 1) / group;
                    // Starts on, just before and just after a page boundary, and at 0.
                    int[] starts = {0, p, 2 * p - 1, p + 1 + rnd.nextInt(p)};
                    int first = starts[rows % starts.length];
                    first = Math.min(first, context - tokens);
                    int stride = group * d + 3; // a gap between tokens, as other KV heads' columns leave in the engine
                    float[] q = KvFixtures.random(rnd, tokens * stride, 2.5);
                    float[] a = new float[q.length];
                    float[] b = new float[q.length];
                    java.attendCausal(hp, q, 0, stride, tokens, group, first, a, 0, stride);
                    nat.attendCausal(hp, q, 0, stride, tokens, group, first, b, 0, stride);
                    double diff = KvFixtures.maxAbsDiff(a, b);
                    String what = "d=" + d + " p=" + p + " group=" + group + " tokens=" + tokens + " at " + first;
                    assertTrue(diff < NativeJavaAttentionTest.TOLERANCE, what + " diff " + diff);
                    for (int t = 0; t < tokens; t++) {
                        for (int c = group * d; c < stride; c++) {
                            assertTrue(b[t * stride + c] == 0, what + ": wrote into the gap after token " + t);
                        }
                    }
                }
            }
        }
    }

    @Test
    void splittingRowsAmongCallsChangesNoBit() {
        AttentionKernel nat = AttentionKernels.nativeOrNull();
        NativeIsa.require(NativeAttentionKernel.unavailableReason());
        SplittableRandom rnd = new SplittableRandom(5);
        int d = 64, p = 16, group = 3, context = 300;
        try (Parallel pool = new Parallel(1);
                PagedKvCache cache = new PagedKvCache(KvFixtures.config(1, group, 1, d, context, QuestConfig.dense().withPageSize(p)), pool, nat)) {
            KvFixtures.fill(cache, rnd, context);
            HeadPages hp = cache.pages(0, 0);
            int tokens = 45, first = 200, stride = group * d;
            float[] q = KvFixtures.random(rnd, tokens * stride, 2.5);
            float[] whole = new float[q.length];
            nat.attendCausal(hp, q, 0, stride, tokens, group, first, whole, 0, stride);
            for (int split : new int[] {1, 7, 16, 44}) {
                float[] parts = new float[q.length];
                nat.attendCausal(hp, q, 0, stride, split, group, first, parts, 0, stride);
                nat.attendCausal(hp, q, split * stride, stride, tokens - split, group, first + split, parts, split * stride, stride);
                assertArrayEquals(whole, parts, "split after " + split + " tokens");
            }
        }
    }
}
