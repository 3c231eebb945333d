package dev.questspark.model;

import dev.questspark.kernel.Parallel;
import dev.questspark.quest.PagedKvCache;
import dev.questspark.quest.PagedKvCacheConfig;
import dev.questspark.quest.QuestConfig;
import dev.questspark.testing.BatchVsAlone;
import dev.questspark.testing.TestModels;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Gemma 3's batched decode step equals its single-sequence one bit for bit: the Gemma steps (scaled embeddings, head
 * norms, two RoPE bases, post-norms, GeGLU) run per row, and a row past the 512-token window attends only its window
 * in the batch as alone. Skipped without the model.
 */
class Gemma3ForwardBatchTest {
    @Test
    void batchedRowsMatchLoneForwardPassesBitForBit() {
        LlamaModel model = TestModels.gemma3Engine(2).model();
        LlamaConfig c = model.config();
        BlockVariant v = model.variant();
        PagedKvCacheConfig kv = new PagedKvCacheConfig(c.layers(), c.heads(), c.kvHeads(), c.headDim(), 600,
                QuestConfig.quest().withTokenBudget(64), PagedKvCacheConfig.DEFAULT_MEMORY_BUDGET)
                .withSlidingWindow(v.slidingWindow(), v.slidingLayers());
        Random rnd = new Random(9);
        int[] lengths = {530, 37};
        int[][] prompts = new int[lengths.length][];
        int[] next = new int[prompts.length];
        for (int i = 0; i < prompts.length; i++) {
            prompts[i] = BatchVsAlone.randomTokens(rnd, lengths[i], 300, 200_000);
            prompts[i][0] = 2; // BOS
            next[i] = 300 + rnd.nextInt(200_000);
        }
        try (Parallel par = new Parallel(2)) {
            BatchVsAlone.assertPromptsMatch(model, prompts, next, 2, new ForwardState(c, 128), par, () -> new PagedKvCache(kv, par),
                    BatchAttention.perSequence(c), (step, token, logits) -> 300 + (token * 31 + step) % 200_000, "gemma3");
        }
    }
}
