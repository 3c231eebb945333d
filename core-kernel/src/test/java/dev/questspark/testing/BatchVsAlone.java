package dev.questspark.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.questspark.kernel.Parallel;
import dev.questspark.model.BatchAttention;
import dev.questspark.model.ForwardState;
import dev.questspark.model.KvCache;
import dev.questspark.model.LlamaModel;
import java.util.Arrays;
import java.util.Random;
import java.util.function.Supplier;

/**
 * Sequences decoded together by {@link LlamaModel#forwardBatch} against the same sequences decoded one at a time by
 * {@link LlamaModel#forward}: every step's logits of every row must be equal bit for bit (assertArrayEquals compares
 * floats by their bits), and so must the keys each row leaves in its cache, which the next step's logits read.
 */
public final class BatchVsAlone {
    private BatchVsAlone() {
    }

    /** Picks a row's next token from the step, its current token and its logits. */
    public interface NextToken {
        int next(int step, int current, float[] logits);
    }

    /** Prefills tokens into cache in blocks of the state's size, without logits. */
    public static void prefill(LlamaModel model, KvCache cache, ForwardState s, Parallel par, int[] tokens) {
        for (int off = 0; off < tokens.length; off += s.block()) {
            model.forward(cache, s, par, tokens, off, Math.min(s.block(), tokens.length - off), false);
        }
    }

    /** n random token ids in [first, first + range). */
    public static int[] randomTokens(Random rnd, int n, int first, int range) {
        int[] t = new int[n];
        for (int i = 0; i < n; i++) {
            t[i] = first + rnd.nextInt(range);
        }
        return t;
    }

    /**
     * Prefills each prompt into two caches made by newCache, one decoded in the batch and one alone, then runs
     * {@link #assertStepsMatch} from the tokens next.
     */
    public static void assertPromptsMatch(LlamaModel model, int[][] prompts, int[] next, int steps, ForwardState s, Parallel par,
            Supplier<KvCache> newCache, BatchAttention attention, NextToken nextToken, String what) {
        KvCache[] batch = new KvCache[prompts.length];
        KvCache[] alone = new KvCache[prompts.length];
        for (int i = 0; i < prompts.length; i++) {
            batch[i] = newCache.get();
            alone[i] = newCache.get();
            prefill(model, batch[i], s, par, prompts[i]);
            prefill(model, alone[i], s, par, prompts[i]);
        }
        assertStepsMatch(model, batch, alone, next, steps, s, par, attention, nextToken, what);
    }

    /**
     * Runs steps decode steps: the rows of batch together through forwardBatch with attention, then each row of alone
     * by itself, asserting equal logits and cache lengths; next[] holds each row's token and is advanced by nextToken.
     * Closes every cache at the end.
     */
    public static void assertStepsMatch(LlamaModel model, KvCache[] batch, KvCache[] alone, int[] next, int steps, ForwardState s,
            Parallel par, BatchAttention attention, NextToken nextToken, String what) {
        int rows = batch.length;
        int vocab = model.config().vocabSize();
        float[] logits = new float[rows * vocab];
        for (int step = 0; step < steps; step++) {
            model.forwardBatch(batch, next, rows, s, par, attention, logits);
            for (int i = 0; i < rows; i++) {
                float[] one = model.forward(alone[i], s, par, next, i, 1, true);
                float[] row = Arrays.copyOfRange(logits, i * vocab, (i + 1) * vocab);
                assertArrayEquals(one, row, what + " step " + step + " row " + i);
                assertEquals(alone[i].length(), batch[i].length(), what + " step " + step + " row " + i + " cache length");
                next[i] = nextToken.next(step, next[i], row);
            }
        }
        for (int i = 0; i < rows; i++) {
            batch[i].close();
            alone[i].close();
        }
    }
}
