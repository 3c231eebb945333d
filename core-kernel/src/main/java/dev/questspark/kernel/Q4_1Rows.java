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

    /** The block's integer dot, its quants read in place. */
    @Override
    int blockDot(byte[] row, int blk, byte[] q, int qi) {
        int isum = 0;
        for (int j = 0; j < 16; j++) {
            int v = row[blk + 4 + j];
            isum += (v & 0x0f) * q[qi + j] + ((v >> 4) & 0x0f) * q[qi + j + 16];
        }
        return isum;
    }
}
