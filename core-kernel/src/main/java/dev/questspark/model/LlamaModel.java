package dev.questspark.model;

import dev.questspark.kernel.Activations;
import dev.questspark.kernel.Float16;
import dev.questspark.kernel.MatmulKernel;
import dev.questspark.kernel.Parallel;
import dev.questspark.kernel.WeightTensor;

/**
 * The Llama-family transformer forward pass (Llama 2/3, SmolLM2, Mistral, Qwen2). Stateless and shared by
 * every session of a JVM: activations live in a {@link ForwardState}, keys and values in a {@link KvCache}.
 */
public final class LlamaModel {
    private final LlamaConfig config;
    private final LlamaWeights w;
    private final MatmulKernel kernel;
    private final Activations activations;
    private final float ropeThetaScale; // base^(-2/ropeDim): successive pair frequencies, as ggml computes them

    public LlamaModel(LlamaConfig config, LlamaWeights weights, MatmulKernel kernel, Activations activations) {
        this.config = config;
        this.w = weights;
        this.kernel = kernel;
        this.activations = activations;
        this.ropeThetaScale = (float) Math.pow(config.ropeBase(), -2.0 / config.ropeDim());
    }

    public LlamaConfig config() {
        return config;
    }

    public MatmulKernel kernel() {
        return kernel;
    }

    /**
     * Runs n tokens (n <= state.block()) at positions [cache.length(), cache.length() + n) through the model,
     * stores their keys and values, commits them to the cache and, when wantLogits, returns the next-token
     * logits after the last of them (a view into state, overwritten by the next call).
     */
    public float[] forward(KvCache cache, ForwardState s, Parallel par, int[] tokens, int off, int n, boolean wantLogits) {
        LlamaConfig c = config;
        int pos = cache.length();
        if (n < 1 || n > s.block()) {
            throw new IllegalArgumentException("forward needs 1.." + s.block() + " tokens, got " + n);
        }
        if (pos + n > cache.capacity()) {
            throw new IllegalStateException("the KV cache holds " + cache.capacity() + " tokens; " + (pos + n) + " requested");
        }
        // 1. token embeddings
        for (int t = 0; t < n; t++) {
            int id = tokens[off + t];
            if (id < 0 || id >= c.vocabSize()) {
                throw new IllegalArgumentException("token id " + id + " is outside the vocabulary of " + c.vocabSize());
            }
            kernel.dequantizeRow(w.tokenEmbedding, id, s.x, t * c.dim());
        }
        ropeTables(s, pos, n);
        for (int l = 0; l < c.layers(); l++) {
            // 2. attention block: RMSNorm, Q/K/V projections (+ biases), RoPE, cache, attention, output projection
            rmsNorm(s.xb, s.x, w.attnNorm[l], n, c.dim());
            matmul(par, w.wq[l], s.xb, n, s.q);
            matmul(par, w.wk[l], s.xb, n, s.k);
            matmul(par, w.wv[l], s.xb, n, s.v);
            addBias(s.q, w.bq[l], n);
            addBias(s.k, w.bk[l], n);
            addBias(s.v, w.bv[l], n);
            rope(s.q, c.heads(), n, s);
            rope(s.k, c.kvHeads(), n, s);
            cache.store(l, pos, n, s.k, s.v);
            roundToHalf(s.q, n * c.qDim()); // as llama.cpp does before multiplying f16 keys: keeps greedy tokens equal
            cache.attend(l, pos, n, s.q, s.att);
            matmul(par, w.wo[l], s.att, n, s.xb);
            add(s.x, s.xb, n * c.dim());
            // 3. feed-forward block: RMSNorm, SwiGLU, down projection, residual
            rmsNorm(s.xb, s.x, w.ffnNorm[l], n, c.dim());
            matmul(par, w.wGate[l], s.xb, n, s.gate);
            matmul(par, w.wUp[l], s.xb, n, s.up);
            activations.swiglu(s.gate, s.up, n * c.ffnDim());
            matmul(par, w.wDown[l], s.gate, n, s.xb);
            add(s.x, s.xb, n * c.dim());
        }
        cache.advance(n);
        if (!wantLogits) {
            return null;
        }
        // 4. final norm and classifier on the last token only
        rmsNorm(s.xb, s.x, (n - 1) * c.dim(), w.outputNorm, c.dim());
        matmul(par, w.output, s.xb, 1, s.logits);
        return s.logits;
    }

    /**
     * One decode step of a batch of sequences: row i runs tokens[i] at position caches[i].length() of the sequence
     * whose cache is caches[i], stores its key and value there, commits it, and writes its next-token logits to
     * logits[i * vocab ..]. Each weight matrix streams once for all rows. Row i's logits are bit-identical to those of
     * {@link #forward} of that one token on caches[i]: matmul rows do not depend on their batch (MatmulBatchRowsTest),
     * norms, RoPE and SwiGLU run per row, and attention gives each row what its own cache gives
     * ({@link BatchAttention}).
     */
    public void forwardBatch(KvCache[] caches, int[] tokens, int rows, ForwardState s, Parallel par, BatchAttention attention,
                             float[] logits) {
        LlamaConfig c = config;
        checkBatch(caches, tokens, rows, s, logits);
        int[] positions = new int[rows];
        // 1. token embeddings and each row's RoPE angles at its own position
        for (int i = 0; i < rows; i++) {
            positions[i] = caches[i].length();
            kernel.dequantizeRow(w.tokenEmbedding, tokens[i], s.x, i * c.dim());
            ropeRow(s, i, positions[i]);
        }
        for (int l = 0; l < c.layers(); l++) {
            // 2. attention block: RMSNorm, Q/K/V over all rows, RoPE, each row's K/V into its own cache, attention
            rmsNorm(s.xb, s.x, w.attnNorm[l], rows, c.dim());
            matmul(par, w.wq[l], s.xb, rows, s.q);
            matmul(par, w.wk[l], s.xb, rows, s.k);
            matmul(par, w.wv[l], s.xb, rows, s.v);
            addBias(s.q, w.bq[l], rows);
            addBias(s.k, w.bk[l], rows);
            addBias(s.v, w.bv[l], rows);
            rope(s.q, c.heads(), rows, s);
            rope(s.k, c.kvHeads(), rows, s);
            for (int i = 0; i < rows; i++) {
                System.arraycopy(s.k, i * c.kvDim(), s.kRow, 0, c.kvDim());
                System.arraycopy(s.v, i * c.kvDim(), s.vRow, 0, c.kvDim());
                caches[i].store(l, positions[i], 1, s.kRow, s.vRow);
            }
            roundToHalf(s.q, rows * c.qDim());
            attention.attend(l, caches, positions, rows, s.q, s.att);
            matmul(par, w.wo[l], s.att, rows, s.xb);
            add(s.x, s.xb, rows * c.dim());
            // 3. feed-forward block: RMSNorm, SwiGLU, down projection, residual
            rmsNorm(s.xb, s.x, w.ffnNorm[l], rows, c.dim());
            matmul(par, w.wGate[l], s.xb, rows, s.gate);
            matmul(par, w.wUp[l], s.xb, rows, s.up);
            swigluRows(s, rows);
            matmul(par, w.wDown[l], s.gate, rows, s.xb);
            add(s.x, s.xb, rows * c.dim());
        }
        for (int i = 0; i < rows; i++) {
            caches[i].advance(1);
        }
        // 4. final norm and classifier over every row
        rmsNorm(s.xb, s.x, w.outputNorm, rows, c.dim());
        matmul(par, w.output, s.xb, rows, logits);
    }

    private void checkBatch(KvCache[] caches, int[] tokens, int rows, ForwardState s, float[] logits) {
        LlamaConfig c = config;
        if (rows < 1 || rows > s.block() || rows > caches.length || rows > tokens.length) {
            throw new IllegalArgumentException("forwardBatch needs 1.." + s.block() + " rows with a cache and a token each, got "
                    + rows + " rows, " + caches.length + " caches, " + tokens.length + " tokens");
        }
        if ((long) rows * c.vocabSize() > logits.length) {
            throw new IllegalArgumentException("logits must hold rows * vocab = " + (long) rows * c.vocabSize() + " floats, got "
                    + logits.length);
        }
        for (int i = 0; i < rows; i++) {
            if (tokens[i] < 0 || tokens[i] >= c.vocabSize()) {
                throw new IllegalArgumentException("token id " + tokens[i] + " of row " + i + " is outside the vocabulary of "
                        + c.vocabSize());
            }
            if (caches[i].length() + 1 > caches[i].capacity()) {
                throw new IllegalStateException("the KV cache of row " + i + " is full (" + caches[i].capacity() + " tokens)");
            }
            for (int j = 0; j < i; j++) {
                if (caches[j] == caches[i]) {
                    throw new IllegalArgumentException("rows " + j + " and " + i + " share one KV cache; each row is its own sequence");
                }
            }
        }
    }

    /**
     * SwiGLU of rows rows. The vector kernels run whole vectors from the start of the array and the tail in scalar
     * code, so a row whose start is not a multiple of 16 channels would mix the two differently than it does alone:
     * such rows go through a one-row buffer.
     */
    private void swigluRows(ForwardState s, int rows) {
        int f = config.ffnDim();
        if (f % 16 == 0 || rows == 1) {
            activations.swiglu(s.gate, s.up, rows * f);
            return;
        }
        for (int i = 0; i < rows; i++) {
            System.arraycopy(s.gate, i * f, s.gateRow, 0, f);
            System.arraycopy(s.up, i * f, s.upRow, 0, f);
            activations.swiglu(s.gateRow, s.upRow, f);
            System.arraycopy(s.gateRow, 0, s.gate, i * f, f);
        }
    }

    private void matmul(Parallel par, WeightTensor m, float[] x, int n, float[] out) {
        par.forRange(m.rows(), 16, (start, end) -> kernel.matmul(m, x, n, out, start, end));
    }

    /** out[t] = x[t] / rms(x[t]) * weight for n rows of width d. */
    private void rmsNorm(float[] out, float[] x, float[] weight, int n, int d) {
        for (int t = 0; t < n; t++) {
            rmsNormRow(out, x, t * d, weight, d, t * d);
        }
    }

    private void rmsNorm(float[] out, float[] x, int xOff, float[] weight, int d) {
        rmsNormRow(out, x, xOff, weight, d, 0);
    }

    /** The sum of squares is accumulated in double, as ggml does. */
    private void rmsNormRow(float[] out, float[] x, int xOff, float[] weight, int d, int outOff) {
        double ss = 0;
        for (int i = 0; i < d; i++) {
            float v = x[xOff + i];
            ss += v * v;
        }
        float mean = (float) (ss / d);
        float scale = 1.0f / (float) Math.sqrt(mean + config.rmsEps());
        for (int i = 0; i < d; i++) {
            out[outOff + i] = x[xOff + i] * scale * weight[i];
        }
    }

    private void addBias(float[] y, float[] bias, int n) {
        if (bias == null) {
            return;
        }
        int d = bias.length;
        for (int t = 0; t < n; t++) {
            for (int i = 0; i < d; i++) {
                y[t * d + i] += bias[i];
            }
        }
    }

    /** Fills s.ropeCos/s.ropeSin for n tokens at positions pos... */
    private void ropeTables(ForwardState s, int pos, int n) {
        for (int t = 0; t < n; t++) {
            ropeRow(s, t, pos + t);
        }
    }

    /** Fills row t of s.ropeCos/s.ropeSin with the angles of position pos (ggml's theta recurrence, in float). */
    private void ropeRow(ForwardState s, int t, int pos) {
        int half = config.ropeDim() / 2;
        float[] factors = w.ropeFreqFactors;
        float theta = pos;
        for (int i = 0; i < half; i++) {
            float th = factors != null ? theta / factors[i] : theta;
            s.ropeCos[t * half + i] = (float) Math.cos(th);
            s.ropeSin[t * half + i] = (float) Math.sin(th);
            theta *= ropeThetaScale;
        }
    }

    /** Rotates the first ropeDim channels of every head of n tokens by the angles of {@link #ropeTables}. */
    private void rope(float[] y, int nHeads, int n, ForwardState s) {
        int hd = config.headDim();
        int half = config.ropeDim() / 2;
        for (int t = 0; t < n; t++) {
            for (int h = 0; h < nHeads; h++) {
                int base = (t * nHeads + h) * hd;
                for (int i = 0; i < half; i++) {
                    int a = config.ropeNeox() ? base + i : base + 2 * i;
                    int b = config.ropeNeox() ? base + i + half : base + 2 * i + 1;
                    float cos = s.ropeCos[t * half + i];
                    float sin = s.ropeSin[t * half + i];
                    float x0 = y[a];
                    float x1 = y[b];
                    y[a] = x0 * cos - x1 * sin;
                    y[b] = x0 * sin + x1 * cos;
                }
            }
        }
    }

    private static void roundToHalf(float[] y, int len) {
        for (int i = 0; i < len; i++) {
            y[i] = Float16.round(y[i]);
        }
    }

    private static void add(float[] acc, float[] y, int len) {
        for (int i = 0; i < len; i++) {
            acc[i] += y[i];
        }
    }
}
