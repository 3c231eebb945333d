package dev.questspark.quest;

import dev.questspark.kernel.Parallel;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Shared helpers of the Quest tests: kernels to test, random caches, a double-precision attention reference. */
final class KvFixtures {
    private KvFixtures() {}

    /** The Java kernel, plus the native one where the library is built. */
    static List<AttentionKernel> kernels() {
        List<AttentionKernel> list = new ArrayList<>();
        list.add(new JavaAttentionKernel());
        AttentionKernel n = AttentionKernels.nativeOrNull();
        if (n != null) {
            list.add(n);
        }
        return list;
    }

    static PagedKvCacheConfig config(int layers, int heads, int kvHeads, int headDim, int capacity, QuestConfig quest) {
        return new PagedKvCacheConfig(layers, heads, kvHeads, headDim, capacity, quest, 1L << 32);
    }

    static float[] random(SplittableRandom rnd, int n, double scale) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) ((rnd.nextDouble() * 2 - 1) * scale);
        }
        return a;
    }

    /**
     * Stores {@code tokens} random tokens in every layer of the cache in random-sized chunks (mixing prefill-like
     * bulk stores and single-token appends) and advances it.
     */
    static void fill(PagedKvCache cache, SplittableRandom rnd, int tokens) {
        PagedKvCacheConfig c = cache.config();
        int kvDim = c.kvHeads() * c.headDim();
        int pos = cache.length();
        while (pos < tokens) {
            int n = Math.min(tokens - pos, rnd.nextInt(4) == 0 ? 1 : 1 + rnd.nextInt(Math.max(1, Math.min(700, tokens / 3 + 1))));
            for (int layer = 0; layer < c.layers(); layer++) {
                cache.store(layer, pos, n, random(rnd, n * kvDim, 1.5), random(rnd, n * kvDim, 1.0));
            }
            cache.advance(n);
            pos += n;
        }
    }

    /**
     * Causal attention of n query tokens at [pos, pos + n) in double precision over the keys and values as stored
     * (binary16), restricted per query head to the pages allowed (null: all).
     */
    static double[] reference(PagedKvCache cache, int layer, int pos, int n, float[] q, boolean[][] allowedPages) {
        PagedKvCacheConfig c = cache.config();
        int d = c.headDim();
        int g = c.groupSize();
        int p = c.quest().pageSize();
        double[] out = new double[n * c.heads() * d];
        for (int t = 0; t < n; t++) {
            int limit = pos + t + 1;
            for (int h = 0; h < c.heads(); h++) {
                HeadPages hp = cache.pages(layer, h / g);
                double[] s = new double[limit];
                double max = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < limit; j++) {
                    if (allowedPages != null && !allowedPages[h][j / p]) {
                        s[j] = Double.NEGATIVE_INFINITY;
                        continue;
                    }
                    double dot = 0;
                    for (int ch = 0; ch < d; ch++) {
                        dot += (double) q[(t * c.heads() + h) * d + ch] * hp.key(j, ch);
                    }
                    s[j] = dot / Math.sqrt(d);
                    max = Math.max(max, s[j]);
                }
                double sum = 0;
                for (int j = 0; j < limit; j++) {
                    s[j] = Math.exp(s[j] - max);
                    sum += s[j];
                }
                for (int j = 0; j < limit; j++) {
                    if (s[j] == 0) {
                        continue;
                    }
                    for (int ch = 0; ch < d; ch++) {
                        out[(t * c.heads() + h) * d + ch] += s[j] / sum * hp.value(j, ch);
                    }
                }
            }
        }
        return out;
    }

    static double maxAbsDiff(float[] a, double[] b) {
        double m = 0;
        for (int i = 0; i < b.length; i++) {
            m = Math.max(m, Math.abs(a[i] - b[i]));
        }
        return m;
    }

    static double maxAbsDiff(float[] a, float[] b) {
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs(a[i] - b[i]));
        }
        return m;
    }

    static PagedKvCache cache(PagedKvCacheConfig config, Parallel pool, AttentionKernel kernel) {
        return new PagedKvCache(config, pool, kernel);
    }
}
