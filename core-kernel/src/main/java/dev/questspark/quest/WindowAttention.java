package dev.questspark.quest;

import dev.questspark.kernel.Parallel;
import java.util.Arrays;

/**
 * Attention of sliding-window layers (Gemma 3's local layers): the query token at position t attends positions
 * [t - window + 1, t], as llama.cpp's LLAMA_SWA_TYPE_STANDARD mask (llama_hparams::is_masked_swa: key p0 is masked
 * when t - p0 >= window). Always dense: Quest's page selection applies to the global layers only.
 *
 * <p>The window rarely starts on a page boundary. Its whole pages go to the kernel's attendPages (reading tokens up to
 * t) in two halves; the window's tokens in the page before them, at most pageSize - 1, are attended here in Java with
 * the same online softmax, and the three partial states are merged by the kernel. Each query token's arithmetic is
 * fixed (the halves split at the same page whoever runs them), so the result does not depend on the block a token was
 * prefilled in, on the batch or on the thread count. A lone decode token runs its two halves on two threads: with
 * Gemma's one KV head it is otherwise a whole layer's attention on one thread while the other waits.
 */
final class WindowAttention {
    private final AttentionKernel kernel;
    private final int window;
    private final int group;
    private final int headDim;
    private final int stateSize;
    private float[] states = new float[0]; // (units, PARTS, stateSize): each unit's head part and its two page halves
    private static final int PARTS = 3;

    WindowAttention(AttentionKernel kernel, int window, int group, int headDim) {
        this.kernel = kernel;
        this.window = window;
        this.group = group;
        this.headDim = headDim;
        this.stateSize = AttentionKernel.stateSize(group, headDim);
    }

    /** Tokens each query attends at most. */
    int size() {
        return window;
    }

    /** True when some of n query tokens from position pos have keys outside their window. */
    boolean needed(int pos, int n) {
        return pos + n > window;
    }

    /**
     * Windowed attention of n query tokens at positions pos.., each with heads = kvHeads * group query heads (token t
     * at q[t * heads * headDim], query head j reading KV head j / group), over the layer's pages (one per KV head),
     * whose own row 0 holds position first (page-aligned: 0, or where a {@link WindowRing} starts).
     */
    void attend(Parallel pool, HeadPages[] layerPages, int first, int pos, int n, float[] q, float[] out) {
        int kvHeads = layerPages.length;
        int units = n * kvHeads;
        if (states.length < units * PARTS * stateSize) {
            states = new float[units * PARTS * stateSize];
        }
        int stride = kvHeads * group * headDim;
        if (n == 1 && pool.threads() > 1) {
            attendSplit(pool, layerPages, first, pos, q, 0, out, 0);
            return;
        }
        Parallel.RangeBody body = (a, b) -> {
            for (int u = a; u < b; u++) {
                int t = u / kvHeads;
                int h = u % kvHeads;
                int off = t * stride + h * group * headDim;
                attendOne(layerPages[h], first, pos + t, q, off, u * PARTS * stateSize, out, off);
            }
        };
        if (units == 1) {
            body.run(0, 1);
        } else {
            pool.forRange(units, 1, body);
        }
    }

    /**
     * {@link #attend} of the one query token at position pos (q at q[qOff ..], out at out[outOff ..]) over the pool:
     * each KV head's head part and first half on one thread, its second half on the other, the same parts as
     * {@link #attendOne}, so the same result. A lone sequence's window layers would otherwise run on one thread.
     */
    void attendSplit(Parallel pool, HeadPages[] layerPages, int first, int pos, float[] q, int qOff, float[] out, int outOff) {
        int kvHeads = layerPages.length;
        if (states.length < kvHeads * PARTS * stateSize) {
            states = new float[kvHeads * PARTS * stateSize];
        }
        pool.forRange(kvHeads * 2, 1, (a, b) -> {
            for (int u = a; u < b; u++) {
                int h = u / 2;
                attendParts(layerPages[h], first, pos, q, qOff + h * group * headDim, h * PARTS * stateSize, u % 2 == 0 ? 0 : 2,
                        u % 2 == 0 ? 2 : 3);
            }
        });
        for (int h = 0; h < kvHeads; h++) {
            kernel.merge(states, h * PARTS * stateSize, PARTS, group, headDim, out, outOff + h * group * headDim);
        }
    }

    /**
     * {@link #attend} of the one query token at position pos (q at q[qOff ..], out at out[outOff ..]) on the calling
     * thread: the same units in the same order, so the same result. A batched decode step spreads its rows' window
     * layers over the pool itself ({@link WindowRows}), one row per unit, as one row is too small to split.
     */
    void attendOne(HeadPages[] layerPages, int first, int pos, float[] q, int qOff, float[] out, int outOff) {
        int kvHeads = layerPages.length;
        if (states.length < kvHeads * PARTS * stateSize) {
            states = new float[kvHeads * PARTS * stateSize];
        }
        for (int h = 0; h < kvHeads; h++) {
            int off = h * group * headDim;
            attendOne(layerPages[h], first, pos, q, qOff + off, h * PARTS * stateSize, out, outOff + off);
        }
    }

    /**
     * One query token at position t, its group of query heads at q[qOff ..], over one KV head's pages; positions are
     * taken relative to first, which moves whole pages and so leaves the arithmetic as it is.
     */
    private void attendOne(HeadPages hp, int first, int t, float[] q, int qOff, int stateOff, float[] out, int outOff) {
        attendParts(hp, first, t, q, qOff, stateOff, 0, PARTS);
        kernel.merge(states, stateOff, PARTS, group, headDim, out, outOff);
    }

    /**
     * Parts [from, to) of one query token's window into states[stateOff + part * stateSize ..]: part 0 the tokens
     * before the first whole page, part 1 the first half of the whole pages, part 2 the rest (an empty part gets the
     * empty state, which the merge skips).
     */
    private void attendParts(HeadPages hp, int first, int t, float[] q, int qOff, int stateOff, int from, int to) {
        int p = hp.pageSize();
        int start = Math.max(0, t - window + 1) - first;
        int context = t + 1 - first;
        int firstWhole = (start + p - 1) / p;
        int pages = (context + p - 1) / p - firstWhole;
        int half = pages / 2;
        for (int part = from; part < to; part++) {
            int off = stateOff + part * stateSize;
            if (part == 0) {
                attendTokens(hp, start, Math.min(firstWhole * p, context), q, qOff, states, off);
                continue;
            }
            int pageFrom = part == 1 ? firstWhole : firstWhole + half;
            int count = part == 1 ? half : pages - half;
            if (count > 0) {
                kernel.attendPages(hp, context, null, 0, pageFrom, count, q, qOff, group, states, off);
            } else {
                empty(states, off);
            }
        }
    }

    /**
     * A partial state of the group's query rows over tokens [from, to), as the Java kernel's attendPages computes one.
     * The tokens' binary16 keys and values are converted once for all rows (at most pageSize - 1 tokens); every row
     * then runs the same float operations in the same order as reading them one by one.
     */
    void attendTokens(HeadPages hp, int from, int to, float[] q, int qOff, float[] state, int off) {
        empty(state, off);
        if (from >= to) {
            return;
        }
        int d = headDim;
        int n = to - from;
        float scale = hp.scale();
        int lOff = off + group;
        int aOff = off + 2 * group;
        float[] kT = new float[d * n]; // (headDim, n): channel-major, so the n dots advance side by side
        float[] v = new float[n * d];
        for (int t = 0; t < n; t++) {
            for (int c = 0; c < d; c++) {
                kT[c * n + t] = hp.key(from + t, c);
                v[t * d + c] = hp.value(from + t, c);
            }
        }
        float[] s = new float[n];
        for (int r = 0; r < group; r++) {
            float max = Float.NEGATIVE_INFINITY;
            int qr = qOff + r * d;
            // every dot still sums its channels in order 0..d-1 (the Java kernel's order, bit for bit), but the n
            // independent sums run together instead of one long chain of dependent additions after another
            Arrays.fill(s, 0f);
            for (int c = 0; c < d; c++) {
                float qc = q[qr + c];
                int kc = c * n;
                for (int t = 0; t < n; t++) {
                    s[t] += qc * kT[kc + t];
                }
            }
            for (int t = 0; t < n; t++) {
                s[t] *= scale;
                max = Math.max(max, s[t]);
            }
            state[off + r] = max;
            int ar = aOff + r * d;
            for (int t = 0; t < n; t++) {
                float w = (float) Math.exp(s[t] - max);
                state[lOff + r] += w;
                for (int c = 0; c < d; c++) {
                    state[ar + c] += w * v[t * d + c];
                }
            }
        }
    }

    /** The state of no tokens: max -inf, sum 0, accumulator 0 (merge skips it). */
    private void empty(float[] state, int off) {
        Arrays.fill(state, off, off + group, Float.NEGATIVE_INFINITY);
        Arrays.fill(state, off + group, off + stateSize, 0f);
    }
}
