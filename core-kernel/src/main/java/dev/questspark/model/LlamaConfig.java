package dev.questspark.model;

import dev.questspark.gguf.GgufFile;
import dev.questspark.gguf.GgufFormatException;
import java.util.Set;

/**
 * Hyper-parameters of a Llama-family model, read from GGUF metadata under the architecture's prefix
 * (llama.*, qwen2.*, mistral.*, gemma3.*). What an architecture changes in the block itself is in {@link BlockVariant}.
 */
public record LlamaConfig(
        String architecture,
        int dim,          // embedding width
        int layers,
        int heads,        // query heads
        int kvHeads,      // key/value heads (GQA when fewer than heads)
        int headDim,
        int ffnDim,       // SwiGLU hidden width
        int vocabSize,
        int contextLength,
        float ropeBase,
        int ropeDim,      // channels of each head that are rotated
        boolean ropeNeox, // rotate pairs (i, i + d/2) instead of (2i, 2i + 1)
        float rmsEps) {

    private static final Set<String> SUPPORTED = Set.of("llama", "qwen2", "mistral", "gemma3");

    public int kvDim() {
        return kvHeads * headDim;
    }

    public int qDim() {
        return heads * headDim;
    }

    /** Most transformer layers, heads, KV heads and channels per head accepted. */
    static final int MAX_LAYERS = 1024;
    static final int MAX_HEADS = 1024;
    static final int MAX_HEAD_DIM = 1024;
    /** Widest embedding and feed-forward layer accepted. */
    static final int MAX_DIM = 1 << 16;
    static final int MAX_FFN_DIM = 1 << 20;
    /**
     * Longest trained context accepted (16M tokens, above every published model): token positions, page counts and
     * KV sizes derived from it then stay far from int overflow.
     */
    public static final int MAX_CONTEXT = 1 << 24;

    /**
     * Reads and checks the hyper-parameters, each against its own range and against the others, before any buffer is
     * sized from them.
     *
     * @throws GgufFormatException naming the metadata key at fault and the values it accepts
     */
    public static LlamaConfig from(GgufFile gguf, int vocabSize) throws GgufFormatException {
        String arch = gguf.getString("general.architecture");
        if (!SUPPORTED.contains(arch)) {
            throw new GgufFormatException(gguf.path(), "general.architecture", "'" + arch
                    + "' is not supported; supported Llama-family architectures are " + SUPPORTED);
        }
        Keys k = new Keys(gguf, arch + ".");
        int dim = k.range("embedding_length", -1, 1, MAX_DIM);
        int layers = k.range("block_count", -1, 1, MAX_LAYERS);
        int heads = k.range("attention.head_count", -1, 1, MAX_HEADS);
        int kvHeads = k.range("attention.head_count_kv", heads, 1, heads);
        if (heads % kvHeads != 0) {
            throw k.error("attention.head_count_kv", kvHeads + " does not divide head_count " + heads
                    + "; expected a divisor of it (grouped-query attention shares each KV head among head_count / head_count_kv query heads)");
        }
        int headDim = k.even("attention.key_length", dim % heads == 0 ? dim / heads : -1, MAX_HEAD_DIM,
                "embedding_length " + dim + " / head_count " + heads);
        int valueDim = k.range("attention.value_length", headDim, 1, MAX_HEAD_DIM);
        if (valueDim != headDim) {
            throw k.error("attention.value_length", valueDim + " differs from key_length " + headDim
                    + "; this engine needs keys and values of the same width");
        }
        int ropeDim = k.even("rope.dimension_count", headDim, headDim, "the head dim " + headDim);
        LlamaConfig c = new LlamaConfig(arch, dim, layers, heads, kvHeads, headDim,
                k.range("feed_forward_length", -1, 1, MAX_FFN_DIM),
                vocabSize,
                k.range("context_length", 2048, 1, MAX_CONTEXT),
                k.positive("rope.freq_base", 10000f, Float.MAX_VALUE, "such as 10000"),
                ropeDim,
                arch.equals("qwen2") || arch.equals("gemma3"), // llama.cpp's LLAMA_ROPE_TYPE_NEOX architectures
                k.positive("attention.layer_norm_rms_epsilon", 1e-5f, 1f, "a small number such as 1e-5 or 1e-6"));
        if (vocabSize < 1) {
            throw new GgufFormatException(gguf.path(), "metadata key 'tokenizer.ggml.tokens'", "holds no tokens; expected a vocabulary");
        }
        return c;
    }

    /** Typed, range-checked reads of the keys under one architecture's prefix. */
    private record Keys(GgufFile gguf, String prefix) {
        /** An integer in [min, max]; def when absent (a negative def: the key is required). */
        int range(String key, int def, int min, int max) throws GgufFormatException {
            if (!gguf.has(prefix + key)) {
                if (def < 0) {
                    gguf.getInt(prefix + key); // throws: missing
                }
                return def;
            }
            long v = gguf.getLong(prefix + key);
            if (v < min || v > max) {
                throw error(key, v + " is out of range; expected " + min + " to " + max);
            }
            return (int) v;
        }

        /** An even integer in [2, max]; when absent, def (derived from defFrom, which must itself be valid). */
        int even(String key, int def, int max, String defFrom) throws GgufFormatException {
            if (!gguf.has(prefix + key) && (def < 2 || def > max || def % 2 != 0)) {
                throw error(key, "is absent and its default, " + defFrom + ", is not an even whole number from 2 to " + max);
            }
            int v = range(key, def, 2, max);
            if (v % 2 != 0) {
                throw error(key, v + " is odd; expected an even number (RoPE rotates channel pairs)");
            }
            return v;
        }

        /** A finite number in (0, max]; def when absent. */
        float positive(String key, float def, float max, String example) throws GgufFormatException {
            float v = gguf.getFloat(prefix + key, def);
            if (!(v > 0 && v <= max)) { // false for NaN too
                throw error(key, v + " is not a finite positive number" + (max < Float.MAX_VALUE ? " up to " + max : "")
                        + "; expected " + example);
            }
            return v;
        }

        GgufFormatException error(String key, String problem) {
            return new GgufFormatException(gguf.path(), "metadata key '" + prefix + key + "'", problem);
        }
    }
}
