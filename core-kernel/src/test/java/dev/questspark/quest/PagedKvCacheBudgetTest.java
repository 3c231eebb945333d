package dev.questspark.quest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.questspark.kernel.Parallel;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The memory budget is a hard limit with a clear error, raised before anything is allocated. */
class PagedKvCacheBudgetTest {
    @Test
    void budgetTooSmallNamesTokensAndSetting() {
        PagedKvCacheConfig cfg = new PagedKvCacheConfig(30, 9, 3, 64, 8192, QuestConfig.quest(), 64L << 20);
        try (Parallel pool = new Parallel(1)) {
            KvCacheBudgetException e = assertThrows(KvCacheBudgetException.class, () -> new PagedKvCache(cfg, pool, new JavaAttentionKernel()));
            assertTrue(e.getMessage().contains("8192 tokens"), e.getMessage());
            assertTrue(e.getMessage().contains("kv-memory-budget"), e.getMessage());
            assertEquals(8192, e.tokensRequested());
            assertTrue(e.tokensAllowed() > 2000 && e.tokensAllowed() < 8192, "allowed " + e.tokensAllowed());
            PagedKvCacheConfig fits = cfg.withCapacity((int) e.tokensAllowed());
            assertTrue(PagedKvCache.bytesRequired(fits) <= fits.memoryBudgetBytes());
        }
    }

    @Test
    void hugeRequestFailsBeforeAllocating() {
        PagedKvCacheConfig cfg = new PagedKvCacheConfig(32, 32, 32, 128, 1 << 20, QuestConfig.quest(), 1L << 30);
        try (Parallel pool = new Parallel(1)) {
            KvCacheBudgetException e = assertThrows(KvCacheBudgetException.class, () -> new PagedKvCache(cfg, pool, new JavaAttentionKernel()));
            assertTrue(e.getMessage().contains("1048576 tokens"), e.getMessage());
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
}
