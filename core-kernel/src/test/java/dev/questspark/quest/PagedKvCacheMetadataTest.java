package dev.questspark.quest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.questspark.kernel.Float16;
import dev.questspark.kernel.Parallel;
import java.nio.ByteBuffer;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Page bounds equal a recomputation from the stored keys after appends, bulk stores, overwrites and truncations. */
class PagedKvCacheMetadataTest {
    private static void assertBoundsMatchKeys(PagedKvCache cache) {
        PagedKvCacheConfig c = cache.config();
        int p = c.quest().pageSize();
        int len = cache.length();
        for (int layer = 0; layer < c.layers(); layer++) {
            for (int h = 0; h < c.kvHeads(); h++) {
                HeadPages hp = cache.pages(layer, h);
                for (int page = 0; page * p < len; page++) {
                    for (int ch = 0; ch < c.headDim(); ch++) {
                        float lo = Float.POSITIVE_INFINITY;
                        float hi = Float.NEGATIVE_INFINITY;
                        for (int t = page * p; t < Math.min(len, (page + 1) * p); t++) {
                            lo = Math.min(lo, hp.key(t, ch));
                            hi = Math.max(hi, hp.key(t, ch));
                        }
                        String where = "layer " + layer + " head " + h + " page " + page + " channel " + ch + " len " + len;
                        assertTrue(lo == hp.min(page, ch), where + ": min " + hp.min(page, ch) + " != " + lo);
                        assertTrue(hi == hp.max(page, ch), where + ": max " + hp.max(page, ch) + " != " + hi);
                        ByteBuffer b = hp.bounds();
                        assertTrue(lo == Float16.toFloat(b.getShort((page * 2 * c.headDim() + ch) * 2)), where + ": f16 min copy");
                        assertTrue(hi == Float16.toFloat(b.getShort((page * 2 * c.headDim() + c.headDim() + ch) * 2)), where + ": f16 max copy");
                    }
                }
            }
        }
    }

    @Test
    void boundsFollowAppendsAndTruncations() {
        SplittableRandom rnd = new SplittableRandom(5);
        try (Parallel pool = new Parallel(2)) {
            for (AttentionKernel kernel : KvFixtures.kernels()) {
                for (int pageSize : new int[] {8, 16, 32, 64}) {
                    PagedKvCacheConfig cfg = KvFixtures.config(2, 4, 2, 24, 700, QuestConfig.quest().withPageSize(pageSize));
                    try (PagedKvCache cache = new PagedKvCache(cfg, pool, kernel)) {
                        KvFixtures.fill(cache, rnd, 300);
                        assertBoundsMatchKeys(cache);
                        for (int round = 0; round < 6; round++) {
                            cache.truncate(rnd.nextInt(cache.length() + 1));
                            assertBoundsMatchKeys(cache);
                            KvFixtures.fill(cache, rnd, cache.length() + 1 + rnd.nextInt(150));
                            assertBoundsMatchKeys(cache);
                        }
                    }
                }
            }
        }
    }

    @Test
    void overwritingUncommittedTokensRecomputesBounds() {
        SplittableRandom rnd = new SplittableRandom(9);
        try (Parallel pool = new Parallel(1)) {
            for (AttentionKernel kernel : KvFixtures.kernels()) {
                PagedKvCacheConfig cfg = KvFixtures.config(1, 2, 1, 16, 100, QuestConfig.quest().withPageSize(8));
                try (PagedKvCache cache = new PagedKvCache(cfg, pool, kernel)) {
                    KvFixtures.fill(cache, rnd, 13);
                    cache.store(0, 13, 2, KvFixtures.random(rnd, 32, 50), KvFixtures.random(rnd, 32, 1));
                    cache.store(0, 13, 2, KvFixtures.random(rnd, 32, 1), KvFixtures.random(rnd, 32, 1));
                    cache.advance(2);
                    assertBoundsMatchKeys(cache);
                }
            }
        }
    }

    @Test
    void loadedPagesGetRecomputedBounds() {
        SplittableRandom rnd = new SplittableRandom(21);
        try (Parallel pool = new Parallel(1)) {
            AttentionKernel kernel = new JavaAttentionKernel();
            PagedKvCacheConfig cfg = KvFixtures.config(2, 2, 2, 8, 64, QuestConfig.quest().withPageSize(8));
            try (PagedKvCache src = new PagedKvCache(cfg, pool, kernel); PagedKvCache dst = new PagedKvCache(cfg, pool, kernel)) {
                KvFixtures.fill(src, rnd, 45);
                for (int layer = 0; layer < 2; layer++) {
                    for (int h = 0; h < 2; h++) {
                        dst.load(layer, h, src.pages(layer, h).keysView(), src.pages(layer, h).valuesView(), 45);
                    }
                }
                dst.advance(45);
                assertBoundsMatchKeys(dst);
                assertEquals(src.pages(1, 1).key(44, 7), dst.pages(1, 1).key(44, 7));
            }
        }
    }
}
