package dev.questspark.model;

/**
 * The key/value cache of one sequence and the attention computed over it. The model writes keys (after RoPE)
 * and values for each layer, then asks for attention; an implementation decides what it reads (dense, or
 * Quest's selected pages). Positions [0, length()) are valid; a forward pass of n tokens stores positions
 * [length(), length() + n) in every layer and then calls {@link #advance(int)}.
 */
public interface KvCache extends AutoCloseable {
    /** Tokens stored and committed. */
    int length();

    /** Maximum tokens this cache can hold. */
    int capacity();

    /**
     * Stores n tokens' keys and values of one layer at positions [pos, pos + n). k and v are (n, kvHeads * headDim),
     * row-major, keys already rotated.
     */
    void store(int layer, int pos, int n, float[] k, float[] v);

    /**
     * Causal attention of n query tokens at positions [pos, pos + n) over positions [0, pos + i] each.
     * q and out are (n, heads * headDim); the softmax scale is 1/sqrt(headDim).
     */
    void attend(int layer, int pos, int n, float[] q, float[] out);

    /**
     * {@link #attend} for prompt tokens: always dense, as Quest leaves prefill dense, even for a prompt block of one
     * token (which {@link #attend} would run as a decode step), so the result and the counters of a prompt do not
     * depend on how it was cut into blocks.
     */
    default void attendPrompt(int layer, int pos, int n, float[] q, float[] out) {
        attend(layer, pos, n, q, out);
    }

    /** Commits n tokens stored by the last forward pass. */
    void advance(int n);

    /** Forgets every position at or after len (len <= length()). */
    void truncate(int len);

    /** Attention statistics since the cache was created (or last reset). */
    AttentionStats stats();

    @Override
    void close();
}
