package dev.questspark.kernel;

/**
 * Q4_K weights (per 256: d:f16, dmin:f16, scales[12] packing eight 6-bit scales and mins, qs[128]; sub-block j
 * of 32 values is nibble * d * scale_j - dmin * min_j) with Q8_K activations, like ggml_vec_dot_q4_K_q8_K.
 */
final class Q4KRows extends SuperBlockRows {
    private byte[] wq = new byte[0];   // (cols) nibbles in value order
    private int[] scale = new int[0];  // (cols / 32) 6-bit sub-block scales
    private int[] min = new int[0];    // (cols / 32) 6-bit sub-block mins
    private float[] wd = new float[0];   // (cols / 256)
    private float[] wmin = new float[0]; // (cols / 256)

    @Override
    void dequantize(byte[] row, int cols, float[] out, int off) {
        unpack(row, cols);
        for (int k = 0; k < cols / 256; k++) {
            for (int j = 0; j < 8; j++) {
                float dl = wd[k] * scale[k * 8 + j];
                float ml = wmin[k] * min[k * 8 + j];
                for (int l = 0; l < 32; l++) {
                    int i = k * 256 + j * 32 + l;
                    out[off + i] = dl * wq[i] - ml;
                }
            }
        }
    }

    @Override
    float superBlockDot(QuantizedActivations a, int t, int cols, int nk, int k) {
        int isum = 0;
        int imin = 0;
        int bs = (t * nk + k) * 16;
        for (int j = 0; j < 8; j++) {
            int v = k * 256 + j * 32;
            isum += scale[k * 8 + j] * dot32(wq, v, a.q, t * cols + v);
            imin += min[k * 8 + j] * (a.bsums[bs + 2 * j] + a.bsums[bs + 2 * j + 1]);
        }
        float ad = a.d[t * nk + k];
        return wd[k] * ad * (float) isum - wmin[k] * ad * (float) imin;
    }

    @Override
    void unpack(byte[] row, int cols) {
        int nk = cols / 256;
        if (wq.length < cols) {
            wq = new byte[cols];
            scale = new int[nk * 8];
            min = new int[nk * 8];
            wd = new float[nk];
            wmin = new float[nk];
        }
        for (int k = 0; k < nk; k++) {
            int blk = k * 144;
            wd[k] = f16(row, blk);
            wmin[k] = f16(row, blk + 2);
            for (int j = 0; j < 8; j++) {
                int sc = blk + 4;
                if (j < 4) {
                    scale[k * 8 + j] = u8(row, sc + j) & 63;
                    min[k * 8 + j] = u8(row, sc + j + 4) & 63;
                } else {
                    scale[k * 8 + j] = (u8(row, sc + j + 4) & 0x0f) | ((u8(row, sc + j - 4) >>> 6) << 4);
                    min[k * 8 + j] = (u8(row, sc + j + 4) >>> 4) | ((u8(row, sc + j) >>> 6) << 4);
                }
                int nib = blk + 16 + (j / 2) * 32;
                int shift = (j & 1) * 4;
                for (int l = 0; l < 32; l++) {
                    wq[k * 256 + j * 32 + l] = (byte) ((u8(row, nib + l) >>> shift) & 0x0f);
                }
            }
        }
    }
}
