package dev.questspark.model;

import dev.questspark.kernel.Parallel;
import dev.questspark.quest.PagedKvCache;
import dev.questspark.quest.PagedKvCacheConfig;
import dev.questspark.quest.QuestConfig;
import dev.questspark.quest.SharedPageAttention;
import dev.questspark.testing.BatchVsAlone;
import dev.questspark.testing.TestModels;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Gemma 3's batched decode step equals its single-sequence one bit for bit: the Gemma steps (scaled embeddings, head
 * norms, two RoPE bases, post-norms, GeGLU) run per row, and a row past the 512-token window attends only its window
 * in the batch as alone, also when the batch's attention runs the rows' windows at once on the pool
 * ({@link SharedPageAttention}), for sequences of their own and for forks of one document. Skipped without the model.
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
        int[] next = new int[lengths.length];
        int[][] prompts = prompts(rnd, lengths, next);
        try (Parallel par = new Parallel(2)) {
            BatchVsAlone.assertPromptsMatch(model, prompts, next, 2, new ForwardState(c, 128), par, () -> new PagedKvCache(kv, par),
                    BatchAttention.perSequence(c), (step, token, logits) -> 300 + (token * 31 + step) % 200_000, "gemma3");
        }
    }

    @Test
    void windowRowsOfTheSharedAttentionMatchLoneStepsBitForBit() {
        LlamaModel model = TestModels.gemma3Engine(2).model();
        LlamaConfig c = model.config();
        Random rnd = new Random(11);
        int[] lengths = {530, 37, 545};
        int[] next = new int[lengths.length];
        int[][] prompts = prompts(rnd, lengths, next);
        for (int threads : new int[] {1, 2}) {
            try (Parallel par = new Parallel(threads)) {
                BatchVsAlone.assertPromptsMatch(model, prompts, next.clone(), 2, new ForwardState(c, 128), par,
                        () -> new PagedKvCache(kvConfig(model, 600), par), new SharedPageAttention(c.qDim()),
                        (step, token, logits) -> 300 + (token * 31 + step) % 200_000, "gemma3 shared, " + threads + " threads");
            }
        }
    }

    @Test
    void aLoneWindowRowSplitOverThePoolMatchesLoneStepsBitForBit() {
        LlamaModel model = TestModels.gemma3Engine(2).model();
        LlamaConfig c = model.config();
        Random rnd = new Random(13);
        // one row past the window beside one inside it, and a batch of one: the windowed row splits its window's pages
        for (int[] lengths : new int[][] {{37, 530}, {545}}) {
            int[] next = new int[lengths.length];
            int[][] prompts = prompts(rnd, lengths, next);
            for (int threads : new int[] {1, 2}) {
                try (Parallel par = new Parallel(threads)) {
                    BatchVsAlone.assertPromptsMatch(model, prompts, next.clone(), 2, new ForwardState(c, 128), par,
                            () -> new PagedKvCache(kvConfig(model, 600), par), new SharedPageAttention(c.qDim()),
                            (step, token, logits) -> 300 + (token * 31 + step) % 200_000,
                            "gemma3 lone window row, " + lengths.length + " rows, " + threads + " threads");
                }
            }
        }
    }

    @Test
    void forksOfOneDocumentPastTheWindowMatchLoneStepsBitForBit() {
        LlamaModel model = TestModels.gemma3Engine(2).model();
        LlamaConfig c = model.config();
        Random rnd = new Random(12);
        int[] document = BatchVsAlone.randomTokens(rnd, 520, 300, 200_000);
        document[0] = 2; // BOS
        int forks = 3;
        try (Parallel par = new Parallel(2); PagedKvCache parent = new PagedKvCache(kvConfig(model, 600), par)) {
            ForwardState s = new ForwardState(c, 128);
            BatchVsAlone.prefill(model, parent, s, par, document);
            KvCache[] batch = new KvCache[forks];
            KvCache[] alone = new KvCache[forks];
            int[] next = new int[forks];
            for (int i = 0; i < forks; i++) {
                int[] question = BatchVsAlone.randomTokens(rnd, 1 + 7 * i, 300, 200_000);
                batch[i] = parent.fork(par);
                alone[i] = new PagedKvCache(kvConfig(model, 600), par);
                BatchVsAlone.prefill(model, alone[i], s, par, document);
                BatchVsAlone.prefill(model, batch[i], s, par, question);
                BatchVsAlone.prefill(model, alone[i], s, par, question);
                next[i] = 300 + rnd.nextInt(200_000);
            }
            BatchVsAlone.assertStepsMatch(model, batch, alone, next, 3, s, par, new SharedPageAttention(c.qDim()),
                    (step, token, logits) -> 300 + (token * 31 + step) % 200_000, "gemma3 forks");
        }
    }

    /** Random prompts of the given lengths after a BOS, and each one's next token in next. */
    private static int[][] prompts(Random rnd, int[] lengths, int[] next) {
        int[][] prompts = new int[lengths.length][];
        for (int i = 0; i < prompts.length; i++) {
            prompts[i] = BatchVsAlone.randomTokens(rnd, lengths[i], 300, 200_000);
            prompts[i][0] = 2; // BOS
            next[i] = 300 + rnd.nextInt(200_000);
        }
        return prompts;
    }

    /** Quest with a small budget (sparse from 64 tokens on), the file's sliding window. */
    private static PagedKvCacheConfig kvConfig(LlamaModel model, int capacity) {
        LlamaConfig c = model.config();
        BlockVariant v = model.variant();
        return new PagedKvCacheConfig(c.layers(), c.heads(), c.kvHeads(), c.headDim(), capacity,
                QuestConfig.quest().withTokenBudget(64), PagedKvCacheConfig.DEFAULT_MEMORY_BUDGET)
                .withSlidingWindow(v.slidingWindow(), v.slidingLayers());
    }
}
