package dev.questspark.model;

import dev.questspark.gguf.GgmlType;
import dev.questspark.kernel.Float16;
import dev.questspark.kernel.MatmulKernel;
import dev.questspark.kernel.Parallel;
import dev.questspark.kernel.WeightTensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The greedy token of a Q8_0 output head without reading all of it, provably the full head's argmax.
 * <p>
 * A Q8_0 weight is d * q with q an int8; q = 8 * (q >> 3) + l with l in [0, 7]. The sketch keeps the high five bits
 * as a Q5_0 row with scale 8 * d (exact in binary16), so a row's logit is its sketch logit plus d * sum_j l_j x~_j,
 * where x~ are the Q8_0-quantized activations both kernels see. That rest lies in d * [-7 X-, 7 X+] (X+ and X- the
 * sums of the positive and negative x~), whatever the row's low bits are. Per token: sketch logits of every row (65%
 * of the head's bytes), the lower and upper bounds of each row's exact logit, T = the largest lower bound, and the
 * exact Q8_0 logits (the full head's kernel, so the same bits) of the rows whose upper bound reaches T only. A row
 * left out has an exact logit below T, which the row that set T reaches: it is neither the maximum nor tied with it.
 * Among the candidates the lowest id of the largest logit wins, as {@code Sampler.argmax} picks over all logits.
 * <p>
 * The bounds are per block (each row's block scales times the block's activation sums, summed by the kernel in the
 * same pass as the sketch, {@link MatmulKernel#matmulBounds}): a per-row bound (the largest scale times the sums over
 * the whole row) left half the vocabulary as candidates; a 4-bit sketch, 40% to 80% of it. With five bits and
 * per-block bounds a Gemma 3 step over real text keeps tens to a few thousand of 262,144 rows (docs/gemma3.md).
 */
final class HeadSketch {
    private static final Logger LOG = LoggerFactory.getLogger(HeadSketch.class);
    private static final int BLOCK = 32;
    private static final int Q8_BYTES = 34;
    private static final int Q5_BYTES = 22;
    /** Relative allowance for the rounding of the Q8_0 activation scale and of x * (127 / amax). */
    private static final double ACT_SLACK = 1 + 0x1p-9;
    /** Absolute allowance per block for a binary16 activation scale in the subnormal range (32 * 127 * 2^-25). */
    private static final double ACT_TINY = 0x1p-12;

    private final WeightTensor head;
    private final WeightTensor sketch;
    private final int nb;
    /** Float rounding of the bound sums' chains of nb fused multiply-adds of non-negative terms, relative. */
    private final double sumSlack;
    private final ThreadLocal<float[][]> scratch = ThreadLocal.withInitial(() -> new float[2][0]);
    /**
     * Float rounding of both kernels: each sums nb + 1 terms of at most 128 * |d| * sum|x~| over a block (two roundings
     * per term), so each is off by at most gamma(nb + 2) * 128 * |d| * sum|x~| summed over blocks; 1024 instead of 256
     * leaves room for the one rounding of lo = sk - down and hi = sk + up in float (at most 2^-24 of |sk| + bound).
     */
    private final double roundSlack;

    private HeadSketch(WeightTensor head, WeightTensor sketch) {
        this.head = head;
        this.sketch = sketch;
        this.nb = head.cols() / BLOCK;
        double g = (nb + 2) * 0x1p-24;
        this.roundSlack = 1024 * g / (1 - g);
        this.sumSlack = 1 + 2 * g;
    }

    /**
     * The sketch of head, or null when it is not a Q8_0 matrix whose scales are non-negative (as ggml writes them:
     * amax / 127) and stay finite times 8 in binary16.
     */
    static HeadSketch of(WeightTensor head) {
        if (head.type() != GgmlType.Q8_0 || head.cols() % BLOCK != 0) {
            return null;
        }
        int rows = head.rows();
        int nb = head.cols() / BLOCK;
        ByteBuffer out = ByteBuffer.allocateDirect(Math.multiplyExact(rows, nb * Q5_BYTES)).order(ByteOrder.LITTLE_ENDIAN);
        byte[] in = new byte[nb * Q8_BYTES];
        byte[] row = new byte[nb * Q5_BYTES];
        ByteBuffer src = head.data().duplicate();
        for (int r = 0; r < rows; r++) {
            src.get((int) ((long) r * in.length), in);
            for (int b = 0; b < nb; b++) {
                float d = Float16.toFloat((short) (in[b * Q8_BYTES] & 0xff | in[b * Q8_BYTES + 1] << 8));
                if (!(d >= 0) || !Float.isFinite(8 * d) || Float16.toFloat(Float16.fromFloat(8 * d)) != 8 * d) {
                    return null;
                }
                block(in, b * Q8_BYTES, Float16.fromFloat(8 * d), row, b * Q5_BYTES);
            }
            out.put(row);
        }
        return new HeadSketch(head, new WeightTensor(head.name() + ".sketch5", GgmlType.Q5_0, rows, head.cols(), out.flip()));
    }

    /** One Q5_0 block (d5, qh[4], qs[16]: value j's low nibble in byte j % 16, its fifth bit in qh bit j) of q >> 3. */
    private static void block(byte[] in, int src, short d5, byte[] out, int dst) {
        out[dst] = (byte) d5;
        out[dst + 1] = (byte) (d5 >> 8);
        int qh = 0;
        for (int j = 0; j < BLOCK; j++) {
            int u = (in[src + 2 + j] >> 3) + 16; // in [0, 31]
            qh |= (u >> 4) << j;
            int i = dst + 6 + (j & 15);
            out[i] = (byte) (j < 16 ? u & 15 : out[i] | (u & 15) << 4);
        }
        for (int k = 0; k < 4; k++) {
            out[dst + 2 + k] = (byte) (qh >>> 8 * k);
        }
    }

    /** Bytes of the sketch (its GGUF-layout copy; a kernel may pack another). */
    long bytes() {
        return sketch.data().capacity();
    }

    /**
     * The full head's greedy token of each of n rows of x (row t at x[t * cols]) into next[t]. sk is scratch of n * rows
     * floats (the sketch logits). A row whose bounds are not finite (an overflowing activation) takes the full head.
     */
    void argmax(MatmulKernel kernel, Parallel par, float[] x, int n, float[] sk, int[] next) {
        int vocab = head.rows();
        float[] pn = new float[n * 2 * nb];
        boolean[] finite = new boolean[n];
        for (int t = 0; t < n; t++) {
            finite[t] = blockBounds(x, t * head.cols(), pn, t * 2 * nb);
        }
        float[][] s = scratch.get();
        if (s[0].length < n * vocab) {
            s[0] = new float[n * vocab];
            s[1] = new float[n * vocab];
        }
        float[] up = s[0];
        float[] down = s[1];
        float[] threshold = new float[n];
        Arrays.fill(threshold, Float.NEGATIVE_INFINITY);
        int[][] kept = new int[n][];
        int[] count = new int[n];
        // one pass: the sketch and its bounds, then each part's own largest lower bound (at most the global one, T)
        // and the rows whose upper bound reaches it: a superset of the rows that reach T, merged
        par.forRange(vocab, 16, (start, end) -> {
            kernel.matmulBounds(sketch, x, n, pn, sk, up, down, start, end);
            for (int t = 0; t < n; t++) {
                int base = t * vocab;
                float local = Float.NEGATIVE_INFINITY;
                for (int r = base + start; r < base + end; r++) {
                    float lo = sk[r] - down[r];
                    if (lo > local) {
                        local = lo;
                    }
                }
                int[] ids = new int[64];
                int c = 0;
                for (int r = base + start; r < base + end; r++) {
                    if (!(sk[r] + up[r] < local)) { // a NaN keeps its row
                        if (c == ids.length) {
                            ids = Arrays.copyOf(ids, 2 * c);
                        }
                        ids[c++] = r - base;
                    }
                }
                synchronized (kept) {
                    threshold[t] = Math.max(threshold[t], local);
                    int[] all = kept[t] == null ? ids : Arrays.copyOf(kept[t], count[t] + c);
                    if (kept[t] != null) {
                        System.arraycopy(ids, 0, all, count[t], c);
                    }
                    kept[t] = all;
                    count[t] += c;
                }
            }
        });
        for (int t = 0; t < n; t++) {
            next[t] = finite[t] && Float.isFinite(threshold[t]) ? candidatesArgmax(kernel, x, t, sk, up, threshold[t], kept[t], count[t])
                    : fullArgmax(kernel, par, x, t, sk);
        }
    }

    /**
     * The first largest exact logit among the kept rows whose upper bound reaches the threshold (ids in any order:
     * the lowest id wins a tie).
     */
    private int candidatesArgmax(MatmulKernel kernel, float[] x, int t, float[] sk, float[] up, float threshold, int[] kept,
                                 int keptCount) {
        int vocab = head.rows();
        int[] ids = new int[keptCount];
        int count = 0;
        for (int i = 0; i < keptCount; i++) {
            int r = kept[i];
            if (!(sk[t * vocab + r] + up[t * vocab + r] < threshold)) {
                ids[count++] = r;
            }
        }
        float[] exact = new float[count];
        kernel.matmulRows(head, x, t * head.cols(), ids, count, exact);
        int best = ids[0];
        float max = exact[0];
        for (int i = 1; i < count; i++) {
            if (exact[i] > max || exact[i] == max && ids[i] < best) {
                max = exact[i];
                best = ids[i];
            }
        }
        LOG.debug("head sketch: {} candidate rows of {}", count, vocab);
        return best;
    }

    /** The sketch's matvec with its bound sums alone, of one activation row: what argmax reads, for HeadSketchBench. */
    void boundsOnly(MatmulKernel kernel, Parallel par, float[] x, float[] sk) {
        float[] pn = new float[2 * nb];
        blockBounds(x, 0, pn, 0);
        float[][] s = scratch.get();
        if (s[0].length < head.rows()) {
            s[0] = new float[head.rows()];
            s[1] = new float[head.rows()];
        }
        par.forRange(head.rows(), 16, (start, end) -> kernel.matmulBounds(sketch, x, 1, pn, sk, s[0], s[1], start, end));
    }

    /**
     * Each block's bound factors of the activation row at x[off ..] into pn[at ..] (nb for the upper bounds, then nb
     * for the lower), per unit of the sketch's scale 8 d, rounded up: the most the low bits' 7 d times the positive
     * (negative) quantized activations can add (take), plus both kernels' rounding. False if one is not finite.
     */
    private boolean blockBounds(float[] x, int off, float[] pn, int at) {
        boolean finite = true;
        for (int b = 0; b < nb; b++) {
            double p = 0;
            double m = 0;
            float amax = 0;
            for (int j = off + b * BLOCK; j < off + (b + 1) * BLOCK; j++) {
                float v = x[j];
                amax = Math.max(amax, Math.abs(v));
                if (v > 0) {
                    p += v;
                } else {
                    m -= v;
                }
            }
            double round = BLOCK * (amax / 254.0); // each quant rounds by at most half a step of amax / 127
            double pos = ACT_SLACK * (p + round) + ACT_TINY;
            double neg = ACT_SLACK * (m + round) + ACT_TINY;
            double rounding = roundSlack * (ACT_SLACK * (p + m + round) + ACT_TINY);
            pn[at + b] = Math.nextUp((float) (sumSlack * (7 * pos + rounding) / 8));
            pn[at + nb + b] = Math.nextUp((float) (sumSlack * (7 * neg + rounding) / 8));
            finite &= Float.isFinite(pn[at + b]) && Float.isFinite(pn[at + nb + b]);
        }
        return finite;
    }

    private int fullArgmax(MatmulKernel kernel, Parallel par, float[] x, int t, float[] sk) {
        int vocab = head.rows();
        float[] row = t == 0 ? x : Arrays.copyOfRange(x, t * head.cols(), (t + 1) * head.cols());
        par.forRange(vocab, 16, (start, end) -> kernel.matmul(head, row, 1, sk, start, end));
        int best = 0;
        for (int i = 1; i < vocab; i++) {
            if (sk[i] > sk[best]) {
                best = i;
            }
        }
        return best;
    }
}
