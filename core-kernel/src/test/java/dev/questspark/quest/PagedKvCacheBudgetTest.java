package dev.questspark.quest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.questspark.kernel.Parallel;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The memory budget counts the storage a cache has actually allocated, which grows with the sequence: a short
 * document fits a small budget, a long one fails with a clear error before anything is written, and one budget
 * can cover several caches (an executor's batch).
 */
class PagedKvCacheBudgetTest {
    private static final PagedKvCacheConfig SMOLLM2 = new PagedKvCacheConfig(30, 9, 3, 64, 8192, QuestConfig.quest(), 16L << 20);

    private static void store(PagedKvCache cache, SplittableRandom rnd, int n) {
        PagedKvCacheConfig c = cache.config();
        int kvDim = c.kvHeads() * c.headDim();
        for (int layer = 0; layer < c.layers(); layer++) {
            cache.store(layer, cache.length(), n, KvFixtures.random(rnd, n * kvDim, 1), KvFixtures.random(rnd, n * kvDim, 1));
        }
        cache.advance(n);
    }

    @Test
    void shortDocumentFitsASmallBudget() {
        // 16 MiB cannot hold the 8192-token context (about 200 MiB), but a 15-token document needs one page per head.
        assertTrue(PagedKvCache.bytesRequired(SMOLLM2) > SMOLLM2.memoryBudgetBytes());
        try (Parallel pool = new Parallel(1); PagedKvCache cache = new PagedKvCache(SMOLLM2, pool, new JavaAttentionKernel())) {
            store(cache, new SplittableRandom(1), 15);
            assertEquals(15, cache.length());
            assertTrue(cache.allocatedBytes() <= SMOLLM2.memoryBudgetBytes(), "allocated " + cache.allocatedBytes());
            assertEquals(cache.allocatedBytes(), cache.budget().used());
            float[] out = new float[9 * 64];
            cache.attend(29, 14, 1, KvFixtures.random(new SplittableRandom(2), 9 * 64, 1), out);
        }
    }

    @Test
    void longDocumentFailsWithAClearMessageAndTheCacheStaysUsable() {
        try (Parallel pool = new Parallel(1); PagedKvCache cache = new PagedKvCache(SMOLLM2, pool, new JavaAttentionKernel())) {
            SplittableRandom rnd = new SplittableRandom(3);
            store(cache, rnd, 200);
            KvCacheBudgetException e = assertThrows(KvCacheBudgetException.class, () -> {
                for (int i = 0; i < 100; i++) {
                    store(cache, rnd, 64);
                }
            });
            assertTrue(e.getMessage().contains("kv-memory-budget"), e.getMessage());
            assertTrue(e.getMessage().contains("more bytes"), e.getMessage());
            assertTrue(e.tokensAllowed() >= cache.length() && e.tokensAllowed() < e.tokensRequested(), e.getMessage());
            assertTrue(cache.budget().used() <= SMOLLM2.memoryBudgetBytes());
            // the failed store wrote nothing: the cache goes on from its last committed length
            int length = cache.length();
            cache.truncate(length);
            store(cache, rnd, 1);
            assertEquals(length + 1, cache.length());
        }
    }

    @Test
    void claimingMoreThanTheBudgetFailsBeforeAllocating() {
        PagedKvCacheConfig cfg = new PagedKvCacheConfig(32, 32, 32, 128, 1 << 20, QuestConfig.quest(), 1L << 30);
        try (Parallel pool = new Parallel(1); PagedKvCache cache = new PagedKvCache(cfg, pool, new JavaAttentionKernel())) {
            long before = cache.budget().used();
            KvCacheBudgetException e = assertThrows(KvCacheBudgetException.class, () -> cache.ensureCapacity(1 << 20));
            assertTrue(e.getMessage().contains("1048576 tokens"), e.getMessage());
            assertEquals(before, cache.budget().used());
            assertEquals(0, cache.allocatedTokens());
        }
    }

    @Test
    void oneBudgetCoversSeveralCaches() {
        KvMemoryBudget budget = new KvMemoryBudget(SMOLLM2.memoryBudgetBytes());
        try (Parallel pool = new Parallel(1)) {
            PagedKvCache a = new PagedKvCache(SMOLLM2, pool, new JavaAttentionKernel(), budget);
            PagedKvCache b = new PagedKvCache(SMOLLM2, pool, new JavaAttentionKernel(), budget);
            long third = PagedKvCache.tokensWithinBudget(SMOLLM2) / 3;
            a.ensureCapacity((int) third * 2);
            assertThrows(KvCacheBudgetException.class, () -> b.ensureCapacity((int) third * 2));
            b.ensureCapacity((int) third / 2);
            assertEquals(a.allocatedBytes() + b.allocatedBytes(), budget.used());
            a.close();
            b.ensureCapacity((int) third * 2);
            b.truncate(0); // an emptied cache gives its storage back
            assertTrue(b.allocatedBytes() <= 90 * HeadPages.ALIGN, "after truncate(0): " + b.allocatedBytes());
            b.close();
            assertEquals(0, budget.used());
        }
    }

    @Test
    void documentLongerThanCapacityIsRejected() {
        PagedKvCacheConfig cfg = KvFixtures.config(1, 2, 1, 8, 40, QuestConfig.quest().withPageSize(8));
        try (Parallel pool = new Parallel(1); PagedKvCache cache = new PagedKvCache(cfg, pool, new JavaAttentionKernel())) {
            KvFixtures.fill(cache, new SplittableRandom(1), 30);
            KvCacheBudgetException e = assertThrows(KvCacheBudgetException.class,
                    () -> cache.store(0, 30, 11, new float[88], new float[88]));
            assertTrue(e.getMessage().contains("capacity of 40 tokens"), e.getMessage());
            assertEquals(30, cache.length());
        }
    }

    /** A cache grown page by page stores and attends exactly like one allocated for the whole context up front. */
    @Test
    void growthKeepsOutputsBitIdentical() {
        QuestConfig quest = QuestConfig.quest().withPageSize(8).withTokenBudget(64).withDenseLayers(0);
        PagedKvCacheConfig cfg = KvFixtures.config(2, 6, 2, 32, 2000, quest);
        for (AttentionKernel kernel : KvFixtures.kernels()) {
            try (Parallel pool = new Parallel(2); PagedKvCache grown = new PagedKvCache(cfg, pool, kernel);
                    PagedKvCache whole = new PagedKvCache(cfg, pool, kernel)) {
                whole.ensureCapacity(cfg.capacity());
                KvFixtures.fill(grown, new SplittableRandom(7), 650);
                KvFixtures.fill(whole, new SplittableRandom(7), 650);
                assertTrue(grown.allocatedTokens() < whole.allocatedTokens());
                SplittableRandom rnd = new SplittableRandom(8);
                int qDim = cfg.heads() * cfg.headDim();
                for (QuestConfig.Attention mode : QuestConfig.Attention.values()) {
                    float[] q = KvFixtures.random(rnd, qDim, 2);
                    float[] a = new float[qDim];
                    float[] b = new float[qDim];
                    grown.attend(1, 649, 1, q, a, mode);
                    whole.attend(1, 649, 1, q, b, mode);
                    assertArrayEquals(b, a, kernel.name() + " " + mode);
                }
                float[] q = KvFixtures.random(rnd, 20 * qDim, 2);
                float[] a = new float[q.length];
                float[] b = new float[q.length];
                grown.attend(0, 630, 20, q, a);
                whole.attend(0, 630, 20, q, b);
                assertArrayEquals(b, a, kernel.name() + " prefill");
                for (int page = 0; page < 650 / 8; page++) {
                    for (int c = 0; c < 32; c++) {
                        assertEquals(whole.pages(1, 1).min(page, c), grown.pages(1, 1).min(page, c));
                    }
                }
            }
        }
    }
}
