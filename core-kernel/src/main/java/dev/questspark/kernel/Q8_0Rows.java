package dev.questspark.kernel;

/** Q8_0 weights (per 32: d:f16, q[32]:i8; value = q * d) with Q8_0 activations, like ggml_vec_dot_q8_0_q8_0. */
final class Q8_0Rows extends WeightRows {
    private int[] wq = new int[0];  // (cols) weight quants
    private float[] wd = new float[0]; // (blocks) weight scales

    @Override
    void dequantize(byte[] row, int cols, float[] out, int off) {
        for (int b = 0; b < cols / 32; b++) {
            float d = f16(row, b * 34);
            for (int j = 0; j < 32; j++) {
                out[off + b * 32 + j] = row[b * 34 + 2 + j] * d;
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
            wd[b] = f16(row, b * 34);
            for (int j = 0; j < 32; j++) {
                wq[b * 32 + j] = row[b * 34 + 2 + j];
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

    /** Few tokens: read the quants in place instead of copying the row first. */
    private static void dotPacked(byte[] row, int cols, QuantizedActivations a, int n, float[] out, int outIndex, int ldo) {
        int nb = cols / 32;
        for (int t = 0; t < n; t++) {
            float sum = 0f;
            for (int b = 0; b < nb; b++) {
                int isum = dot32(row, b * 34 + 2, a.q, t * cols + b * 32);
                sum += isum * (f16(row, b * 34) * a.d[t * nb + b]);
            }
            out[t * ldo + outIndex] = sum;
        }
    }
}
