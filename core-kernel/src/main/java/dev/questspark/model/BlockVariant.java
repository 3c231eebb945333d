package dev.questspark.model;

import dev.questspark.gguf.GgufFile;
import dev.questspark.gguf.GgufFormatException;
import java.util.List;

/**
 * How an architecture's transformer block departs from Llama's, as llama.cpp builds it: read from GGUF metadata
 * where the file says it, and fixed per architecture where llama.cpp fixes it in code. Llama, Qwen2 and Mistral use
 * {@link #llama}; {@code gemma3} follows llama.cpp's src/models/gemma3.cpp (llama_model_gemma3::load_arch_hparams
 * and its graph).
 *
 * @param embeddingScale  token embeddings are multiplied by this (Gemma: sqrt(dim), on the f32 embedding rows)
 * @param qkNorm          queries and keys are RMS-normed per head (attn_q_norm, attn_k_norm) before RoPE
 * @param postNorms       the attention and FFN outputs are RMS-normed (post_attention_norm, post_ffw_norm) before
 *                        their residual adds
 * @param geluGate        the gated FFN uses GELU (tanh approximation) instead of SiLU: GeGLU instead of SwiGLU
 * @param queryScale      queries are multiplied by this before attention, whose softmax scale stays
 *                        1/sqrt(headDim): 1 unless llama.cpp's attention scale differs from 1/sqrt(headDim)
 * @param logitSoftcap    final logits become cap * tanh(logits / cap); 0 for none
 * @param slidingWindow   keys a sliding-window layer attends, its own token included; 0 when no layer slides
 * @param slidingLayers   (layers) true for a sliding-window layer; all false when slidingWindow is 0
 * @param ropeBaseSliding the RoPE base of sliding-window layers (global layers use LlamaConfig.ropeBase)
 */
public record BlockVariant(float embeddingScale, boolean qkNorm, boolean postNorms, boolean geluGate, float queryScale,
        float logitSoftcap, int slidingWindow, boolean[] slidingLayers, float ropeBaseSliding) {

    /**
     * llama.cpp's gemma3 layer pattern when the file has no {@code gemma3.attention.sliding_window_pattern}: every
     * sixth layer is global, the other five slide (load_swa_pattern(ml, 6) with llama_hparams::set_swa_pattern:
     * layer il slides when il % 6 < 5).
     */
    static final int GEMMA3_SWA_PATTERN = 6;
    /**
     * llama.cpp's RoPE base of gemma3's sliding-window layers when the file has no {@code gemma3.rope.freq_base_swa}:
     * the default of llama_hparams::rope_freq_base_train_swa (src/llama-hparams.h).
     */
    static final float GEMMA3_ROPE_BASE_SWA = 10000f;

    /** The plain Llama block: nothing added. */
    public static BlockVariant llama(int layers) {
        return new BlockVariant(1f, false, false, false, 1f, 0f, 0, new boolean[layers], 0f);
    }

    /** True when layer attends only its last {@link #slidingWindow} tokens. */
    public boolean slides(int layer) {
        return slidingLayers[layer];
    }

    /** The variant of config's architecture, reading what the file says. */
    public static BlockVariant of(GgufFile gguf, LlamaConfig c) throws GgufFormatException {
        if (!c.architecture().equals("gemma3")) {
            return llama(c.layers());
        }
        String p = "gemma3.";
        int window = gguf.getInt(p + "attention.sliding_window", 0);
        if (window < 0) {
            throw new GgufFormatException(gguf.path(), "metadata key '" + p + "attention.sliding_window'", window
                    + " is negative; expected the window in tokens (512 for Gemma 3), or 0 for none");
        }
        boolean[] sliding = new boolean[c.layers()];
        if (window > 0) {
            slidingPattern(gguf, p + "attention.sliding_window_pattern", sliding);
        }
        float cap = gguf.getFloat(p + "final_logit_softcapping", 0f);
        if (!(cap >= 0 && cap < Float.POSITIVE_INFINITY)) {
            throw new GgufFormatException(gguf.path(), "metadata key '" + p + "final_logit_softcapping'", cap
                    + " is not a finite number >= 0");
        }
        float ropeSwa = gguf.getFloat(p + "rope.freq_base_swa", GEMMA3_ROPE_BASE_SWA);
        if (!(ropeSwa > 0 && ropeSwa < Float.POSITIVE_INFINITY)) {
            throw new GgufFormatException(gguf.path(), "metadata key '" + p + "rope.freq_base_swa'", ropeSwa
                    + " is not a finite positive number; expected a RoPE base such as 10000");
        }
        // llama.cpp: f_attention_scale = 1/sqrt(n_embd / n_head) for the 62-layer (27B) model, else 1/sqrt(head dim),
        // applied to the queries; our attention already scales by 1/sqrt(head dim).
        float attentionScale = c.layers() == 62 ? (float) (1 / Math.sqrt((double) (c.dim() / c.heads())))
                : (float) (1 / Math.sqrt(c.headDim()));
        float queryScale = attentionScale * (float) Math.sqrt(c.headDim());
        return new BlockVariant((float) Math.sqrt(c.dim()), true, true, true, queryScale, cap, window, sliding, ropeSwa);
    }

    /**
     * Which layers slide: the file's per-layer booleans, or an integer period n (layer il slides when il % n < n - 1),
     * or llama.cpp's default period for gemma3.
     */
    private static void slidingPattern(GgufFile gguf, String key, boolean[] sliding) throws GgufFormatException {
        Object v = gguf.metadata().get(key);
        if (v instanceof List<?> list) {
            if (list.size() < sliding.length) {
                throw new GgufFormatException(gguf.path(), "metadata key '" + key + "'", "holds " + list.size()
                        + " values for " + sliding.length + " layers; expected one boolean per layer");
            }
            for (int il = 0; il < sliding.length; il++) {
                if (!(list.get(il) instanceof Boolean b)) {
                    throw new GgufFormatException(gguf.path(), "metadata key '" + key + "'", "value " + il
                            + " is not a boolean; expected one boolean per layer (true: sliding window)");
                }
                sliding[il] = b;
            }
            return;
        }
        int n = v == null ? GEMMA3_SWA_PATTERN : gguf.getInt(key, GEMMA3_SWA_PATTERN);
        if (n < 0) {
            throw new GgufFormatException(gguf.path(), "metadata key '" + key + "'", n + " is negative; expected a layer period");
        }
        for (int il = 0; il < sliding.length; il++) {
            sliding[il] = n == 0 || il % n < n - 1;
        }
    }
}
