package dev.questspark.engine;

import java.util.Arrays;
import java.util.Random;

/**
 * Picks the next token of one sequence from logits as a {@link GenerationConfig} says; deterministic for a given seed.
 * The sequence's history (for the {@link Penalties}) is fed with {@link #accept}; a batched decoder keeps one sampler
 * per sequence. The caller's logits are never modified.
 */
public final class Sampler {
    /** Candidates gathered first when top-k is off and top-p must find its nucleus; doubled until it is found. */
    static final int FIRST_NUCLEUS_GUESS = 64;

    private final GenerationConfig config;
    private final Penalties penalties;
    private final Random random;
    private int[] history = new int[64];
    private int length;
    private float[] scratch;

    public Sampler(GenerationConfig config) {
        this.config = config;
        this.penalties = config.penalties();
        this.random = new Random(config.seed());
    }

    /** Adds a token to this sequence's history (the tokens the penalties look back on). */
    public void accept(int token) {
        if (length == history.length) {
            history = Arrays.copyOf(history, 2 * length);
        }
        history[length++] = token;
    }

    /** Whether {@link #sample} is {@link #argmax} of the logits as they are (greedy, no penalties). */
    public boolean greedyOnly() {
        return config.isGreedy() && !penalties.active();
    }

    public int sample(float[] logits) {
        float[] l = penalties.active() ? penalized(logits) : logits;
        if (config.isGreedy()) {
            return argmax(l);
        }
        Candidates c = candidates(l, config.topK(), config.topP(), config.temperature());
        double r = random.nextDouble() * c.total();
        for (int i = 0; i < c.count(); i++) {
            r -= c.weights()[i];
            if (r <= 0) {
                return c.ids()[i];
            }
        }
        return c.ids()[c.count() - 1];
    }

    /** The first index of the largest logit. */
    public static int argmax(float[] logits) {
        int best = 0;
        for (int i = 1; i < logits.length; i++) {
            if (logits[i] > logits[best]) {
                best = i;
            }
        }
        return best;
    }

    /**
     * The tokens sampling draws from, by descending logit (ties by id), with unnormalized weights
     * exp((logit - max) / temperature): the top-k (0 = all), then the smallest prefix whose probability reaches topP.
     */
    record Candidates(int[] ids, double[] weights, int count, double total) {
    }

    static Candidates candidates(float[] logits, int topK, float topP, float temperature) {
        if (topK > 0) {
            int[] top = TopK.select(logits, Math.min(topK, logits.length));
            return nucleus(top, logits, topP, temperature, weightSum(top, logits, temperature), true);
        }
        if (topP >= 1f) {
            int[] all = TopK.select(logits, logits.length);
            return nucleus(all, logits, topP, temperature, weightSum(all, logits, temperature), true);
        }
        // The nucleus over the whole vocabulary, found in a growing prefix of it: usually a few dozen tokens.
        double z = weightSum(null, logits, temperature);
        for (int k = Math.min(FIRST_NUCLEUS_GUESS, logits.length); ; k = Math.min(logits.length, 2 * k)) {
            Candidates c = nucleus(TopK.select(logits, k), logits, topP, temperature, z, k == logits.length);
            if (c != null) {
                return c;
            }
        }
    }

    /**
     * The smallest prefix of top whose weight reaches topP of norm (the mass it is a share of), or null when top's
     * whole weight falls short and it is not complete (more tokens may follow).
     */
    private static Candidates nucleus(int[] top, float[] logits, float topP, float temperature, double norm, boolean complete) {
        double max = logits[top[0]];
        double[] w = new double[top.length];
        double cum = 0;
        for (int i = 0; i < top.length; i++) {
            w[i] = Math.exp((logits[top[i]] - max) / temperature);
            cum += w[i];
            if (cum / norm >= topP) {
                return new Candidates(top, w, i + 1, cum);
            }
        }
        return complete ? new Candidates(top, w, top.length, cum) : null;
    }

    /** Sum of exp((logit - max) / temperature) over ids (null: the whole vocabulary). */
    private static double weightSum(int[] ids, float[] logits, float temperature) {
        double max = logits[argmax(logits)];
        double z = 0;
        int n = ids == null ? logits.length : ids.length;
        for (int i = 0; i < n; i++) {
            z += Math.exp((logits[ids == null ? i : ids[i]] - max) / temperature);
        }
        return z;
    }

    /** A copy of logits with the penalties applied for the current history. */
    private float[] penalized(float[] logits) {
        if (scratch == null || scratch.length != logits.length) {
            scratch = new float[logits.length];
        }
        System.arraycopy(logits, 0, scratch, 0, logits.length);
        if (penalties.penalizesWindow()) {
            applyWindow(scratch);
        }
        if (penalties.noRepeatNgramSize() > 0) {
            blockNgrams(scratch);
        }
        return scratch;
    }

    /** llama.cpp's penalties: repeat (divide positive, multiply negative), then frequency and presence. */
    private void applyWindow(float[] l) {
        int n = penalties.repeatLastN() < 0 ? length : Math.min(penalties.repeatLastN(), length);
        int from = length - n;
        int[] window = Arrays.copyOfRange(history, from, length);
        Arrays.sort(window);
        for (int i = 0; i < window.length; ) {
            int token = window[i];
            int j = i;
            while (j < window.length && window[j] == token) {
                j++;
            }
            int count = j - i;
            if (token >= 0 && token < l.length) {
                float x = l[token];
                x = x <= 0 ? x * penalties.repeatPenalty() : x / penalties.repeatPenalty();
                l[token] = x - count * penalties.frequencyPenalty() - penalties.presencePenalty();
            }
            i = j;
        }
    }

    /** Hugging Face's no_repeat_ngram_size: forbid every token that would repeat an n-gram of the history. */
    private void blockNgrams(float[] l) {
        int n = penalties.noRepeatNgramSize();
        if (length + 1 < n) {
            return;
        }
        int prefix = n - 1;
        for (int i = 0; i + n <= length; i++) {
            if (Arrays.equals(history, i, i + prefix, history, length - prefix, length)) {
                int banned = history[i + prefix];
                if (banned >= 0 && banned < l.length) {
                    l[banned] = Float.NEGATIVE_INFINITY;
                }
            }
        }
    }
}
