package dev.questspark.model;

import dev.questspark.gguf.GgufFile;
import dev.questspark.gguf.GgufFormatException;
import java.util.Set;

/**
 * Hyper-parameters of a Llama-family model, read from GGUF metadata under the architecture's prefix
 * (llama.*, qwen2.*, mistral.*).
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

    private static final Set<String> SUPPORTED = Set.of("llama", "qwen2", "mistral");

    public int kvDim() {
        return kvHeads * headDim;
    }

    public int qDim() {
        return heads * headDim;
    }

    public static LlamaConfig from(GgufFile gguf, int vocabSize) throws GgufFormatException {
        String arch = gguf.getString("general.architecture");
        if (!SUPPORTED.contains(arch)) {
            throw new GgufFormatException(gguf.path(), "general.architecture", "'" + arch
                    + "' is not supported; supported Llama-family architectures are " + SUPPORTED);
        }
        int dim = gguf.getInt(arch + ".embedding_length");
        int heads = gguf.getInt(arch + ".attention.head_count");
        int kvHeads = gguf.getInt(arch + ".attention.head_count_kv", heads);
        int headDim = gguf.getInt(arch + ".attention.key_length", dim / heads);
        LlamaConfig c = new LlamaConfig(arch, dim,
                gguf.getInt(arch + ".block_count"),
                heads, kvHeads, headDim,
                gguf.getInt(arch + ".feed_forward_length"),
                vocabSize,
                gguf.getInt(arch + ".context_length", 2048),
                gguf.getFloat(arch + ".rope.freq_base", 10000f),
                gguf.getInt(arch + ".rope.dimension_count", headDim),
                arch.equals("qwen2"),
                gguf.getFloat(arch + ".attention.layer_norm_rms_epsilon", 1e-5f));
        c.validate(gguf);
        return c;
    }

    private void validate(GgufFile gguf) throws GgufFormatException {
        String problem = null;
        if (dim <= 0 || layers <= 0 || heads <= 0 || kvHeads <= 0 || headDim <= 0 || ffnDim <= 0 || vocabSize <= 0) {
            problem = "every dimension must be positive";
        } else if (heads % kvHeads != 0) {
            problem = "head_count " + heads + " is not a multiple of head_count_kv " + kvHeads;
        } else if (headDim % 2 != 0 || ropeDim > headDim || ropeDim % 2 != 0) {
            problem = "head dim " + headDim + " and rope dim " + ropeDim + " must be even with rope dim <= head dim";
        } else if (layers > 1024 || dim > 65536 || heads > 1024 || ffnDim > 1 << 20 || contextLength <= 0) {
            problem = "a dimension is out of range";
        }
        if (problem != null) {
            throw new GgufFormatException(gguf.path(), architecture + " hyper-parameters", problem + " (" + this + ")");
        }
    }
}
