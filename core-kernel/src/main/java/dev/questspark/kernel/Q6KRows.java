package dev.questspark.kernel;

/**
 * Q6_K weights (per 256: ql[128] low nibbles, qh[64] high bit pairs, scales[16]:i8, d:f16; value l is
 * d * scale_(l/16) * (q6 - 32)) with Q8_K activations, like ggml_vec_dot_q6_K_q8_K.
 */
final class Q6KRows extends SuperBlockRows {
    private byte[] wq = new byte[0];   // (cols) values in [-32, 31]
    private byte[] scale = new byte[0]; // (cols / 16)
    private float[] wd = new float[0];  // (cols / 256)

    @Override
    void dequantize(byte[] row, int cols, float[] out, int off) {
        unpack(row, cols);
        for (int i = 0; i < cols; i++) {
            out[off + i] = wd[i / 256] * scale[i / 16] * wq[i];
        }
    }

    @Override
    float superBlockDot(QuantizedActivations a, int t, int cols, int nk, int k) {
        int isum = 0;
        for (int g = 0; g < 16; g++) {
            int v = k * 256 + g * 16;
            int dot = 0;
            for (int l = 0; l < 16; l++) {
                dot += wq[v + l] * a.q[t * cols + v + l];
            }
            isum += scale[k * 16 + g] * dot;
        }
        return wd[k] * a.d[t * nk + k] * (float) isum;
    }

    @Override
    void unpack(byte[] row, int cols) {
        int nk = cols / 256;
        if (wq.length < cols) {
            wq = new byte[cols];
            scale = new byte[cols / 16];
            wd = new float[nk];
        }
        for (int k = 0; k < nk; k++) {
            int blk = k * 210;
            wd[k] = f16(row, blk + 208);
            System.arraycopy(row, blk + 192, scale, k * 16, 16);
            for (int i = 0; i < 256; i++) {
                int half = i / 128;
                int part = (i % 128) / 32;
                int m = i % 32;
                int ql = u8(row, blk + half * 64 + m + ((part & 1) == 1 ? 32 : 0));
                int low = part >= 2 ? ql >>> 4 : ql & 0x0f;
                int high = (u8(row, blk + 128 + half * 32 + m) >>> (2 * part)) & 3;
                wq[k * 256 + i] = (byte) ((low | (high << 4)) - 32);
            }
        }
    }
}
