package dev.questspark.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.questspark.engine.Engine;
import dev.questspark.kernel.Parallel;
import dev.questspark.quest.PagedKvCache;
import dev.questspark.quest.PagedKvCacheConfig;
import dev.questspark.quest.QuestConfig;
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
        try (Engine engine = Engine.load(TestModels.gemma3(), 2); Parallel par = new Parallel(2)) {
            LlamaModel model = engine.model();
            LlamaConfig c = model.config();
            BlockVariant v = model.variant();
            int vocab = c.vocabSize();
            PagedKvCacheConfig kv = new PagedKvCacheConfig(c.layers(), c.heads(), c.kvHeads(), c.headDim(), 600,
                    QuestConfig.quest().withTokenBudget(64), PagedKvCacheConfig.DEFAULT_MEMORY_BUDGET)
                    .withSlidingWindow(v.slidingWindow(), v.slidingLayers());
            Random rnd = new Random(9);
            int[] lengths = {530, 37};
            int rows = lengths.length;
            KvCache[] batch = new KvCache[rows];
            KvCache[] alone = new KvCache[rows];
            ForwardState s = new ForwardState(c, 128);
            int[] next = new int[rows];
            for (int i = 0; i < rows; i++) {
                batch[i] = new PagedKvCache(kv, par);
                alone[i] = new PagedKvCache(kv, par);
                int[] prompt = new int[lengths[i]];
                prompt[0] = 2; // BOS
                for (int t = 1; t < prompt.length; t++) {
                    prompt[t] = 300 + rnd.nextInt(200_000);
                }
                for (int off = 0; off < prompt.length; off += s.block()) {
                    int n = Math.min(s.block(), prompt.length - off);
                    model.forward(batch[i], s, par, prompt, off, n, false);
                    model.forward(alone[i], s, par, prompt, off, n, false);
                }
                next[i] = 300 + rnd.nextInt(200_000);
            }
            float[] logits = new float[rows * vocab];
            BatchAttention attention = BatchAttention.perSequence(c);
            for (int step = 0; step < 2; step++) {
                model.forwardBatch(batch, next, rows, s, par, attention, logits);
                for (int i = 0; i < rows; i++) {
                    float[] one = model.forward(alone[i], s, par, next, i, 1, true);
                    for (int t = 0; t < vocab; t++) {
                        assertEquals(Float.floatToIntBits(one[t]), Float.floatToIntBits(logits[i * vocab + t]),
                                "step " + step + " row " + i + " logit " + t);
                    }
                    next[i] = 300 + (next[i] * 31 + step) % 200_000;
                }
            }
            for (int i = 0; i < rows; i++) {
                batch[i].close();
                alone[i].close();
            }
        }
    }
}
