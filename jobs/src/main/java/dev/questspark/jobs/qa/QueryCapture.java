package dev.questspark.jobs.qa;

import dev.questspark.model.AttentionStats;
import dev.questspark.model.KvCache;
import dev.questspark.model.LlamaConfig;

/**
 * A KV cache that keeps the query vectors the model computes for a few tokens placed at positions
 * [offset, offset + capacity): the question's tokens as if they followed offset tokens of text, without that text.
 * Attention runs densely over the captured tokens only, so each token's hidden state is what the question alone
 * gives, while RoPE rotates its queries by their positions after the text (the positions Quest scores pages from).
 */
public final class QueryCapture implements KvCache {
    private final int layers;
    private final int heads;
    private final int kvHeads;
    private final int headDim;
    private final int offset;
    private final int tokens;
    private final float[][] keys;    // (layer, tokens * kvHeads * headDim)
    private final float[][] values;  // (layer, tokens * kvHeads * headDim)
    private final float[] queries;   // (tokens, layers, heads, headDim) after RoPE, as attention sees them
    private final AttentionStats stats = new AttentionStats();
    private int length;

    public QueryCapture(LlamaConfig c, int offset, int tokens) {
        if (offset < 0 || tokens < 1) {
            throw new IllegalArgumentException("query capture needs offset >= 0 and tokens >= 1, got " + offset + ", " + tokens);
        }
        this.layers = c.layers();
        this.heads = c.heads();
        this.kvHeads = c.kvHeads();
        this.headDim = c.headDim();
        this.offset = offset;
        this.tokens = tokens;
        this.keys = new float[layers][tokens * kvHeads * headDim];
        this.values = new float[layers][tokens * kvHeads * headDim];
        this.queries = new float[tokens * layers * heads * headDim];
    }

    /** The captured queries, once every token has run. */
    public QuestionQueries queries() {
        if (length != tokens) {
            throw new IllegalStateException("queries of " + length + " of " + tokens + " tokens captured");
        }
        return new QuestionQueries(tokens, layers, heads, kvHeads, headDim, queries.clone());
    }

    @Override
    public int length() {
        return offset + length;
    }

    @Override
    public int capacity() {
        return offset + tokens;
    }

    @Override
    public void store(int layer, int pos, int n, float[] k, float[] v) {
        int kvDim = kvHeads * headDim;
        System.arraycopy(k, 0, keys[layer], (pos - offset) * kvDim, n * kvDim);
        System.arraycopy(v, 0, values[layer], (pos - offset) * kvDim, n * kvDim);
    }

    @Override
    public void attend(int layer, int pos, int n, float[] q, float[] out) {
        int first = pos - offset;
        int qDim = heads * headDim;
        for (int t = 0; t < n; t++) {
            System.arraycopy(q, t * qDim, queries, ((first + t) * layers + layer) * qDim, qDim);
            for (int h = 0; h < heads; h++) {
                attendHead(layer, first + t, q, t * qDim + h * headDim, h / (heads / kvHeads), out);
            }
        }
    }

    /** Causal softmax attention of one query over the captured tokens [0, token]. */
    private void attendHead(int layer, int token, float[] q, int qOff, int kvHead, float[] out) {
        int kvDim = kvHeads * headDim;
        float scale = (float) (1.0 / Math.sqrt(headDim));
        double[] w = new double[token + 1];
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j <= token; j++) {
            double s = 0;
            for (int i = 0; i < headDim; i++) {
                s += q[qOff + i] * keys[layer][j * kvDim + kvHead * headDim + i];
            }
            w[j] = s * scale;
            max = Math.max(max, w[j]);
        }
        double sum = 0;
        for (int j = 0; j <= token; j++) {
            w[j] = Math.exp(w[j] - max);
            sum += w[j];
        }
        for (int i = 0; i < headDim; i++) {
            double acc = 0;
            for (int j = 0; j <= token; j++) {
                acc += w[j] * values[layer][j * kvDim + kvHead * headDim + i];
            }
            out[qOff + i] = (float) (acc / sum);
        }
    }

    @Override
    public void advance(int n) {
        if (length + n > tokens) {
            throw new IllegalStateException("query capture holds " + tokens + " tokens; " + (length + n) + " requested");
        }
        length += n;
    }

    @Override
    public void truncate(int len) {
        if (len < offset || len > length()) {
            throw new IllegalArgumentException("truncate to " + len + " outside [" + offset + ", " + length() + "]");
        }
        length = len - offset;
    }

    @Override
    public AttentionStats stats() {
        return stats;
    }

    @Override
    public void close() {
    }
}
