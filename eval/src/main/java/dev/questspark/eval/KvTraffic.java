package dev.questspark.eval;

/**
 * KV bytes one decoded token reads, and the bounds on the attention speedup they imply (Quest paper, memory traffic):
 * dense reads every cached K and V vector; Quest reads page bounds (1/P of the keys' size, min and max) plus the
 * selected pages.
 *
 * @param layers      transformer layers
 * @param kvHeads     KV heads per layer
 * @param headDim     channels per head
 * @param denseLayers layers that always attend densely
 */
public record KvTraffic(int layers, int kvHeads, int headDim, int denseLayers) {
    /** Bytes of K and V (binary16) dense attention reads per decoded token over all layers at a context. */
    public long denseBytesPerToken(int context) {
        return (long) layers * kvHeads * context * headDim * 2 * 2;
    }

    /** The attention-only bound L / (L/P + B): dense bytes over Quest bytes in a sparse layer (1 when L <= B). */
    public static double attentionBound(int context, int pageSize, int budget) {
        if (context <= budget) {
            return 1.0;
        }
        return context / ((double) context / pageSize + budget);
    }

    /** The same bound over all layers, the first denseLayers attending densely. */
    public double modelBound(int context, int pageSize, int budget) {
        if (context <= budget) {
            return 1.0;
        }
        double sparse = (layers - Math.min(denseLayers, layers)) / (double) layers;
        return 1.0 / ((1 - sparse) + sparse / attentionBound(context, pageSize, budget));
    }
}
