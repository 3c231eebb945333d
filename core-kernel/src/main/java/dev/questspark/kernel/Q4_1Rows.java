package dev.questspark.kernel;

/**
 * Q4_1 weights (per 32: d:f16, m:f16, qs[16]; value j = nibble * d + m, low nibbles first) with Q8_1
 * activations, like ggml_vec_dot_q4_1_q8_1: sum over blocks of d_w * d_a * isum + m_w * s_a.
 */
final class Q4_1Rows extends WeightRows {
    private int[] wq = new int[0];     // (cols) weight nibbles in [0, 15]
    private float[] wd = new float[0]; // (blocks) weight scales
    private float[] wm = new float[0]; // (blocks) weight minimums

    @Override
    void dequantize(byte[] row, int cols, float[] out, int off) {
        for (int b = 0; b < cols / 32; b++) {
            float d = f16(row, b * 20);
            float m = f16(row, b * 20 + 2);
            for (int j = 0; j < 16; j++) {
                int v = u8(row, b * 20 + 4 + j);
                out[off + b * 32 + j] = (v & 0x0f) * d + m;
                out[off + b * 32 + j + 16] = (v >>> 4) * d + m;
            }
        }
    }

    @Override
    void dot(byte[] row, int cols, QuantizedActivations a, int n, float[] out, int outIndex, int ldo) {
        if (n < UNPACK_MIN_TOKENS) {
            dotPacked(row, cols, a, n, out, outIndex, ldo);
            return;
        }
        int nb = cols / 32;
        if (wq.length < cols) {
            wq = new int[cols];
            wd = new float[nb];
            wm = new float[nb];
        }
        for (int b = 0; b < nb; b++) {
            wd[b] = f16(row, b * 20);
            wm[b] = f16(row, b * 20 + 2);
            for (int j = 0; j < 16; j++) {
                int v = u8(row, b * 20 + 4 + j);
                wq[b * 32 + j] = v & 0x0f;
                wq[b * 32 + j + 16] = v >>> 4;
            }
        }
        for (int t = 0; t < n; t++) {
            float sum = 0f;
            for (int b = 0; b < nb; b++) {
                int isum = dot32(wq, b * 32, a.wide, t * cols + b * 32);
                sum += isum * (wd[b] * a.d[t * nb + b]) + wm[b] * a.s[t * nb + b];
            }
            out[t * ldo + outIndex] = sum;
        }
    }

    /** Few tokens: read the nibbles in place instead of unpacking the row first. */
    private static void dotPacked(byte[] row, int cols, QuantizedActivations a, int n, float[] out, int outIndex, int ldo) {
        int nb = cols / 32;
        byte[] q = a.q;
        for (int t = 0; t < n; t++) {
            float sum = 0f;
            for (int b = 0; b < nb; b++) {
                int blk = b * 20;
                int qi = t * cols + b * 32;
                int isum = 0;
                for (int j = 0; j < 16; j++) {
                    int v = row[blk + 4 + j];
                    isum += (v & 0x0f) * q[qi + j] + ((v >> 4) & 0x0f) * q[qi + j + 16];
                }
                sum += isum * (f16(row, blk) * a.d[t * nb + b]) + f16(row, blk + 2) * a.s[t * nb + b];
            }
            out[t * ldo + outIndex] = sum;
        }
    }
}
