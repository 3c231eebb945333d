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

    /** The block's integer dot, its quants read in place. */
    @Override
    int blockDot(byte[] row, int blk, byte[] q, int qi) {
        return dot32(row, blk + 2, q, qi);
    }
}
