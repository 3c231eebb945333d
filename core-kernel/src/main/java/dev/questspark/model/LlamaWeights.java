package dev.questspark.model;

import dev.questspark.gguf.GgmlType;
import dev.questspark.gguf.GgufFile;
import dev.questspark.gguf.GgufFormatException;
import dev.questspark.gguf.GgufTensorInfo;
import dev.questspark.kernel.WeightTensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The weights of a Llama-family model. Matrices stay memory-mapped in their GGUF encoding; norms, biases and
 * RoPE factors (small, F32) are copied to the heap. Every shape is checked against the config on load; the tensors a
 * {@link BlockVariant} adds (Gemma 3's query/key norms and post-norms) are required when it uses them.
 */
public final class LlamaWeights {
    public final WeightTensor tokenEmbedding; // (vocab, dim)
    public final float[][] attnNorm;          // (layer, dim)
    public final WeightTensor[] wq;           // (layer) of (heads * headDim, dim)
    public final WeightTensor[] wk;           // (layer) of (kvHeads * headDim, dim)
    public final WeightTensor[] wv;           // (layer) of (kvHeads * headDim, dim)
    public final float[][] bq;                // (layer, heads * headDim) or null rows: Qwen2 biases
    public final float[][] bk;                // (layer, kvHeads * headDim) or null rows
    public final float[][] bv;                // (layer, kvHeads * headDim) or null rows
    public final WeightTensor[] wo;           // (layer) of (dim, heads * headDim)
    public final float[][] ffnNorm;           // (layer, dim)
    public final WeightTensor[] wGate;        // (layer) of (ffnDim, dim)
    public final WeightTensor[] wUp;          // (layer) of (ffnDim, dim)
    public final WeightTensor[] wDown;        // (layer) of (dim, ffnDim)
    public final float[] outputNorm;          // (dim)
    public final WeightTensor output;         // (vocab, dim); the embedding itself when tied
    public final float[] ropeFreqFactors;     // (ropeDim / 2) Llama 3.1 rope_freqs, or null
    public final float[][] qNorm;             // (layer, headDim) RMSNorm of each query head, or null rows
    public final float[][] kNorm;             // (layer, headDim) RMSNorm of each key head, or null rows
    public final float[][] postAttnNorm;      // (layer, dim) RMSNorm of the attention output, or null rows
    public final float[][] postFfnNorm;       // (layer, dim) RMSNorm of the FFN output, or null rows

    public LlamaWeights(GgufFile gguf, LlamaConfig c) throws IOException {
        this(gguf, c, BlockVariant.llama(c.layers()));
    }

    public LlamaWeights(GgufFile gguf, LlamaConfig c, BlockVariant variant) throws IOException {
        int layers = c.layers();
        Loader in = new Loader(gguf);
        tokenEmbedding = in.matrix("token_embd.weight", c.vocabSize(), c.dim());
        outputNorm = in.vector("output_norm.weight", c.dim(), true);
        output = gguf.tensor("output.weight") != null ? in.matrix("output.weight", c.vocabSize(), c.dim()) : tokenEmbedding;
        ropeFreqFactors = in.vector("rope_freqs.weight", c.ropeDim() / 2, false);
        in.checkPositive("rope_freqs.weight", ropeFreqFactors);
        attnNorm = new float[layers][];
        ffnNorm = new float[layers][];
        bq = new float[layers][];
        bk = new float[layers][];
        bv = new float[layers][];
        wq = new WeightTensor[layers];
        wk = new WeightTensor[layers];
        wv = new WeightTensor[layers];
        wo = new WeightTensor[layers];
        wGate = new WeightTensor[layers];
        wUp = new WeightTensor[layers];
        wDown = new WeightTensor[layers];
        qNorm = new float[layers][];
        kNorm = new float[layers][];
        postAttnNorm = new float[layers][];
        postFfnNorm = new float[layers][];
        for (int l = 0; l < layers; l++) {
            String p = "blk." + l + ".";
            attnNorm[l] = in.vector(p + "attn_norm.weight", c.dim(), true);
            wq[l] = in.matrix(p + "attn_q.weight", c.qDim(), c.dim());
            wk[l] = in.matrix(p + "attn_k.weight", c.kvDim(), c.dim());
            wv[l] = in.matrix(p + "attn_v.weight", c.kvDim(), c.dim());
            bq[l] = in.vector(p + "attn_q.bias", c.qDim(), false);
            bk[l] = in.vector(p + "attn_k.bias", c.kvDim(), false);
            bv[l] = in.vector(p + "attn_v.bias", c.kvDim(), false);
            wo[l] = in.matrix(p + "attn_output.weight", c.dim(), c.qDim());
            ffnNorm[l] = in.vector(p + "ffn_norm.weight", c.dim(), true);
            wGate[l] = in.matrix(p + "ffn_gate.weight", c.ffnDim(), c.dim());
            wUp[l] = in.matrix(p + "ffn_up.weight", c.ffnDim(), c.dim());
            wDown[l] = in.matrix(p + "ffn_down.weight", c.dim(), c.ffnDim());
            qNorm[l] = in.vector(p + "attn_q_norm.weight", c.headDim(), variant.qkNorm());
            kNorm[l] = in.vector(p + "attn_k_norm.weight", c.headDim(), variant.qkNorm());
            postAttnNorm[l] = in.vector(p + "post_attention_norm.weight", c.dim(), variant.postNorms());
            postFfnNorm[l] = in.vector(p + "post_ffw_norm.weight", c.dim(), variant.postNorms());
        }
    }

    /** Reads named tensors and checks their shapes and types. */
    private static final class Loader {
        private final GgufFile gguf;

        Loader(GgufFile gguf) {
            this.gguf = gguf;
        }

        WeightTensor matrix(String name, int rows, int cols) throws IOException {
            GgufTensorInfo t = require(name);
            long[] d = t.dims();
            boolean shapeOk = d.length == 2 ? d[0] == cols && d[1] == rows : d.length == 1 && rows == 1 && d[0] == cols;
            if (!shapeOk) {
                throw new GgufFormatException(gguf.path(), "tensor '" + name + "' dims", java.util.Arrays.toString(d)
                        + " but the model's hyper-parameters need [" + cols + ", " + rows + "]");
            }
            return new WeightTensor(name, t.type(), rows, cols, gguf.tensorData(t));
        }

        float[] vector(String name, int length, boolean required) throws IOException {
            GgufTensorInfo t = gguf.tensor(name);
            if (t == null) {
                if (required) {
                    require(name);
                }
                return null;
            }
            if (t.type() != GgmlType.F32 || t.elementCount() != length) {
                throw new GgufFormatException(gguf.path(), "tensor '" + name + "'", "must be F32 with " + length
                        + " values, found " + t.type() + " with " + t.elementCount());
            }
            ByteBuffer b = gguf.tensorData(t).duplicate().order(ByteOrder.LITTLE_ENDIAN);
            float[] v = new float[length];
            b.asFloatBuffer().get(v);
            return v;
        }

        /** RoPE divides each pair's angle by its factor: a zero, negative or non-finite one would rotate by NaN. */
        void checkPositive(String name, float[] v) throws GgufFormatException {
            for (int i = 0; v != null && i < v.length; i++) {
                if (!(v[i] > 0 && v[i] <= Float.MAX_VALUE)) {
                    throw new GgufFormatException(gguf.path(), "tensor '" + name + "' element " + i, v[i]
                            + " is not a finite positive number; expected frequency factors such as 1.0 to 8.0");
                }
            }
        }

        private GgufTensorInfo require(String name) throws IOException {
            GgufTensorInfo t = gguf.tensor(name);
            if (t == null) {
                throw new GgufFormatException(gguf.path(), "tensor '" + name + "'", "is missing; is this a Llama-family GGUF?");
            }
            return t;
        }
    }
}
