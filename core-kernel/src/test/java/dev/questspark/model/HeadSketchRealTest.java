package dev.questspark.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.questspark.engine.Engine;
import dev.questspark.engine.Sampler;
import dev.questspark.kernel.Parallel;
import dev.questspark.quest.PagedKvCache;
import dev.questspark.quest.PagedKvCacheConfig;
import dev.questspark.quest.QuestConfig;
import dev.questspark.testing.BatchVsAlone;
import dev.questspark.testing.TestModels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The greedy head ({@link LlamaModel#forwardGreedy} through {@link HeadSketch}; {@link LlamaModel#forwardBatchGreedy},
 * whose batches of more than one row read the full head, and whose lone rows the sketch) picks the token {@link Sampler#argmax} picks from the full head's logits, on real decode steps of Gemma 3 and SmolLM2
 * (both with Q8_0 heads) over a real text, on one and two threads, alone and in a batch. Skipped without the models.
 */
class HeadSketchRealTest {
    private static final int STEPS = 24;

    @Test
    void gemma3GreedyStepsPickTheFullHeadsToken() throws IOException {
        check(TestModels.gemma3Engine(2));
    }

    @Test
    void smolLm2GreedyStepsPickTheFullHeadsToken() throws IOException {
        check(TestModels.smolLm2Engine(2));
    }

    private static void check(Engine engine) throws IOException {
        LlamaModel model = engine.model();
        Path text = Path.of(System.getProperty("quest.models.dir")).getParent().resolve("data/sample-corpus/newton-opticks-advertisements.txt");
        int[] all = engine.tokenizer().encode(Files.readString(text), true, false);
        int[][] prompts = {Arrays.copyOf(all, 300), Arrays.copyOf(all, 123), Arrays.copyOfRange(all, 200, 251)};
        for (int threads : new int[] {1, 2}) {
            try (Parallel par = new Parallel(threads)) {
                ForwardState s = new ForwardState(model.config(), 64);
                PagedKvCache[] full = new PagedKvCache[prompts.length];
                PagedKvCache[] alone = new PagedKvCache[prompts.length];
                PagedKvCache[] batch = new PagedKvCache[prompts.length];
                int[] tokens = new int[prompts.length];
                for (int i = 0; i < prompts.length; i++) {
                    full[i] = cache(model, par);
                    alone[i] = cache(model, par);
                    batch[i] = cache(model, par);
                    int[] head = Arrays.copyOf(prompts[i], prompts[i].length - 1);
                    BatchVsAlone.prefill(model, full[i], s, par, head);
                    BatchVsAlone.prefill(model, alone[i], s, par, head);
                    BatchVsAlone.prefill(model, batch[i], s, par, head);
                    tokens[i] = prompts[i][prompts[i].length - 1];
                }
                float[] scratch = new float[prompts.length * model.config().vocabSize()];
                int[] next = new int[prompts.length];
                for (int step = 0; step < STEPS; step++) {
                    model.forwardBatchGreedy(batch, tokens, prompts.length, s, par, BatchAttention.perSequence(model.config()), scratch,
                            next);
                    for (int i = 0; i < prompts.length; i++) {
                        int expected = Sampler.argmax(model.forward(full[i], s, par, tokens, i, 1, true));
                        int got = model.forwardGreedy(alone[i], s, par, tokens, i, 1, false);
                        String where = model.config().vocabSize() + "-token head, " + threads + " threads, prompt " + i + ", step " + step;
                        assertEquals(expected, got, where + " alone");
                        assertEquals(expected, next[i], where + " in a batch");
                        tokens[i] = expected;
                    }
                }
                for (int i = 0; i < prompts.length; i++) {
                    full[i].close();
                    alone[i].close();
                    batch[i].close();
                }
            }
        }
    }

    private static PagedKvCache cache(LlamaModel model, Parallel par) {
        LlamaConfig c = model.config();
        BlockVariant v = model.variant();
        PagedKvCacheConfig kv = new PagedKvCacheConfig(c.layers(), c.heads(), c.kvHeads(), c.headDim(), 512,
                QuestConfig.quest().withTokenBudget(64), PagedKvCacheConfig.DEFAULT_MEMORY_BUDGET);
        return new PagedKvCache(v.slidingWindow() > 0 ? kv.withSlidingWindow(v.slidingWindow(), v.slidingLayers()) : kv, par);
    }
}
