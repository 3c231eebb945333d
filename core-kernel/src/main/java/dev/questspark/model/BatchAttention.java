package dev.questspark.model;

/**
 * The attention of one batched decode step ({@link LlamaModel#forwardBatch}): row i is the single new query token of
 * the sequence whose KV cache is caches[i], at position positions[i], its key and value already stored there. This is
 * the one seam where an implementation may look across sequences (for example read a KV page that several sequences
 * share once for all their queries); whatever it does, row i's output must be exactly what
 * {@code caches[i].attend(layer, positions[i], 1, q_i, out_i)} gives, so a sequence decodes the same alone or in a batch.
 * Implementations keep scratch space and are used by one thread at a time.
 */
public interface BatchAttention {
    /**
     * Attention of rows query tokens in one layer. q and out are (rows, heads * headDim); caches and positions hold
     * at least rows entries.
     */
    void attend(int layer, KvCache[] caches, int[] positions, int rows, float[] q, float[] out);

    /** The plain implementation: each row attends its own cache, one sequence after another. */
    static BatchAttention perSequence(LlamaConfig config) {
        return new PerSequenceAttention(config.qDim());
    }
}
