package dev.questspark.model;

import dev.questspark.kernel.Activations;
import dev.questspark.kernel.Float16;
import dev.questspark.kernel.GeluGate;
import dev.questspark.kernel.MatmulKernel;
import dev.questspark.kernel.Parallel;
import dev.questspark.kernel.WeightTensor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Llama-family transformer forward pass (Llama 2/3, SmolLM2, Mistral, Qwen2) and its Gemma 3 variant (scaled
 * embeddings, query/key norms, post-norms, GeGLU, sliding-window layers with their own RoPE base, logit soft-cap:
 * {@link BlockVariant}). The single-sequence and the batched pass run the same per-layer steps. Stateless and shared
 * by every session of a JVM: activations live in a {@link ForwardState}, keys and values in a {@link KvCache} (which
 * restricts sliding-window layers to their window).
 */
public final class LlamaModel {
    private final LlamaConfig config;
    private final BlockVariant variant;
    private final LlamaWeights w;
    private final MatmulKernel kernel;
    private final Activations activations;
    private final float ropeThetaScale; // base^(-2/ropeDim): successive pair frequencies, as ggml computes them
    private final float ropeThetaScaleSliding; // the same for the RoPE base of sliding-window layers
    /** GeGLU values from which a step splits its GeGLU over the pool (Gemma 3 270M: 2 rows of 2,048 channels). */
    private static final int GEGLU_PARALLEL_VALUES = 4096;
    /** Whether greedy steps may use the output head's sketch (system property quest.head.sketch, default true). */
    private static final boolean HEAD_SKETCH = Boolean.parseBoolean(System.getProperty("quest.head.sketch", "true"));
    /**
     * Rows up to which a greedy step reads the sketch. A lone row streams the head from memory, which the sketch cuts;
     * a batch's head is bound by its multiply-adds, which the sketch's pass and per-row scans add to: SmolLM2's shared
     * 7K batch of 8 took 34.7-35.3 ms of CPU a step with the sketch against 24.6-26.0 without (docs/benchmarks.md,
     * "Quiet run at the end of the thirteenth session"). Both give the same tokens.
     */
    private static final int SKETCH_MAX_ROWS = 1;
    private static final Logger LOG = LoggerFactory.getLogger(LlamaModel.class);
    private volatile HeadSketch headSketch;
    private volatile boolean sketchTried;

    public LlamaModel(LlamaConfig config, LlamaWeights weights, MatmulKernel kernel, Activations activations) {
        this(config, BlockVariant.llama(config.layers()), weights, kernel, activations);
    }

    public LlamaModel(LlamaConfig config, BlockVariant variant, LlamaWeights weights, MatmulKernel kernel,
            Activations activations) {
        this.config = config;
        this.variant = variant;
        this.w = weights;
        this.kernel = kernel;
        this.activations = activations;
        this.ropeThetaScale = (float) Math.pow(config.ropeBase(), -2.0 / config.ropeDim());
        this.ropeThetaScaleSliding = variant.slidingWindow() > 0
                ? (float) Math.pow(variant.ropeBaseSliding(), -2.0 / config.ropeDim()) : ropeThetaScale;
    }

    public LlamaConfig config() {
        return config;
    }

    public BlockVariant variant() {
        return variant;
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
        return forward(cache, s, par, tokens, off, n, wantLogits, false);
    }

    /**
     * {@link #forward(KvCache, ForwardState, Parallel, int[], int, int, boolean)} of prompt tokens when prompt is true:
     * their attention is dense whatever the block size ({@link KvCache#attendPrompt}); a lone token that is not part
     * of a prompt is a decode step (Quest when the cache is in Quest mode).
     */
    public float[] forward(KvCache cache, ForwardState s, Parallel par, int[] tokens, int off, int n, boolean wantLogits,
                           boolean prompt) {
        layers(cache, s, par, tokens, off, n, prompt);
        if (!wantLogits) {
            return null;
        }
        // 5. final norm and classifier on the last token only (Gemma: soft-capped when the file says so)
        rmsNorm(s.xb, s.x, (n - 1) * config.dim(), w.outputNorm, config.dim());
        matmul(par, w.output, s.xb, 1, s.logits);
        softcap(s.logits, config.vocabSize());
        return s.logits;
    }

    /**
     * {@link #forward(KvCache, ForwardState, Parallel, int[], int, int, boolean, boolean)} with logits wanted only for
     * their greedy token: returns the first id of the largest logit, the token {@code Sampler.argmax} picks from
     * forward's logits, through the head's sketch where it has one ({@link HeadSketch}); s.logits is scratch.
     */
    public int forwardGreedy(KvCache cache, ForwardState s, Parallel par, int[] tokens, int off, int n, boolean prompt) {
        layers(cache, s, par, tokens, off, n, prompt);
        rmsNorm(s.xb, s.x, (n - 1) * config.dim(), w.outputNorm, config.dim());
        int[] next = new int[1];
        greedyHead(par, s.xb, 1, s.logits, next);
        return next[0];
    }

    /** Steps 1 to 4 of forward: n tokens through every layer, their keys and values committed to the cache. */
    private void layers(KvCache cache, ForwardState s, Parallel par, int[] tokens, int off, int n, boolean prompt) {
        LlamaConfig c = config;
        int pos = cache.length();
        if (n < 1 || n > s.block()) {
            throw new IllegalArgumentException("forward needs 1.." + s.block() + " tokens, got " + n);
        }
        if (pos + n > cache.capacity()) {
            throw new IllegalStateException("the KV cache holds " + cache.capacity() + " tokens; " + (pos + n) + " requested");
        }
        // 1. token embeddings (Gemma: times sqrt(dim)) and the RoPE angles of their positions
        for (int t = 0; t < n; t++) {
            int id = tokens[off + t];
            if (id < 0 || id >= c.vocabSize()) {
                throw new IllegalArgumentException("token id " + id + " is outside the vocabulary of " + c.vocabSize());
            }
            embed(id, s, t);
            ropeRow(s, t, pos + t);
        }
        for (int l = 0; l < c.layers(); l++) {
            // 2. attention block: RMSNorm, Q/K/V projections, (Gemma: Q/K head norms), RoPE, cache, attention
            attentionInputs(l, n, s, par);
            cache.store(l, pos, n, s.k, s.v);
            if (prompt) {
                cache.attendPrompt(l, pos, n, s.q, s.att);
            } else {
                cache.attend(l, pos, n, s.q, s.att);
            }
            // 3. output projection, (Gemma: post-norm), residual
            attentionOutput(l, n, s, par);
            // 4. feed-forward block: RMSNorm, SwiGLU (Gemma: GeGLU), down projection, (Gemma: post-norm), residual
            feedForward(l, n, s, par);
        }
        cache.advance(n);
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
        checkBatch(caches, tokens, rows, s, logits);
        layersBatch(caches, tokens, rows, s, par, attention);
        // 5. final norm and classifier over every row
        rmsNorm(s.xb, s.x, w.outputNorm, rows, config.dim());
        matmul(par, w.output, s.xb, rows, logits);
        softcap(logits, rows * config.vocabSize());
    }

    /**
     * {@link #forwardBatch} with each row's logits wanted only for their greedy token, next[i], as
     * {@link #forwardGreedy} gives it for that row alone; logits is scratch of rows * vocab floats.
     */
    public void forwardBatchGreedy(KvCache[] caches, int[] tokens, int rows, ForwardState s, Parallel par,
                                   BatchAttention attention, float[] logits, int[] next) {
        checkBatch(caches, tokens, rows, s, logits);
        if (next.length < rows) {
            throw new IllegalArgumentException("next must hold " + rows + " tokens, got " + next.length);
        }
        layersBatch(caches, tokens, rows, s, par, attention);
        rmsNorm(s.xb, s.x, w.outputNorm, rows, config.dim());
        greedyHead(par, s.xb, rows, logits, next);
    }

    /** The layers of forwardBatch: each row's token through every layer, its key and value committed to its cache. */
    private void layersBatch(KvCache[] caches, int[] tokens, int rows, ForwardState s, Parallel par, BatchAttention attention) {
        LlamaConfig c = config;
        int[] positions = new int[rows];
        // 1. token embeddings and each row's RoPE angles at its own position
        for (int i = 0; i < rows; i++) {
            positions[i] = caches[i].length();
            embed(tokens[i], s, i);
            ropeRow(s, i, positions[i]);
        }
        for (int l = 0; l < c.layers(); l++) {
            // 2. attention block: Q/K/V over all rows as in forward, each row's K/V into its own cache, attention
            attentionInputs(l, rows, s, par, caches, positions);
            attention.attend(l, caches, positions, rows, s.q, s.att);
            // 3. output projection and residual; 4. feed-forward block, as in forward
            attentionOutput(l, rows, s, par);
            feedForward(l, rows, s, par);
        }
        for (int i = 0; i < rows; i++) {
            caches[i].advance(1);
        }
    }

    /**
     * The greedy token of each of n normed rows of x into next: through the head's sketch when there is one and n is at
     * most SKETCH_MAX_ROWS, else the full head's (soft-capped) logits in scratch and their first largest.
     */
    private void greedyHead(Parallel par, float[] x, int n, float[] scratch, int[] next) {
        HeadSketch sketch = n <= SKETCH_MAX_ROWS ? sketch() : null;
        if (sketch != null) {
            sketch.argmax(kernel, par, x, n, scratch, next);
            return;
        }
        int vocab = config.vocabSize();
        matmul(par, w.output, x, n, scratch);
        softcap(scratch, n * vocab);
        for (int t = 0; t < n; t++) {
            int best = t * vocab;
            for (int i = best + 1; i < (t + 1) * vocab; i++) {
                if (scratch[i] > scratch[best]) {
                    best = i;
                }
            }
            next[t] = best - t * vocab;
        }
    }

    /**
     * The head's sketch, made on the first greedy step (a soft-capped head has none: capping can merge distinct
     * logits, which the sketch's bounds do not follow), or null; -Dquest.head.sketch=false keeps the full head.
     */
    private HeadSketch sketch() {
        HeadSketch h = headSketch;
        if (h == null && !sketchTried) {
            synchronized (this) {
                if (!sketchTried) {
                    headSketch = h = makeSketch();
                    sketchTried = true;
                }
                h = headSketch;
            }
        }
        return h;
    }

    private HeadSketch makeSketch() {
        if (!HEAD_SKETCH || variant.logitSoftcap() != 0f) {
            LOG.info("greedy steps read the full output head ({})", HEAD_SKETCH ? "soft-capped logits" : "quest.head.sketch=false");
            return null;
        }
        long t0 = System.nanoTime();
        HeadSketch h = HeadSketch.of(w.output);
        if (h == null) {
            LOG.info("greedy steps read the full output head (a {} head has no sketch)", w.output.type());
        } else {
            LOG.info("greedy steps read a 5-bit sketch of the Q8_0 output head ({} MB, made in {} ms) and its candidate rows",
                    h.bytes() >> 20, (System.nanoTime() - t0) / 1_000_000);
        }
        return h;
    }

    /** Row t of s.x: the embedding of token id, times the variant's scale. */
    private void embed(int id, ForwardState s, int t) {
        int d = config.dim();
        kernel.dequantizeRow(w.tokenEmbedding, id, s.x, t * d);
        float scale = variant.embeddingScale();
        if (scale != 1f) {
            for (int i = t * d; i < (t + 1) * d; i++) {
                s.x[i] *= scale;
            }
        }
    }

    /**
     * Queries, keys and values of n rows of s.x for layer l into s.q, s.k, s.v, row t rotated by RoPE table row t:
     * keys ready for the cache; queries scaled and rounded to binary16 as llama.cpp multiplies them with f16 keys.
     */
    private void attentionInputs(int l, int n, ForwardState s, Parallel par) {
        attentionInputs(l, n, s, par, null, null);
    }

    /**
     * {@link #attentionInputs(int, int, ForwardState, Parallel)} for a batch when caches is not null: row i's key and
     * value then go into caches[i] at positions[i] in the same pool part as its head inputs. Each row writes only its
     * own cache; on the calling thread alone the stores kept the other thread waiting (perf of a shared batch-8 step
     * on the Zen 4: qk_attn_store and its binary16 conversion 1.1% of the samples, all on the calling thread).
     */
    private void attentionInputs(int l, int n, ForwardState s, Parallel par, KvCache[] caches, int[] positions) {
        LlamaConfig c = config;
        rmsNorm(s.xb, s.x, w.attnNorm[l], n, c.dim());
        matmuls(par, s.xb, n, w.wq[l], s.q, w.wk[l], s.k, w.wv[l], s.v);
        if (n == 1) {
            headInputs(l, 0, 1, s);
            storeRows(l, 0, 1, s, caches, positions);
        } else {
            // rows are independent: a batch's (or a prompt block's) rows split over the pool, each row computed as alone
            par.forRange(n, 1, (from, to) -> {
                headInputs(l, from, to, s);
                storeRows(l, from, to, s, caches, positions);
            });
        }
    }

    /** Row i of s.k and s.v, for i in [from, to), into caches[i] at positions[i] (nothing when caches is null). */
    private void storeRows(int l, int from, int to, ForwardState s, KvCache[] caches, int[] positions) {
        if (caches == null) {
            return;
        }
        int kvDim = config.kvDim();
        float[] k = new float[kvDim]; // the caches take a row from index 0; a part's own copy (parts run at once)
        float[] v = new float[kvDim];
        for (int i = from; i < to; i++) {
            System.arraycopy(s.k, i * kvDim, k, 0, kvDim);
            System.arraycopy(s.v, i * kvDim, v, 0, kvDim);
            caches[i].store(l, positions[i], 1, k, v);
        }
    }

    /** Rows [from, to) of s.q, s.k, s.v after their projections: biases, (Gemma) head norms, RoPE, query scale, binary16. */
    private void headInputs(int l, int from, int to, ForwardState s) {
        LlamaConfig c = config;
        addBias(s.q, w.bq[l], from, to);
        addBias(s.k, w.bk[l], from, to);
        addBias(s.v, w.bv[l], from, to);
        if (variant.qkNorm()) {
            rmsNorm(s.q, s.q, w.qNorm[l], from * c.heads(), to * c.heads(), c.headDim());
            rmsNorm(s.k, s.k, w.kNorm[l], from * c.kvHeads(), to * c.kvHeads(), c.headDim());
        }
        boolean sliding = variant.slides(l);
        float[] cos = sliding ? s.ropeCosSliding : s.ropeCos;
        float[] sin = sliding ? s.ropeSinSliding : s.ropeSin;
        rope(s.q, c.heads(), from, to, cos, sin);
        rope(s.k, c.kvHeads(), from, to, cos, sin);
        if (variant.queryScale() != 1f) {
            for (int i = from * c.qDim(); i < to * c.qDim(); i++) {
                s.q[i] *= variant.queryScale();
            }
        }
        roundToHalf(s.q, from * c.qDim(), to * c.qDim()); // as llama.cpp does before multiplying f16 keys: keeps greedy tokens equal
    }

    /** s.x += (post-norm of) the output projection of n rows of attention output s.att. */
    private void attentionOutput(int l, int n, ForwardState s, Parallel par) {
        matmul(par, w.wo[l], s.att, n, s.xb);
        if (variant.postNorms()) {
            rmsNorm(s.xb, s.xb, w.postAttnNorm[l], n, config.dim());
        }
        add(s.x, s.xb, n * config.dim());
    }

    /** s.x += (post-norm of) the gated feed-forward block of n rows of s.x. */
    private void feedForward(int l, int n, ForwardState s, Parallel par) {
        LlamaConfig c = config;
        rmsNorm(s.xb, s.x, w.ffnNorm[l], n, c.dim());
        matmuls(par, s.xb, n, w.wGate[l], s.gate, w.wUp[l], s.up, null, null);
        if (variant.geluGate()) {
            geglu(par, s, n * c.ffnDim());
        } else {
            swigluRows(s, n);
        }
        matmul(par, w.wDown[l], s.gate, n, s.xb);
        if (variant.postNorms()) {
            rmsNorm(s.xb, s.xb, w.postFfnNorm[l], n, c.dim());
        }
        add(s.x, s.xb, n * c.dim());
    }

    /**
     * GeGLU of len values of s.gate and s.up, one value at a time (rows never interact, nor do values), so a batch's
     * rows are split over the pool: on the calling thread alone they kept the other thread waiting about 4% of a
     * Gemma batch-8 step. A single row is too small to pay for the hand-off.
     */
    private void geglu(Parallel par, ForwardState s, int len) {
        if (len < GEGLU_PARALLEL_VALUES) {
            GeluGate.geglu(s.gate, s.up, 0, len);
        } else {
            par.forRange(len, 256, (from, to) -> GeluGate.geglu(s.gate, s.up, from, to));
        }
    }

    /** logits = cap * tanh(logits / cap) when the variant soft-caps (ggml_scale, ggml_tanh, ggml_scale). */
    private void softcap(float[] logits, int len) {
        float cap = variant.logitSoftcap();
        if (cap == 0f) {
            return;
        }
        for (int i = 0; i < len; i++) {
            logits[i] = cap * (float) Math.tanh(logits[i] * (1f / cap));
        }
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

    /**
     * The products of one input with two or three matrices (c may be null) in one parallel region over their rows
     * laid end to end: a step hands work to the pool once instead of once per matrix (a hand-off and its wait cost
     * about as much as a small batched matmul). Each output row is computed as by {@link #matmul}, whatever the split.
     */
    private void matmuls(Parallel par, float[] x, int n, WeightTensor a, float[] outA, WeightTensor b, float[] outB,
                         WeightTensor c, float[] outC) {
        int ab = a.rows() + b.rows();
        par.forRange(ab + (c == null ? 0 : c.rows()), 16, (start, end) -> {
            matmulPart(a, x, n, outA, start, end, 0);
            matmulPart(b, x, n, outB, start, end, a.rows());
            if (c != null) {
                matmulPart(c, x, n, outC, start, end, ab);
            }
        });
    }

    /** The rows of m that fall in [start, end) of a range where m's rows begin at base. */
    private void matmulPart(WeightTensor m, float[] x, int n, float[] out, int start, int end, int base) {
        int from = Math.max(start - base, 0);
        int to = Math.min(end - base, m.rows());
        if (from < to) {
            kernel.matmul(m, x, n, out, from, to);
        }
    }

    /** out[t] = x[t] / rms(x[t]) * weight for n rows of width d. */
    private void rmsNorm(float[] out, float[] x, float[] weight, int n, int d) {
        rmsNorm(out, x, weight, 0, n, d);
    }

    /** out[t] = x[t] / rms(x[t]) * weight for rows [from, to) of width d. */
    private void rmsNorm(float[] out, float[] x, float[] weight, int from, int to, int d) {
        for (int t = from; t < to; t++) {
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

    private void addBias(float[] y, float[] bias, int from, int to) {
        if (bias == null) {
            return;
        }
        int d = bias.length;
        for (int t = from; t < to; t++) {
            for (int i = 0; i < d; i++) {
                y[t * d + i] += bias[i];
            }
        }
    }

    /**
     * Fills row t of s.ropeCos/s.ropeSin (and, with sliding-window layers, of s.ropeCosSliding/s.ropeSinSliding at
     * their base) with the angles of position pos.
     */
    private void ropeRow(ForwardState s, int t, int pos) {
        ropeRow(s.ropeCos, s.ropeSin, ropeThetaScale, t, pos);
        if (variant.slidingWindow() > 0) {
            ropeRow(s.ropeCosSliding, s.ropeSinSliding, ropeThetaScaleSliding, t, pos);
        }
    }

    /** Row t of cos/sin: the angles of position pos (ggml's theta recurrence, in float). */
    private void ropeRow(float[] cos, float[] sin, float thetaScale, int t, int pos) {
        int half = config.ropeDim() / 2;
        float[] factors = w.ropeFreqFactors;
        float theta = pos;
        for (int i = 0; i < half; i++) {
            float th = factors != null ? theta / factors[i] : theta;
            cos[t * half + i] = (float) Math.cos(th);
            sin[t * half + i] = (float) Math.sin(th);
            theta *= thetaScale;
        }
    }

    /** Rotates the first ropeDim channels of every head of tokens [from, to), token t by row t of ropeCos/ropeSin. */
    private void rope(float[] y, int nHeads, int from, int to, float[] ropeCos, float[] ropeSin) {
        int hd = config.headDim();
        int half = config.ropeDim() / 2;
        for (int t = from; t < to; t++) {
            for (int h = 0; h < nHeads; h++) {
                int base = (t * nHeads + h) * hd;
                for (int i = 0; i < half; i++) {
                    int a = config.ropeNeox() ? base + i : base + 2 * i;
                    int b = config.ropeNeox() ? base + i + half : base + 2 * i + 1;
                    float cos = ropeCos[t * half + i];
                    float sin = ropeSin[t * half + i];
                    float x0 = y[a];
                    float x1 = y[b];
                    y[a] = x0 * cos - x1 * sin;
                    y[b] = x0 * sin + x1 * cos;
                }
            }
        }
    }

    private static void roundToHalf(float[] y, int from, int to) {
        for (int i = from; i < to; i++) {
            y[i] = Float16.round(y[i]);
        }
    }

    private static void add(float[] acc, float[] y, int len) {
        for (int i = 0; i < len; i++) {
            acc[i] += y[i];
        }
    }
}
