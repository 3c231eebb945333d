package dev.questspark.kernel;

/**
 * Q4_1 weights (per 32: d:f16, m:f16, qs[16]; value j = nibble * d + m, low nibbles first) with Q8_1
 * activations, like ggml_vec_dot_q4_1_q8_1: sum over blocks of d_w * d_a * isum + m_w * s_a.
 */
final class Q4_1Rows extends Block32Rows {
    Q4_1Rows() {
        super(20, true);
    }

    @Override
    void unpack(byte[] row, int blk, int[] q, int o) {
        for (int j = 0; j < 16; j++) {
            int v = u8(row, blk + 4 + j);
            q[o + j] = v & 0x0f;
            q[o + j + 16] = v >>> 4;
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
