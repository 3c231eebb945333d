package dev.questspark.quest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.questspark.kernel.NativeIsa;
import dev.questspark.kernel.Parallel;
import java.nio.ByteBuffer;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The native kernel agrees with its Java twin on random inputs: stored keys, values and page bounds bit for bit,
 * Quest scores bit for bit (so the same pages are selected), and attention outputs (dense decode, Quest decode
 * with both GQA policies and 0 to 2 sink pages, prefill) within {@link #TOLERANCE}: the kernels differ only in float summation order
 * and in exp (a polynomial in C, Math.exp in Java).
 */
class NativeJavaAttentionTest {
    static final double TOLERANCE = 2e-5;

    private record Case(int headDim, int pageSize, int group, int kvHeads, int context, int budget, int sinkPages) {}

    private static void check(Case c, SplittableRandom rnd, Parallel pool, AttentionKernel nat) {
        QuestConfig quest = QuestConfig.quest().withPageSize(c.pageSize).withTokenBudget(c.budget).withDenseLayers(0)
                .withSinkPages(c.sinkPages);
        PagedKvCacheConfig cfg = KvFixtures.config(1, c.kvHeads * c.group, c.kvHeads, c.headDim, c.context + 1, quest);
        long seed = rnd.nextLong();
        try (PagedKvCache java = new PagedKvCache(cfg, pool, new JavaAttentionKernel()); PagedKvCache fast = new PagedKvCache(cfg, pool, nat)) {
            KvFixtures.fill(java, new SplittableRandom(seed), c.context);
            KvFixtures.fill(fast, new SplittableRandom(seed), c.context);
            for (int h = 0; h < c.kvHeads; h++) {
                HeadPages a = java.pages(0, h);
                HeadPages b = fast.pages(0, h);
                assertEquals(prefix(a.keysView(), (long) c.context * c.headDim * 2), prefix(b.keysView(), (long) c.context * c.headDim * 2), c + " keys");
                assertEquals(prefix(a.valuesView(), (long) c.context * c.headDim * 2), prefix(b.valuesView(), (long) c.context * c.headDim * 2), c + " values");
                int pages = (c.context + c.pageSize - 1) / c.pageSize;
                assertEquals(prefix(a.bounds(), (long) pages * c.headDim * 4), prefix(b.bounds(), (long) pages * c.headDim * 4), c + " bounds");
                assertEquals(prefix(a.keyMinView(), (long) pages * c.headDim * 4), prefix(b.keyMinView(), (long) pages * c.headDim * 4), c + " min");
                float[] q = KvFixtures.random(rnd, c.group * c.headDim, 3);
                for (boolean shared : new boolean[] {true, false}) {
                    float[] sa = new float[c.group * pages];
                    float[] sb = new float[c.group * pages];
                    new JavaAttentionKernel().score(a, pages, q, 0, c.group, shared, sa, 0);
                    nat.score(b, pages, q, 0, c.group, shared, sb, 0);
                    for (int i = 0; i < sa.length; i++) {
                        assertTrue(sa[i] == sb[i], c + " score " + i + ": " + sa[i] + " vs " + sb[i]);
                    }
                }
            }
            int qDim = cfg.heads() * c.headDim;
            float[] q = KvFixtures.random(rnd, qDim, 3);
            for (QuestConfig.Attention mode : QuestConfig.Attention.values()) {
                float[] oa = new float[qDim];
                float[] ob = new float[qDim];
                java.attend(0, c.context - 1, 1, q, oa, mode);
                fast.attend(0, c.context - 1, 1, q, ob, mode);
                double diff = KvFixtures.maxAbsDiff(oa, ob);
                assertTrue(diff < TOLERANCE, c + " " + mode + " decode diff " + diff);
                assertEquals(java.lastStepStats().tokensAttended(), fast.lastStepStats().tokensAttended(), c + " " + mode);
            }
            int n = Math.min(c.context, 1 + rnd.nextInt(40));
            float[] qp = KvFixtures.random(rnd, n * qDim, 2);
            float[] pa = new float[qp.length];
            float[] pb = new float[qp.length];
            java.attend(0, c.context - n, n, qp, pa);
            fast.attend(0, c.context - n, n, qp, pb);
            double diff = KvFixtures.maxAbsDiff(pa, pb);
            assertTrue(diff < TOLERANCE, c + " prefill of " + n + " diff " + diff);
        }
    }

    private static ByteBuffer prefix(ByteBuffer b, long bytes) {
        ByteBuffer d = b.duplicate();
        d.position(0).limit((int) bytes);
        return d.slice();
    }

    /** Every ISA level this CPU has: each has its own core (pages narrower than a vector tile are merged in runs). */
    @ParameterizedTest(name = "isa {0}")
    @MethodSource("dev.questspark.kernel.NativeIsa#levels")
    void agreeOnRandomShapes(int isa) {
        AttentionKernel nat = AttentionKernels.nativeOrNull();
        NativeIsa.require(NativeAttentionKernel.unavailableReason());
        NativeIsa.force(isa);
        int[] dims = {8, 16, 24, 40, 64, 80, 96, 128, 200, 256};
        int[] pageSizes = {8, 16, 32, 64};
        SplittableRandom rnd = new SplittableRandom(53);
        try (Parallel pool = new Parallel(2)) {
            for (int i = 0; i < 48; i++) {
                int d = dims[i % dims.length];
                int p = pageSizes[(i / 3) % pageSizes.length];
                int group = 1 + i % 8;
                int kvHeads = 1 + rnd.nextInt(d >= 128 ? 1 : 2);
                int context = i < 4 ? 1 + i : 1 + rnd.nextInt(i % 5 == 0 ? 6000 : 1500);
                int budget = 2 * p * (1 + rnd.nextInt(12));
                check(new Case(d, p, group, kvHeads, context, budget, i % 3), rnd, pool, nat);
            }
        } finally {
            NativeIsa.force(NativeIsa.best());
        }
    }

    /**
     * Many query rows at once (a shared-document batch scores every sequence's rows in one call): from 6 rows at head
     * dims up to 64 the AVX-512 kernel scores 16 pages at a time from transposed bounds, and below 6 rows at head dims
     * of 16 to 64 (multiples of 16) it reduces 16 pages' lane sums at once; scores stay bit for bit the Java twin's, with page counts and first pages off any multiple of 16, zero and negative-zero queries, and keys
     * beyond binary16's range (infinite bounds); so are the maxima over groups of rows (one per sequence's KV head).
     */
    @ParameterizedTest(name = "isa {0}")
    @MethodSource("dev.questspark.kernel.NativeIsa#levels")
    void scoresOfManyRowsAgree(int isa) {
        AttentionKernel nat = AttentionKernels.nativeOrNull();
        NativeIsa.require(NativeAttentionKernel.unavailableReason());
        NativeIsa.force(isa);
        SplittableRandom rnd = new SplittableRandom(61);
        try (Parallel pool = new Parallel(1)) {
            for (int d : new int[] {16, 40, 64, 80}) {
                int context = 8 * 157 + 3;
                QuestConfig quest = QuestConfig.quest().withPageSize(8).withDenseLayers(0);
                PagedKvCacheConfig cfg = KvFixtures.config(1, 1, 1, d, context + 1, quest);
                try (PagedKvCache java = new PagedKvCache(cfg, pool, new JavaAttentionKernel());
                        PagedKvCache fast = new PagedKvCache(cfg, pool, nat)) {
                    float[] k = KvFixtures.random(rnd, context * d, 2);
                    float[] v = KvFixtures.random(rnd, context * d, 1);
                    for (int i = 0; i < k.length; i += 1 + rnd.nextInt(97)) {
                        k[i] = rnd.nextBoolean() ? 1e6f : -1e6f; // stored as an infinite binary16
                    }
                    for (PagedKvCache cache : new PagedKvCache[] {java, fast}) {
                        cache.store(0, 0, context, k, v);
                        cache.advance(context);
                    }
                    int pages = context / 8;
                    for (int rows : new int[] {1, 2, 3, 4, 5, 6, 7, 16, 24, 33}) {
                        float[] q = KvFixtures.random(rnd, rows * d, 3);
                        for (int i = 0; i < q.length; i += 1 + rnd.nextInt(13)) {
                            q[i] = rnd.nextBoolean() ? 0f : -0f;
                        }
                        for (int first : new int[] {0, 5, 37}) {
                            int count = pages - first - rnd.nextInt(20);
                            for (boolean max : new boolean[] {true, false}) {
                                float[] sa = new float[rows * count];
                                float[] sb = new float[rows * count];
                                new JavaAttentionKernel().score(java.pages(0, 0), first, count, q, 0, rows, max, sa, 0);
                                nat.score(fast.pages(0, 0), first, count, q, 0, rows, max, sb, 0);
                                for (int i = 0; i < sa.length; i++) {
                                    assertEquals(Float.floatToIntBits(sa[i]), Float.floatToIntBits(sb[i]),
                                            "d " + d + ", " + rows + " rows, pages from " + first + ", max " + max + ": score " + i
                                                    + ": " + sa[i] + " vs " + sb[i]);
                                }
                            }
                            for (int group : new int[] {1, 3}) {
                                if (rows % group != 0) {
                                    continue;
                                }
                                float[] sa = new float[rows / group * count];
                                float[] sb = new float[rows / group * count];
                                new JavaAttentionKernel().scoreGroups(java.pages(0, 0), first, count, q, 0, rows, group, sa, 0);
                                nat.scoreGroups(fast.pages(0, 0), first, count, q, 0, rows, group, sb, 0);
                                for (int i = 0; i < sa.length; i++) {
                                    assertEquals(Float.floatToIntBits(sa[i]), Float.floatToIntBits(sb[i]),
                                            "d " + d + ", " + rows + " rows in groups of " + group + ", pages from " + first
                                                    + ": score " + i + ": " + sa[i] + " vs " + sb[i]);
                                }
                            }
                        }
                    }
                }
            }
        } finally {
            NativeIsa.force(NativeIsa.best());
        }
    }

    /**
     * The per-row page maxima of exact logits a rerank scores pages with: bit for bit the Java twin's at every ISA
     * level, for head dims on and off a multiple of 16, 1 to 5 query rows (zero and negative-zero entries among them),
     * pages of 8 and 16 and any ascending page ids; and within 1e-4 of the largest double-precision dot product.
     */
    @ParameterizedTest(name = "isa {0}")
    @MethodSource("dev.questspark.kernel.NativeIsa#levels")
    void pageMaxLogitsAgree(int isa) {
        NativeIsa.require(NativeAttentionKernel.unavailableReason());
        NativeIsa.force(isa);
        try (Parallel pool = new Parallel(1)) {
            SplittableRandom rnd = new SplittableRandom(67);
            for (int d : new int[] {8, 40, 64, 256}) {
                checkPageMaxLogits(AttentionKernels.nativeOrNull(), pool, rnd, d, 8);
                checkPageMaxLogits(AttentionKernels.nativeOrNull(), pool, rnd, d, 16);
            }
        } finally {
            NativeIsa.force(NativeIsa.best());
        }
    }

    private static void checkPageMaxLogits(AttentionKernel nat, Parallel pool, SplittableRandom rnd, int d, int p) {
        int context = p * 40 + 5;
        PagedKvCacheConfig cfg = KvFixtures.config(1, 1, 1, d, context + 1, QuestConfig.quest().withPageSize(p));
        try (PagedKvCache java = new PagedKvCache(cfg, pool, new JavaAttentionKernel()); PagedKvCache fast = new PagedKvCache(cfg, pool, nat)) {
            long seed = rnd.nextLong();
            KvFixtures.fill(java, new SplittableRandom(seed), context);
            KvFixtures.fill(fast, new SplittableRandom(seed), context);
            int[] ids = rnd.ints(0, context / p).distinct().limit(1 + rnd.nextInt(12)).sorted().toArray();
            for (int rows = 1; rows <= 5; rows++) {
                float[] q = KvFixtures.random(rnd, rows * d + 3, 3);
                q[4] = -0f;
                q[5] = 0f;
                float[] a = new float[rows * ids.length + 3];
                float[] b = new float[a.length];
                a[a.length - 1] = b[b.length - 1] = 42f;
                new JavaAttentionKernel().pageMaxLogits(java.pages(0, 0), ids, 0, ids.length, q, 3, rows, a, 2);
                nat.pageMaxLogits(fast.pages(0, 0), ids, 0, ids.length, q, 3, rows, b, 2);
                String what = "d " + d + ", pages of " + p + ", " + rows + " rows";
                for (int i = 0; i < a.length; i++) {
                    assertEquals(Float.floatToIntBits(a[i]), Float.floatToIntBits(b[i]), what + ": max " + i);
                }
                assertEquals(42f, b[b.length - 1], what + ": past the last page's maxima");
                int r = rows - 1;
                int page = ids.length - 1;
                double best = Double.NEGATIVE_INFINITY;
                for (int t = 0; t < p; t++) {
                    double dot = 0;
                    for (int c = 0; c < d; c++) {
                        dot += (double) q[3 + r * d + c] * java.pages(0, 0).key(ids[page] * p + t, c);
                    }
                    best = Math.max(best, dot);
                }
                assertEquals(best, a[2 + page * rows + r], 1e-4, what);
            }
        }
    }

    @Test
    void agreeAt64kTokens() {
        AttentionKernel nat = AttentionKernels.nativeOrNull();
        NativeIsa.require(NativeAttentionKernel.unavailableReason());
        try (Parallel pool = new Parallel(2)) {
            check(new Case(64, 16, 3, 1, 65536, 2048, QuestConfig.DEFAULT_SINK_PAGES), new SplittableRandom(59), pool, nat);
        }
    }
}
