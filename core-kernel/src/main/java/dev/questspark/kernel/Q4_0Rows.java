package dev.questspark.kernel;

/**
 * Q4_0 weights (per 32: d:f16, qs[16]; value j = (nibble - 8) * d, low nibbles first) with Q8_0 activations,
 * like ggml_vec_dot_q4_0_q8_0.
 */
final class Q4_0Rows extends Block32Rows {
    Q4_0Rows() {
        super(18, false);
    }

    @Override
    void unpack(byte[] row, int blk, int[] q, int o) {
        for (int j = 0; j < 16; j++) {
            int v = u8(row, blk + 2 + j);
            q[o + j] = (v & 0x0f) - 8;
            q[o + j + 16] = (v >>> 4) - 8;
        }
    }

    /** Few tokens: read the nibbles in place instead of unpacking the row first. */
    @Override
    void dotPacked(byte[] row, int cols, QuantizedActivations a, int n, float[] out, int outIndex, int ldo) {
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
