package dev.questspark.kernel;

/**
 * Formats whose rows are blocks of 32 values, each a header (an f16 scale d, for Q4_1 also an f16 minimum m) and
 * then its quants: Q4_0, Q4_1, Q5_0, Q8_0, with Q8 activations as ggml's vec_dot_*_q8_* take them. Value j of a
 * block is quant(j) * d (+ m). The block and token loops they share are here: dequantizing, and for many tokens
 * unpacking the row once into integer quants and scales; each format says where its quants are
 * ({@link #unpack}) and keeps its own dot of a block ({@link #blockDot}), used for few tokens, which reads the
 * quants in place.
 */
abstract class Block32Rows extends WeightRows {
    private final int blockBytes;
    private final boolean withMin;
    private final int[] block = new int[32]; // (32) one block's quants, for dequantize
    private int[] wq = new int[0];           // (cols) weight quants
    private float[] wd = new float[0];       // (blocks) weight scales
    private float[] wm = new float[0];       // (blocks) weight minimums (Q4_1)

    /** blockBytes: bytes per block of 32; withMin: the header holds a minimum after the scale. */
    Block32Rows(int blockBytes, boolean withMin) {
        this.blockBytes = blockBytes;
        this.withMin = withMin;
    }

    /** Writes the 32 quants of the block starting at byte blk to q[o .. o + 32), as integers (offsets applied). */
    abstract void unpack(byte[] row, int blk, int[] q, int o);

    /**
     * This format's own integer dot of the block starting at byte blk with the 32 activation quants q[qi ..], read
     * in place: the dot for fewer than {@link #UNPACK_MIN_TOKENS} tokens.
     */
    abstract int blockDot(byte[] row, int blk, byte[] q, int qi);

    @Override
    final void dequantize(byte[] row, int cols, float[] out, int off) {
        for (int b = 0; b < cols / 32; b++) {
            int blk = b * blockBytes;
            float d = f16(row, blk);
            unpack(row, blk, block, 0);
            if (withMin) {
                float m = f16(row, blk + 2);
                for (int j = 0; j < 32; j++) {
                    out[off + b * 32 + j] = block[j] * d + m;
                }
            } else {
                for (int j = 0; j < 32; j++) {
                    out[off + b * 32 + j] = block[j] * d;
                }
            }
        }
    }

    @Override
    final void dot(byte[] row, int cols, QuantizedActivations a, int n, float[] out, int outIndex, int ldo) {
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
            int blk = b * blockBytes;
            wd[b] = f16(row, blk);
            if (withMin) {
                wm[b] = f16(row, blk + 2);
            }
            unpack(row, blk, wq, b * 32);
        }
        for (int t = 0; t < n; t++) {
            float sum = 0f;
            for (int b = 0; b < nb; b++) {
                int isum = dot32(wq, b * 32, a.wide, t * cols + b * 32);
                sum += withMin ? isum * (wd[b] * a.d[t * nb + b]) + wm[b] * a.s[t * nb + b] : isum * (wd[b] * a.d[t * nb + b]);
            }
            out[t * ldo + outIndex] = sum;
        }
    }

    /** Few tokens: the blocks are read in place ({@link #blockDot}) instead of unpacking the row first. */
    private void dotPacked(byte[] row, int cols, QuantizedActivations a, int n, float[] out, int outIndex, int ldo) {
        int nb = cols / 32;
        for (int t = 0; t < n; t++) {
            float sum = 0f;
            for (int b = 0; b < nb; b++) {
                int blk = b * blockBytes;
                int isum = blockDot(row, blk, a.q, t * cols + b * 32);
                sum += withMin ? isum * (f16(row, blk) * a.d[t * nb + b]) + f16(row, blk + 2) * a.s[t * nb + b]
                        : isum * (f16(row, blk) * a.d[t * nb + b]);
            }
            out[t * ldo + outIndex] = sum;
        }
    }
}
