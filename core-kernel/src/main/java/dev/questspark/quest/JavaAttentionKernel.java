package dev.questspark.quest;

import dev.questspark.kernel.Float16;
import java.nio.ByteBuffer;

/**
 * The plain-Java twin of the native attention kernel: the same operations in the same order, scalar. It is the
 * fallback where the native library is missing and the reference the native kernel is tested against.
 */
public final class JavaAttentionKernel implements AttentionKernel {
    /** Criticality sums use 16 lanes (channel c into lane c % 16) and a fixed tree: the SIMD kernels' order. */
    static final int LANES = 16;

    @Override
    public String name() {
        return "java";
    }

    @Override
    public void store(HeadPages hp, int pos, int n, float[] k, float[] v, int off, int stride) {
        int d = hp.headDim();
        int p = hp.pageSize();
        ByteBuffer keys = hp.keys();
        ByteBuffer values = hp.values();
        ByteBuffer min = hp.keyMin();
        ByteBuffer max = hp.keyMax();
        int lastPage = -1;
        for (int i = 0; i < n; i++) {
            int t = pos + i - hp.split() * p; // own storage row
            int page = t / p;
            boolean first = t % p == 0;
            int src = off + i * stride;
            for (int c = 0; c < d; c++) {
                short kh = Float16.fromFloat(k[src + c]);
                keys.putShort((t * d + c) * 2, kh);
                values.putShort((t * d + c) * 2, Float16.fromFloat(v[src + c]));
                float kf = Float16.toFloat(kh);
                int mo = (page * d + c) * 4;
                if (first) {
                    min.putFloat(mo, kf);
                    max.putFloat(mo, kf);
                } else {
                    float lo = min.getFloat(mo);
                    float hi = max.getFloat(mo);
                    min.putFloat(mo, kf < lo ? kf : lo);
                    max.putFloat(mo, kf > hi ? kf : hi);
                }
            }
            if (page != lastPage && lastPage >= 0) {
                mirrorBounds(hp, lastPage);
            }
            lastPage = page;
        }
        if (lastPage >= 0) {
            mirrorBounds(hp, lastPage);
        }
    }

    @Override
    public void recomputeBounds(HeadPages hp, int page, int tokens) {
        int d = hp.headDim();
        int t0 = page * hp.pageSize();
        int local = page - hp.split();
        ByteBuffer min = hp.keyMin();
        ByteBuffer max = hp.keyMax();
        for (int c = 0; c < d; c++) {
            float lo = hp.key(t0, c);
            float hi = lo;
            for (int t = t0 + 1; t < t0 + tokens; t++) {
                float kf = hp.key(t, c);
                lo = kf < lo ? kf : lo;
                hi = kf > hi ? kf : hi;
            }
            min.putFloat((local * d + c) * 4, lo);
            max.putFloat((local * d + c) * 4, hi);
        }
        mirrorBounds(hp, local);
    }

    /** Copies own page's f32 bounds into the binary16 scoring copy (exact: they are binary16 values). */
    private static void mirrorBounds(HeadPages hp, int ownPage) {
        int d = hp.headDim();
        ByteBuffer b = hp.bounds();
        for (int c = 0; c < d; c++) {
            b.putShort((ownPage * 2 * d + c) * 2, Float16.fromFloat(hp.keyMin().getFloat((ownPage * d + c) * 4)));
            b.putShort((ownPage * 2 * d + d + c) * 2, Float16.fromFloat(hp.keyMax().getFloat((ownPage * d + c) * 4)));
        }
    }

    @Override
    public void score(HeadPages hp, int pageCount, float[] q, int qOff, int rows, boolean maxOverRows, float[] scores, int off) {
        score(hp, 0, pageCount, q, qOff, rows, maxOverRows, scores, off);
    }

    @Override
    public void score(HeadPages hp, int firstPage, int pageCount, float[] q, int qOff, int rows, boolean maxOverRows, float[] scores,
            int off) {
        int d = hp.headDim();
        float[] lo = new float[d];
        float[] hi = new float[d];
        float[] lanes = new float[LANES];
        for (int p = 0; p < pageCount; p++) {
            for (int c = 0; c < d; c++) {
                lo[c] = Float16.toFloat(hp.bound(firstPage + p, false, c));
                hi[c] = Float16.toFloat(hp.bound(firstPage + p, true, c));
            }
            float best = 0;
            for (int r = 0; r < rows; r++) {
                java.util.Arrays.fill(lanes, 0f);
                int qr = qOff + r * d;
                for (int c = 0; c < d; c++) {
                    float a = q[qr + c] * lo[c];
                    float e = q[qr + c] * hi[c];
                    lanes[c & (LANES - 1)] += a > e ? a : e;
                }
                float s = reduceLanes(lanes);
                if (maxOverRows) {
                    best = r == 0 ? s : (s > best ? s : best);
                } else {
                    scores[off + r * pageCount + p] = s;
                }
            }
            if (maxOverRows) {
                scores[off + p] = best;
            }
        }
    }

    /** The fixed reduction tree of the SIMD kernels: halves, then quarters, eighths, and the last pair. */
    static float reduceLanes(float[] l) {
        for (int w = LANES / 2; w >= 1; w /= 2) {
            for (int j = 0; j < w; j++) {
                l[j] += l[j + w];
            }
        }
        return l[0];
    }

    @Override
    public void pageMaxLogits(HeadPages hp, int[] pageIds, int idsOff, int count, float[] q, int qOff, int rows, float[] out,
            int outOff) {
        int d = hp.headDim();
        int p = hp.pageSize();
        float[] key = new float[d];
        float[] lanes = new float[LANES];
        for (int i = 0; i < count; i++) {
            int o = outOff + i * rows;
            java.util.Arrays.fill(out, o, o + rows, Float.NEGATIVE_INFINITY);
            int t0 = pageIds[idsOff + i] * p;
            for (int t = 0; t < p; t++) {
                for (int c = 0; c < d; c++) {
                    key[c] = hp.key(t0 + t, c);
                }
                for (int r = 0; r < rows; r++) {
                    java.util.Arrays.fill(lanes, 0f);
                    int qr = qOff + r * d;
                    for (int c = 0; c < d; c++) {
                        lanes[c & (LANES - 1)] = Math.fma(q[qr + c], key[c], lanes[c & (LANES - 1)]);
                    }
                    float l = reduceLanes(lanes);
                    // not Math.max: the native kernels' comparison, which passes a NaN over and keeps the earlier zero
                    out[o + r] = l > out[o + r] ? l : out[o + r];
                }
            }
        }
    }

    @Override
    public int select(float[] scores, int off, int n, int k, int[] out, int outOff) {
        return PageSelector.select(scores, off, n, k, out, outOff);
    }

    @Override
    public void attendPages(HeadPages hp, int tokens, int[] pageIds, int idsOff, int firstPage, int count, float[] q, int qOff,
            int rows, float[] state, int stateOff) {
        int d = hp.headDim();
        int p = hp.pageSize();
        float scale = hp.scale();
        int mOff = stateOff;
        int lOff = stateOff + rows;
        int aOff = stateOff + 2 * rows;
        for (int r = 0; r < rows; r++) {
            state[mOff + r] = Float.NEGATIVE_INFINITY;
            state[lOff + r] = 0f;
        }
        java.util.Arrays.fill(state, aOff, aOff + rows * d, 0f);
        float[] s = new float[rows * p];
        float[] row = new float[d];
        for (int i = 0; i < count; i++) {
            int page = pageIds != null ? pageIds[idsOff + i] : firstPage + i;
            int t0 = page * p;
            int t1 = Math.min(t0 + p, tokens);
            for (int t = t0; t < t1; t++) {
                for (int c = 0; c < d; c++) {
                    row[c] = hp.key(t, c);
                }
                for (int r = 0; r < rows; r++) {
                    float dot = 0f;
                    for (int c = 0; c < d; c++) {
                        dot += q[qOff + r * d + c] * row[c];
                    }
                    s[r * p + t - t0] = dot * scale;
                }
            }
            for (int r = 0; r < rows; r++) {
                float pm = Float.NEGATIVE_INFINITY;
                for (int t = t0; t < t1; t++) {
                    pm = Math.max(pm, s[r * p + t - t0]);
                }
                float m = state[mOff + r];
                if (pm > m) {
                    float corr = (float) Math.exp(m - pm);
                    state[lOff + r] *= corr;
                    for (int c = 0; c < d; c++) {
                        state[aOff + r * d + c] *= corr;
                    }
                    state[mOff + r] = pm;
                }
                for (int t = t0; t < t1; t++) {
                    s[r * p + t - t0] = (float) Math.exp(s[r * p + t - t0] - state[mOff + r]);
                }
            }
            for (int t = t0; t < t1; t++) {
                for (int c = 0; c < d; c++) {
                    row[c] = hp.value(t, c);
                }
                for (int r = 0; r < rows; r++) {
                    float w = s[r * p + t - t0];
                    state[lOff + r] += w;
                    int acc = aOff + r * d;
                    for (int c = 0; c < d; c++) {
                        state[acc + c] += w * row[c];
                    }
                }
            }
        }
    }

    /** The twin of the shared-page pass: one sequence after the other (each sequence's arithmetic is its own call's). */
    @Override
    public void attendPagesMulti(int n, HeadPages[] hps, int[] tokens, int[] pageIds, int[] idsOffs, int[] firsts, int[] counts,
            float[] q, int[] qOffs, int rows, float[] state, int[] stateOffs) {
        for (int i = 0; i < n; i++) {
            attendPages(hps[i], tokens[i], pageIds, pageIds == null ? 0 : idsOffs[i], firsts == null ? 0 : firsts[i], counts[i], q,
                    qOffs[i], rows, state, stateOffs[i]);
        }
    }

    @Override
    public void merge(float[] states, int off, int segments, int rows, int headDim, float[] out, int outOff) {
        int size = AttentionKernel.stateSize(rows, headDim);
        for (int r = 0; r < rows; r++) {
            float m = Float.NEGATIVE_INFINITY;
            for (int s = 0; s < segments; s++) {
                m = Math.max(m, states[off + s * size + r]);
            }
            int o = outOff + r * headDim;
            java.util.Arrays.fill(out, o, o + headDim, 0f);
            if (m == Float.NEGATIVE_INFINITY) {
                continue;
            }
            float l = 0f;
            for (int s = 0; s < segments; s++) {
                int base = off + s * size;
                float ms = states[base + r];
                if (ms == Float.NEGATIVE_INFINITY) {
                    continue;
                }
                float w = (float) Math.exp(ms - m);
                l += w * states[base + rows + r];
                int acc = base + 2 * rows + r * headDim;
                for (int c = 0; c < headDim; c++) {
                    out[o + c] += w * states[acc + c];
                }
            }
            float inv = 1f / l;
            for (int c = 0; c < headDim; c++) {
                out[o + c] *= inv;
            }
        }
    }

    @Override
    public void attendCausal(HeadPages hp, float[] q, int qOff, int qStride, int tokens, int rows, int firstPos, float[] out,
            int outOff, int outStride) {
        int d = hp.headDim();
        int p = hp.pageSize();
        float[] state = new float[AttentionKernel.stateSize(rows, d)];
        for (int t = 0; t < tokens; t++) {
            int limit = firstPos + t + 1;
            attendPages(hp, limit, null, 0, 0, (limit + p - 1) / p, q, qOff + t * qStride, rows, state, 0);
            merge(state, 0, 1, rows, d, out, outOff + t * outStride);
        }
    }
}
