package dev.questspark.kernel;

/** Q8_0 weights (per 32: d:f16, q[32]:i8; value = q * d) with Q8_0 activations, like ggml_vec_dot_q8_0_q8_0. */
final class Q8_0Rows extends Block32Rows {
    Q8_0Rows() {
        super(34, false);
    }

    @Override
    void unpack(byte[] row, int blk, int[] q, int o) {
        for (int j = 0; j < 32; j++) {
            q[o + j] = row[blk + 2 + j];
        }
    }

    /** Few tokens: read the quants in place instead of copying the row first. */
    @Override
    void dotPacked(byte[] row, int cols, QuantizedActivations a, int n, float[] out, int outIndex, int ldo) {
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
