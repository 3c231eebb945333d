package dev.questspark.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.questspark.quest.PagedKvCacheConfig;
import dev.questspark.quest.QuestConfig;
import dev.questspark.testing.TestModels;
import org.junit.jupiter.api.Test;

/** Sizes near the int range in Quest's settings are handled or rejected with a message, never wrapped around. */
class QuestSizeOverflowTest {
    /**
     * A token budget far beyond the context (up to the largest int a setting can hold) is valid: it means "attend
     * everything", and the selection buffers it sizes are bounded by the pages the cache can have, so it neither
     * overflows an int (heads x budget pages) nor allocates gigabytes.
     */
    @Test
    void aHugeBudgetDecodesAsDense() {
        Engine engine = Engine.shared(TestModels.stories(), 1);
        int[] prompt = engine.encodePrompt("Once upon a time, there was a little girl named Lily.", false);
        int[] dense = greedy(engine, QuestConfig.dense(), prompt);
        for (int budget : new int[] {Integer.MAX_VALUE / 8 * 8, 1 << 30, 1 << 24}) {
            assertArrayEquals(dense, greedy(engine, QuestConfig.quest().withPageSize(8).withTokenBudget(budget), prompt),
                    "token budget " + budget);
        }
    }

    /** A capacity near 2^31 would wrap the page count ((capacity + pageSize - 1) / pageSize) negative. */
    @Test
    void aCapacityNearTwoToThe31IsRejectedNotWrapped() {
        for (int capacity : new int[] {Integer.MAX_VALUE, Integer.MAX_VALUE - 5, PagedKvCacheConfig.MAX_CAPACITY + 1}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new PagedKvCacheConfig(5, 8, 4, 8,
                    capacity, QuestConfig.quest().withPageSize(8), 1L << 40));
            assertTrue(e.getMessage().contains("capacity " + capacity + " tokens is above"), e.getMessage());
        }
    }

    /** Quest keeps a score for every page of the capacity per query head: heads x pages must fit an array. */
    @Test
    void moreScoreSlotsThanAnArrayHoldsAreRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new PagedKvCacheConfig(1, 1024, 8, 64,
                1 << 24, QuestConfig.quest().withPageSize(8), 1L << 40));
        assertTrue(e.getMessage().contains("needs 2147483648 page scores, more than an array holds"), e.getMessage());
        new PagedKvCacheConfig(1, 512, 8, 64, 1 << 24, QuestConfig.quest().withPageSize(8), 1L << 40); // 2^30 scores: fine
    }

    private static int[] greedy(Engine engine, QuestConfig quest, int[] prompt) {
        try (DecoderSession s = engine.newSession(quest, 128)) {
            s.prefill(prompt);
            return s.generate(GenerationConfig.greedy(24), null).tokens();
        }
    }
}
