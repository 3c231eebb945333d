package dev.questspark.kernel;

/**
 * Q4_0 weights (per 32: d:f16, qs[16]; value j = (nibble - 8) * d, low nibbles first) with Q8_0 activations,
 * like ggml_vec_dot_q4_0_q8_0.
 */
final class Q4_0Rows extends WeightRows {
    private int[] wq = new int[0];  // (cols) weight quants in [-8, 7]
    private float[] wd = new float[0]; // (blocks) weight scales

    @Override
    void dequantize(byte[] row, int cols, float[] out, int off) {
        for (int b = 0; b < cols / 32; b++) {
            float d = f16(row, b * 18);
            for (int j = 0; j < 16; j++) {
                int v = u8(row, b * 18 + 2 + j);
                out[off + b * 32 + j] = ((v & 0x0f) - 8) * d;
                out[off + b * 32 + j + 16] = ((v >>> 4) - 8) * d;
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
        }
        for (int b = 0; b < nb; b++) {
            wd[b] = f16(row, b * 18);
            for (int j = 0; j < 16; j++) {
                int v = u8(row, b * 18 + 2 + j);
                wq[b * 32 + j] = (v & 0x0f) - 8;
                wq[b * 32 + j + 16] = (v >>> 4) - 8;
            }
        }
        for (int t = 0; t < n; t++) {
            float sum = 0f;
            for (int b = 0; b < nb; b++) {
                int isum = dot32(wq, b * 32, a.wide, t * cols + b * 32);
                sum += isum * (wd[b] * a.d[t * nb + b]);
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
                int blk = b * 18;
                int qi = t * cols + b * 32;
                int isum = 0;
                for (int j = 0; j < 16; j++) {
                    int v = row[blk + 2 + j];
                    isum += ((v & 0x0f) - 8) * q[qi + j] + (((v >> 4) & 0x0f) - 8) * q[qi + j + 16];
                }
                sum += isum * (f16(row, blk) * a.d[t * nb + b]);
            }
            out[t * ldo + outIndex] = sum;
        }
    }
}
