package dev.questspark.model;

/**
 * The plainest dense KV cache, for tests: float arrays on the heap and textbook causal attention, small enough to
 * read in one sitting. PagedKvCacheTwinTest checks the engine's paged cache (dense, and Quest at a budget that
 * covers the context) against it; StoriesGoldenTest decodes stories260K's published continuation with it.
 */
public final class ReferenceKvCache implements KvCache {
    private final int heads;
    private final int kvHeads;
    private final int headDim;
    private final int capacity;
    private final float[][] keys;   // (layer, capacity * kvHeads * headDim)
    private final float[][] values; // (layer, capacity * kvHeads * headDim)
    private final AttentionStats stats = new AttentionStats();
    private int length;

    public ReferenceKvCache(LlamaConfig c, int capacity) {
        this(c.layers(), c.heads(), c.kvHeads(), c.headDim(), capacity);
    }

    public ReferenceKvCache(int layers, int heads, int kvHeads, int headDim, int capacity) {
        this.heads = heads;
        this.kvHeads = kvHeads;
        this.headDim = headDim;
        this.capacity = capacity;
        long perLayer = (long) capacity * kvHeads * headDim;
        if (perLayer > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("ReferenceKvCache holds at most " + (Integer.MAX_VALUE / (kvHeads * headDim))
                    + " tokens per layer; " + capacity + " requested");
        }
        keys = new float[layers][(int) perLayer];
        values = new float[layers][(int) perLayer];
    }

    @Override
    public int length() {
        return length;
    }

    @Override
    public int capacity() {
        return capacity;
    }

    @Override
    public void store(int layer, int pos, int n, float[] k, float[] v) {
        int kvDim = kvHeads * headDim;
        System.arraycopy(k, 0, keys[layer], pos * kvDim, n * kvDim);
        System.arraycopy(v, 0, values[layer], pos * kvDim, n * kvDim);
    }

    @Override
    public void attend(int layer, int pos, int n, float[] q, float[] out) {
        int kvDim = kvHeads * headDim;
        int group = heads / kvHeads;
        float scale = (float) (1.0 / Math.sqrt(headDim));
        float[] scores = new float[pos + n];
        for (int t = 0; t < n; t++) {
            int ctx = pos + t + 1;
            for (int h = 0; h < heads; h++) {
                int qOff = (t * heads + h) * headDim;
                int kvOff = (h / group) * headDim;
                float max = Float.NEGATIVE_INFINITY;
                for (int j = 0; j < ctx; j++) {
                    float s = 0;
                    for (int i = 0; i < headDim; i++) {
                        s += q[qOff + i] * keys[layer][j * kvDim + kvOff + i];
                    }
                    scores[j] = s * scale;
                    max = Math.max(max, scores[j]);
                }
                double sum = 0;
                for (int j = 0; j < ctx; j++) {
                    scores[j] = (float) Math.exp(scores[j] - max);
                    sum += scores[j];
                }
                for (int i = 0; i < headDim; i++) {
                    double acc = 0;
                    for (int j = 0; j < ctx; j++) {
                        acc += scores[j] * values[layer][j * kvDim + kvOff + i];
                    }
                    out[qOff + i] = (float) (acc / sum);
                }
            }
            if (n == 1) {
                long bytes = 2L * ctx * kvDim * Float.BYTES;
                stats.add(1, 0, 0, ctx, bytes, bytes);
            }
        }
    }

    @Override
    public void advance(int n) {
        if (length + n > capacity) {
            throw new IllegalStateException("advance past capacity " + capacity);
        }
        length += n;
    }

    @Override
    public void truncate(int len) {
        if (len < 0 || len > length) {
            throw new IllegalArgumentException("truncate to " + len + " outside [0, " + length + "]");
        }
        length = len;
    }

    @Override
    public AttentionStats stats() {
        return stats;
    }

    @Override
    public void close() {
    }
}
