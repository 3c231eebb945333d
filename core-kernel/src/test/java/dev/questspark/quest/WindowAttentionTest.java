package dev.questspark.quest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.questspark.kernel.Parallel;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Sliding-window layers (Gemma 3's local layers) against a double-precision reference that attends exactly the last
 * window positions, on every kernel: windows that start inside a page and on a page boundary, prefill blocks that
 * cross the window, decode steps, and a global layer of the same cache, which keeps attending everything.
 */
class WindowAttentionTest {
    private static final double TOLERANCE = 1e-5;

    @Test
    void slidingLayersAttendExactlyTheirWindow() {
        SplittableRandom rnd = new SplittableRandom(5);
        // heads, kvHeads, headDim, page size, window
        int[][] shapes = {{4, 1, 64, 16, 48}, {4, 2, 32, 8, 37}, {2, 1, 16, 16, 16}, {6, 3, 24, 32, 100}};
        try (Parallel pool = new Parallel(2)) {
            for (AttentionKernel kernel : KvFixtures.kernels()) {
                for (int[] s : shapes) {
                    QuestConfig quest = QuestConfig.quest().withPageSize(s[3]);
                    PagedKvCacheConfig cfg = KvFixtures.config(2, s[0], s[1], s[2], 512, quest)
                            .withSlidingWindow(s[4], new boolean[] {true, false}).withWindowRing(false); // attends back past the headroom
                    String what = kernel.name() + " shape " + Arrays.toString(s);
                    try (PagedKvCache cache = new PagedKvCache(cfg, pool, kernel)) {
                        int context = s[4] + 40 + rnd.nextInt(200);
                        KvFixtures.fill(cache, rnd, context);
                        int n = Math.min(context, s[4] + 1 + rnd.nextInt(60)); // a block reaching back past the window
                        int pos = context - n;
                        float[] q = KvFixtures.random(rnd, n * s[0] * s[2], 1.0);
                        float[] out = new float[q.length];
                        cache.attend(0, pos, n, q, out);
                        double diff = KvFixtures.maxAbsDiff(out, reference(cache, 0, pos, n, q, s[4]));
                        assertTrue(diff < TOLERANCE, what + " windowed prefill diff " + diff);
                        for (int step = 0; step < 3; step++) {
                            int t = context - 1 - step * 7;
                            float[] q1 = KvFixtures.random(rnd, s[0] * s[2], 2.0);
                            float[] out1 = new float[q1.length];
                            cache.attend(0, t, 1, q1, out1, QuestConfig.Attention.QUEST);
                            diff = KvFixtures.maxAbsDiff(out1, reference(cache, 0, t, 1, q1, s[4]));
                            assertTrue(diff < TOLERANCE, what + " windowed decode at " + t + " diff " + diff);
                        }
                        cache.attend(1, pos, n, q, out);
                        diff = KvFixtures.maxAbsDiff(out, KvFixtures.reference(cache, 1, pos, n, q, null));
                        assertTrue(diff < TOLERANCE, what + " global layer diff " + diff);
                    }
                }
            }
        }
    }

    @Test
    void aLoneDecodeTokenSplitOverTwoThreadsGivesWhatOneThreadAndAPrefillRowGive() {
        // a decode token's window halves run on two threads (its fast path) or one after the other (one thread, and
        // every row of a prefill block): the same partial states and merge, so the same bits
        int[][] shapes = {{4, 1, 256, 16, 512}, {4, 2, 32, 8, 37}, {2, 1, 16, 16, 16}, {6, 3, 24, 32, 100}};
        for (AttentionKernel kernel : KvFixtures.kernels()) {
            for (int[] s : shapes) {
                QuestConfig quest = QuestConfig.quest().withPageSize(s[3]);
                PagedKvCacheConfig cfg = KvFixtures.config(1, s[0], s[1], s[2], 1024, quest)
                        .withSlidingWindow(s[4], new boolean[] {true});
                String what = kernel.name() + " shape " + Arrays.toString(s);
                int context = s[4] + 3 * s[3] + 5;
                try (Parallel one = new Parallel(1); Parallel two = new Parallel(2);
                     PagedKvCache a = new PagedKvCache(cfg, one, kernel); PagedKvCache b = new PagedKvCache(cfg, two, kernel)) {
                    KvFixtures.fill(a, new SplittableRandom(3), context);
                    KvFixtures.fill(b, new SplittableRandom(3), context);
                    SplittableRandom rnd = new SplittableRandom(11);
                    int rowLen = s[0] * s[2];
                    for (int t = context - s[3] - 1; t < context; t++) {
                        float[] q = KvFixtures.random(rnd, 4 * rowLen, 2.0);
                        float[] block = new float[q.length];
                        a.attend(0, t - 3, 4, q, block); // a prefill block whose last row is token t
                        float[] q1 = Arrays.copyOfRange(q, 3 * rowLen, 4 * rowLen);
                        float[] split = new float[rowLen];
                        float[] serial = new float[rowLen];
                        b.attend(0, t, 1, q1, split, QuestConfig.Attention.QUEST);
                        a.attend(0, t, 1, q1, serial, QuestConfig.Attention.QUEST);
                        assertArrayEquals(serial, split, what + " decode at " + t + ": two threads vs one");
                        assertArrayEquals(Arrays.copyOfRange(block, 3 * rowLen, 4 * rowLen), split,
                                what + " decode at " + t + ": vs the prefill block's row");
                    }
                }
            }
        }
    }

    @Test
    void theWindowsHeadTokensAreAttendedAsTheJavaKernelAttendsAPage() {
        // the window's tokens before its first whole page are attended in Java: over the tokens of one page (whole, or
        // up to a context inside it) that state must be the Java kernel's attendPages state of the page, bit for bit
        SplittableRandom rnd = new SplittableRandom(9);
        int group = 4;
        int d = 256; // Gemma 3's head dim
        int p = 16;
        try (Parallel pool = new Parallel(1)) {
            PagedKvCacheConfig cfg = KvFixtures.config(1, group, 1, d, 256, QuestConfig.quest().withPageSize(p));
            try (PagedKvCache cache = new PagedKvCache(cfg, pool, new JavaAttentionKernel())) {
                KvFixtures.fill(cache, rnd, 100);
                HeadPages hp = cache.pages(0, 0);
                WindowAttention w = new WindowAttention(new JavaAttentionKernel(), 48, group, d);
                int size = AttentionKernel.stateSize(group, d);
                float[] q = KvFixtures.random(rnd, group * d, 2.0);
                for (int[] range : new int[][] {{16, 32}, {48, 61}, {96, 97}, {0, 16}}) {
                    float[] mine = new float[size];
                    float[] kernel = new float[size];
                    w.attendTokens(hp, range[0], range[1], q, 0, mine, 0);
                    new JavaAttentionKernel().attendPages(hp, range[1], null, 0, range[0] / p, 1, q, 0, group, kernel, 0);
                    assertArrayEquals(kernel, mine, "tokens " + Arrays.toString(range));
                }
            }
        }
    }

    /** Softmax attention of query token t (at pos + i) over positions [t - window + 1, t], in double. */
    private static double[] reference(PagedKvCache cache, int layer, int pos, int n, float[] q, int window) {
        PagedKvCacheConfig c = cache.config();
        int d = c.headDim();
        int g = c.groupSize();
        double[] out = new double[n * c.heads() * d];
        for (int i = 0; i < n; i++) {
            int t = pos + i;
            int from = Math.max(0, t - window + 1);
            for (int h = 0; h < c.heads(); h++) {
                HeadPages hp = cache.pages(layer, h / g);
                double[] s = new double[t + 1 - from];
                double max = Double.NEGATIVE_INFINITY;
                for (int j = from; j <= t; j++) {
                    double dot = 0;
                    for (int ch = 0; ch < d; ch++) {
                        dot += (double) q[(i * c.heads() + h) * d + ch] * hp.key(j, ch);
                    }
                    s[j - from] = dot / Math.sqrt(d);
                    max = Math.max(max, s[j - from]);
                }
                double sum = 0;
                for (int j = 0; j < s.length; j++) {
                    s[j] = Math.exp(s[j] - max);
                    sum += s[j];
                }
                for (int j = from; j <= t; j++) {
                    for (int ch = 0; ch < d; ch++) {
                        out[(i * c.heads() + h) * d + ch] += s[j - from] / sum * hp.value(j, ch);
                    }
                }
            }
        }
        return out;
    }
}
