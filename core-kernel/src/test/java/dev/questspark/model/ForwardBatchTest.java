package dev.questspark.model;

import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.questspark.engine.Engine;
import dev.questspark.kernel.Parallel;
import dev.questspark.quest.PagedKvCache;
import dev.questspark.quest.PagedKvCacheConfig;
import dev.questspark.quest.QuestConfig;
import dev.questspark.testing.BatchVsAlone;
import dev.questspark.testing.TestModels;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link LlamaModel#forwardBatch} against {@link LlamaModel#forward} of one token per sequence, bit for bit: logits of
 * every row and the keys each row leaves in its cache (seen through the next step's logits). stories260K's FFN width
 * (172) puts batch rows off vector boundaries, and rows sit at different positions with Quest selecting pages.
 */
class ForwardBatchTest {
    private final Engine engine = TestModels.storiesEngine(2);

    @Test
    void rowsMatchLoneForwardPassesBitForBit() {
        LlamaModel model = engine.model();
        LlamaConfig c = model.config();
        int vocab = c.vocabSize();
        QuestConfig quest = QuestConfig.quest().withPageSize(8).withTokenBudget(32);
        PagedKvCacheConfig kv = new PagedKvCacheConfig(c.layers(), c.heads(), c.kvHeads(), c.headDim(), 400, quest,
                PagedKvCacheConfig.DEFAULT_MEMORY_BUDGET);
        Random rnd = new Random(3);
        int[][] prompts = new int[11][];
        int[] next = new int[prompts.length];
        for (int i = 0; i < prompts.length; i++) {
            prompts[i] = BatchVsAlone.randomTokens(rnd, 1 + rnd.nextInt(250), 1, vocab - 1);
            next[i] = 1 + rnd.nextInt(vocab - 1);
        }
        try (Parallel par = new Parallel(2)) {
            BatchVsAlone.assertPromptsMatch(model, prompts, next, 3, new ForwardState(c, 128), par, () -> new PagedKvCache(kv, par),
                    BatchAttention.perSequence(c), (step, token, logits) -> 1 + (token * 31 + step) % (vocab - 1), "stories260K");
        }
    }

    @Test
    void aCacheTwiceInOneBatchIsRefused() {
        LlamaModel model = engine.model();
        LlamaConfig c = model.config();
        try (Parallel par = new Parallel(1); KvCache cache = new ReferenceKvCache(c, 16)) {
            KvCache[] caches = {cache, cache};
            assertThrows(IllegalArgumentException.class, () -> model.forwardBatch(caches, new int[] {1, 2}, 2, new ForwardState(c, 4),
                    par, BatchAttention.perSequence(c), new float[2 * c.vocabSize()]));
        }
    }
}
