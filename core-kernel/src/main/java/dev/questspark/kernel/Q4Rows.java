package dev.questspark.kernel;

/**
 * The two 4-bit formats, which share one layout: per 32 values a header, then qs[16] holding value j in the low
 * nibble and value j + 16 in the high nibble of byte j. Q4_0 (header d:f16; value = (nibble - 8) * d) with Q8_0
 * activations, like ggml_vec_dot_q4_0_q8_0; Q4_1 (header d:f16, m:f16; value = nibble * d + m) with Q8_1
 * activations, like ggml_vec_dot_q4_1_q8_1: sum over blocks of d_w * d_a * isum + m_w * s_a.
 */
final class Q4Rows extends Block32Rows {
    private final int header; // bytes before qs
    private final int bias;   // added to each nibble: -8 for Q4_0, 0 for Q4_1

    private Q4Rows(boolean withMin) {
        super(withMin ? 20 : 18, withMin);
        this.header = withMin ? 4 : 2;
        this.bias = withMin ? 0 : -8;
    }

    static Q4Rows q4_0() {
        return new Q4Rows(false);
    }

    static Q4Rows q4_1() {
        return new Q4Rows(true);
    }

    @Override
    void unpack(byte[] row, int blk, int[] q, int o) {
        for (int j = 0; j < 16; j++) {
            int v = u8(row, blk + header + j);
            q[o + j] = (v & 0x0f) + bias;
            q[o + j + 16] = (v >>> 4) + bias;
        }
    }

    /** The block's integer dot, its quants read in place. */
    @Override
    int blockDot(byte[] row, int blk, byte[] q, int qi) {
        int isum = 0;
        for (int j = 0; j < 16; j++) {
            int v = row[blk + header + j];
            isum += ((v & 0x0f) + bias) * q[qi + j] + (((v >> 4) & 0x0f) + bias) * q[qi + j + 16];
        }
        return isum;
    }
}
