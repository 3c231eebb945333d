package dev.questspark.kernel;

/**
 * Q5_0 weights (per 32: d:f16, qh[4], qs[16]; value j = (nibble | high bit j of qh << 4) - 16) * d, low nibbles
 * values 0..15, high nibbles values 16..31) with Q8_0 activations, like ggml_vec_dot_q5_0_q8_0.
 */
final class Q5_0Rows extends Block32Rows {
    Q5_0Rows() {
        super(22, false);
    }

    @Override
    void unpack(byte[] row, int blk, int[] q, int o) {
        for (int j = 0; j < 32; j++) {
            q[o + j] = value(row, blk, j);
        }
    }

    /** The block's integer dot, its quants read in place. */
    @Override
    int blockDot(byte[] row, int blk, byte[] q, int qi) {
        int isum = 0;
        for (int j = 0; j < 32; j++) {
            isum += value(row, blk, j) * q[qi + j];
        }
        return isum;
    }

    /** Value j (0..31) of the block at blk, in [-16, 15]. */
    private static int value(byte[] row, int blk, int j) {
        int qh = u8(row, blk + 2) | u8(row, blk + 3) << 8 | u8(row, blk + 4) << 16 | u8(row, blk + 5) << 24;
        int nibble = j < 16 ? u8(row, blk + 6 + j) & 0x0f : u8(row, blk + 6 + j - 16) >>> 4;
        return (nibble | ((qh >>> j) & 1) << 4) - 16;
    }
}
