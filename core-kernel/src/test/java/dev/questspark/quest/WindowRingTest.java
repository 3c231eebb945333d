package dev.questspark.quest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.questspark.kernel.Parallel;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Sliding-window layers that keep only their window ({@link WindowRing}) against the slow twin that stores every
 * token, on every kernel: the same stores (prefill blocks and single tokens, over many compactions), attends in
 * every layer (windowed prefill and decode, Quest on the global layer) give bit-identical outputs; the window layers'
 * memory stops growing with the context; truncation within the headroom continues identically, further back is
 * refused; forks and loads of a ring attend like the twin.
 */
class WindowRingTest {
    private static final boolean[] SLIDING = {true, false, true};

    @Test
    void ringAttendsLikeTheStoreEverythingTwinBitForBit() {
        // heads, kvHeads, headDim, page size, window
        int[][] shapes = {{4, 1, 64, 16, 48}, {4, 2, 32, 8, 37}};
        try (Parallel pool = new Parallel(2)) {
            for (AttentionKernel kernel : KvFixtures.kernels()) {
                for (int[] s : shapes) {
                    String what = kernel.name() + " window " + s[4] + " pages of " + s[3];
                    PagedKvCacheConfig cfg = config(s);
                    try (PagedKvCache ring = new PagedKvCache(cfg, pool, kernel);
                         PagedKvCache full = new PagedKvCache(cfg.withWindowRing(false), pool, kernel)) {
                        SplittableRandom rnd = new SplittableRandom(s[4]);
                        while (ring.length() < 500) {
                            int n = rnd.nextInt(3) == 0 ? 1 + rnd.nextInt(70) : 1;
                            step(ring, full, rnd, n, what);
                        }
                        assertTrue(ring.firstPage(0) > 0, what + ": the ring never slid");
                        long steady = ring.windowBytes();
                        for (int i = 0; i < 100; i++) { // single tokens: compactions, no growth
                            step(ring, full, rnd, 1, what);
                        }
                        assertEquals(steady, ring.windowBytes(), what + ": window memory grew with the context");
                        // window + headroom + slack + the largest block stored, whatever the context
                        long bound = 2L * cfg.kvHeads() * HeadPages.bytesFor(cfg.headDim(), s[3],
                                WindowRing.steadyPages(cfg) + (70 + s[3] - 1) / s[3] + 1);
                        assertTrue(ring.windowBytes() <= bound, what + ": window layers hold " + ring.windowBytes() + " > " + bound);
                        assertTrue(ring.allocatedBytes() < full.allocatedBytes() * 2 / 3, what + ": ring " + ring.allocatedBytes()
                                + " bytes, twin " + full.allocatedBytes());
                        assertEquals(0, full.firstPage(0));

                        int back = ring.length() - s[4] / 2; // within the headroom: continues identically
                        assertTrue(ring.resumable(back));
                        ring.truncate(back);
                        full.truncate(back);
                        for (int i = 0; i < 20; i++) {
                            step(ring, full, rnd, 1 + rnd.nextInt(3), what + " after truncate");
                        }
                        int far = ring.length() - 3 * s[4] - 200;
                        assertFalse(ring.resumable(far));
                        assertThrows(IllegalStateException.class, () -> ring.truncate(far));
                    }
                }
            }
        }
    }

    @Test
    void forksAndLoadsOfARingAttendLikeTheTwin() {
        int[] s = {4, 2, 32, 8, 37};
        PagedKvCacheConfig cfg = config(s);
        try (Parallel pool = new Parallel(2);
             PagedKvCache ring = new PagedKvCache(cfg, pool);
             PagedKvCache full = new PagedKvCache(cfg.withWindowRing(false), pool)) {
            SplittableRandom rnd = new SplittableRandom(3);
            while (ring.length() < 301) {
                step(ring, full, rnd, 1 + rnd.nextInt(40), "prefill");
            }
            try (PagedKvCache ringFork = ring.fork(pool); PagedKvCache fullFork = full.fork(pool)) {
                assertTrue(ringFork.firstPage(0) > 0);
                for (int i = 0; i < 30; i++) {
                    step(ringFork, fullFork, rnd, 1, "fork");
                }
            }
            try (PagedKvCache loaded = new PagedKvCache(cfg, pool)) {
                for (int layer = 0; layer < cfg.layers(); layer++) {
                    for (int h = 0; h < cfg.kvHeads(); h++) {
                        HeadPages hp = ring.pages(layer, h);
                        loaded.load(layer, h, ring.firstToken(layer), hp.keysView(), hp.valuesView(), ring.length());
                    }
                }
                loaded.advance(ring.length());
                for (int i = 0; i < 30; i++) {
                    step(loaded, full, rnd, 1 + rnd.nextInt(2), "loaded");
                }
            }
        }
    }

    private static PagedKvCacheConfig config(int[] s) {
        QuestConfig quest = QuestConfig.quest().withPageSize(s[3]).withTokenBudget(4 * s[3]);
        return KvFixtures.config(SLIDING.length, s[0], s[1], s[2], 4096, quest).withSlidingWindow(s[4], SLIDING);
    }

    /** Stores n random tokens in both caches, attends them in every layer, compares, and advances both. */
    private static void step(PagedKvCache a, PagedKvCache b, SplittableRandom rnd, int n, String what) {
        PagedKvCacheConfig c = a.config();
        int pos = a.length();
        int kvDim = c.kvHeads() * c.headDim();
        for (int layer = 0; layer < c.layers(); layer++) {
            float[] k = KvFixtures.random(rnd, n * kvDim, 1.5);
            float[] v = KvFixtures.random(rnd, n * kvDim, 1.0);
            a.store(layer, pos, n, k, v);
            b.store(layer, pos, n, k, v);
            float[] q = KvFixtures.random(rnd, n * c.heads() * c.headDim(), 2.0);
            float[] outA = new float[q.length];
            float[] outB = new float[q.length];
            a.attend(layer, pos, n, q, outA);
            b.attend(layer, pos, n, q, outB);
            assertArrayEquals(outB, outA, what + ": layer " + layer + " positions [" + pos + ", " + (pos + n) + ")");
        }
        a.advance(n);
        b.advance(n);
    }
}
