package dev.questspark.engine;

import java.util.Arrays;
import java.util.Random;

/** Picks the next token from logits as a {@link GenerationConfig} says; deterministic for a given seed. */
public final class Sampler {
    private final GenerationConfig config;
    private final Random random;

    public Sampler(GenerationConfig config) {
        this.config = config;
        this.random = new Random(config.seed());
    }

    public int sample(float[] logits) {
        if (config.isGreedy()) {
            return argmax(logits);
        }
        Integer[] order = candidates(logits);
        int keep = config.topK() > 0 ? Math.min(config.topK(), order.length) : order.length;
        double max = logits[order[0]];
        double[] p = new double[keep];
        double sum = 0;
        for (int i = 0; i < keep; i++) {
            p[i] = Math.exp((logits[order[i]] - max) / config.temperature());
            sum += p[i];
        }
        // nucleus: the smallest prefix whose probability reaches topP
        double cum = 0;
        int nucleus = keep;
        for (int i = 0; i < keep; i++) {
            cum += p[i] / sum;
            if (cum >= config.topP()) {
                nucleus = i + 1;
                break;
            }
        }
        double total = 0;
        for (int i = 0; i < nucleus; i++) {
            total += p[i];
        }
        double r = random.nextDouble() * total;
        for (int i = 0; i < nucleus; i++) {
            r -= p[i];
            if (r <= 0) {
                return order[i];
            }
        }
        return order[nucleus - 1];
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

    /** Token ids by descending logit, ties by id. */
    private Integer[] candidates(float[] logits) {
        Integer[] ids = new Integer[logits.length];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = i;
        }
        Arrays.sort(ids, (a, b) -> logits[a] != logits[b] ? Float.compare(logits[b], logits[a]) : Integer.compare(a, b));
        return ids;
    }
}
