package dev.questspark.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.questspark.engine.Engine;
import dev.questspark.kernel.Parallel;
import dev.questspark.quest.PagedKvCache;
import dev.questspark.quest.PagedKvCacheConfig;
import dev.questspark.quest.QuestConfig;
import dev.questspark.testing.TestModels;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link LlamaModel#forwardBatch} against {@link LlamaModel#forward} of one token per sequence, bit for bit: logits of
 * every row and the keys each row leaves in its cache (seen through the next step's logits). stories260K's FFN width
 * (172) puts batch rows off vector boundaries, and rows sit at different positions with Quest selecting pages.
 */
class ForwardBatchTest {
    private static Engine engine;

    @BeforeAll
    static void load() {
        engine = Engine.load(TestModels.stories(), 2);
    }

    @AfterAll
    static void close() {
        engine.close();
    }

    @Test
    void rowsMatchLoneForwardPassesBitForBit() {
        LlamaModel model = engine.model();
        LlamaConfig c = model.config();
        int vocab = c.vocabSize();
        QuestConfig quest = QuestConfig.quest().withPageSize(8).withTokenBudget(32);
        PagedKvCacheConfig kv = new PagedKvCacheConfig(c.layers(), c.heads(), c.kvHeads(), c.headDim(), 400, quest,
                PagedKvCacheConfig.DEFAULT_MEMORY_BUDGET);
        Random rnd = new Random(3);
        int rows = 11;
        try (Parallel par = new Parallel(2)) {
            KvCache[] batch = new KvCache[rows];
            KvCache[] alone = new KvCache[rows];
            ForwardState s = new ForwardState(c, 128);
            int[] next = new int[rows];
            for (int i = 0; i < rows; i++) {
                batch[i] = new PagedKvCache(kv, par);
                alone[i] = new PagedKvCache(kv, par);
                int[] prompt = new int[1 + rnd.nextInt(250)];
                for (int t = 0; t < prompt.length; t++) {
                    prompt[t] = 1 + rnd.nextInt(vocab - 1);
                }
                for (int off = 0; off < prompt.length; off += s.block()) {
                    int n = Math.min(s.block(), prompt.length - off);
                    model.forward(batch[i], s, par, prompt, off, n, false);
                    model.forward(alone[i], s, par, prompt, off, n, false);
                }
                next[i] = 1 + rnd.nextInt(vocab - 1);
            }
            float[] logits = new float[rows * vocab];
            BatchAttention attention = BatchAttention.perSequence(c);
            for (int step = 0; step < 3; step++) {
                model.forwardBatch(batch, next, rows, s, par, attention, logits);
                for (int i = 0; i < rows; i++) {
                    float[] one = model.forward(alone[i], s, par, next, i, 1, true);
                    for (int v = 0; v < vocab; v++) {
                        assertEquals(Float.floatToIntBits(one[v]), Float.floatToIntBits(logits[i * vocab + v]),
                                "step " + step + " row " + i + " logit " + v);
                    }
                    assertEquals(alone[i].length(), batch[i].length());
                    next[i] = 1 + (next[i] * 31 + step) % (vocab - 1);
                }
            }
            for (int i = 0; i < rows; i++) {
                batch[i].close();
                alone[i].close();
            }
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
