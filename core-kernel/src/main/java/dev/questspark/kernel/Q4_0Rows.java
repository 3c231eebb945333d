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

    /** The block's integer dot, its quants read in place. */
    @Override
    int blockDot(byte[] row, int blk, byte[] q, int qi) {
        int isum = 0;
        for (int j = 0; j < 16; j++) {
            int v = row[blk + 2 + j];
            isum += ((v & 0x0f) - 8) * q[qi + j] + (((v >> 4) & 0x0f) - 8) * q[qi + j + 16];
        }
        return isum;
    }
}
