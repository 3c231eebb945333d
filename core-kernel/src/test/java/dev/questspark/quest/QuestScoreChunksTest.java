package dev.questspark.quest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.questspark.kernel.Parallel;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * A Quest step of one KV head over more than {@link AttentionExecutor#SCORE_CHUNK_PAGES} candidate pages (Gemma 3's
 * shape: 4 query heads sharing 1 KV head) scores its pages in chunks on the pool: the scores equal one score call over
 * every page bit for bit (the slow twin), so the selected pages and the output do not change, on every kernel and for
 * 1 and 2 threads.
 */
class QuestScoreChunksTest {
    private static final int CONTEXT = 3 * AttentionExecutor.SCORE_CHUNK_PAGES * 16 + 200; // three chunks and a part

    @Test
    void chunkedScoresEqualOneCallOverEveryPage() {
        assertTrue(AttentionExecutor.SCORE_CHUNK_PAGES > 0, "chunking is on by default");
        for (AttentionKernel kernel : KvFixtures.kernels()) {
            float[] out1 = null;
            for (int threads = 1; threads <= 2; threads++) {
                SplittableRandom rnd = new SplittableRandom(5);
                QuestConfig quest = QuestConfig.quest().withTokenBudget(512).withPageSize(16).withDenseLayers(0);
                PagedKvCacheConfig cfg = KvFixtures.config(1, 4, 1, 64, CONTEXT, quest);
                try (Parallel pool = new Parallel(threads); PagedKvCache cache = new PagedKvCache(cfg, pool, kernel)) {
                    float[] q = fillAndSelect(cache, rnd);
                    int candidates = (CONTEXT - 1) / 16;
                    AttentionExecutor e = cache.executor();
                    float[] reference = new float[candidates];
                    kernel.score(cache.pages(0, 0), candidates, q, 0, 4, true, reference, 0);
                    assertArrayEquals(reference, Arrays.copyOf(e.scores(), candidates), kernel.name() + " threads " + threads);
                    int[] expected = new int[512 / 16];
                    int ranked = kernel.select(reference, 1, candidates - 1, 512 / 16 - 2, expected, 1);
                    assertEquals(512 / 16 - 2, ranked);
                    expected[0] = 0; // the sink page
                    for (int i = 1; i <= ranked; i++) {
                        expected[i] += 1;
                    }
                    expected[ranked + 1] = candidates; // the page being filled
                    assertEquals(expected.length, e.selectedCount(0));
                    assertArrayEquals(expected, Arrays.copyOfRange(e.selected(), e.selectedOffset(0), e.selectedOffset(0) + expected.length),
                            kernel.name() + " threads " + threads);
                    float[] out = new float[q.length];
                    cache.attend(0, CONTEXT - 1, 1, q, out);
                    if (out1 == null) {
                        out1 = out;
                    } else {
                        assertArrayEquals(out1, out, kernel.name() + ": the thread count changes nothing");
                    }
                }
            }
        }
    }

    /** Per-row scores (every policy but shared) are chunked the same way: each row equals one call over every page. */
    @Test
    void chunkedRowScoresEqualOneCallOverEveryPage() {
        for (AttentionKernel kernel : KvFixtures.kernels()) {
            for (int threads = 1; threads <= 2; threads++) {
                SplittableRandom rnd = new SplittableRandom(7);
                QuestConfig quest = QuestConfig.quest().withTokenBudget(512).withPageSize(16).withDenseLayers(0)
                        .withGqaPolicy(QuestConfig.GqaPolicy.PER_HEAD);
                PagedKvCacheConfig cfg = KvFixtures.config(1, 4, 1, 64, CONTEXT, quest);
                try (Parallel pool = new Parallel(threads); PagedKvCache cache = new PagedKvCache(cfg, pool, kernel)) {
                    float[] q = fillAndSelect(cache, rnd);
                    int candidates = (CONTEXT - 1) / 16;
                    AttentionExecutor e = cache.executor();
                    float[] reference = new float[4 * candidates];
                    kernel.score(cache.pages(0, 0), candidates, q, 0, 4, false, reference, 0);
                    assertArrayEquals(reference, Arrays.copyOf(e.scores(), 4 * candidates), kernel.name() + " threads " + threads);
                }
            }
        }
    }

    /** Fills the cache's one layer and KV head with CONTEXT random tokens and selects pages for a random query. */
    private static float[] fillAndSelect(PagedKvCache cache, SplittableRandom rnd) {
        KvFixtures.fill(cache, rnd, CONTEXT);
        float[] q = KvFixtures.random(rnd, 4 * 64, 2);
        cache.executor().select(0, CONTEXT, q, 0);
        return q;
    }
}
