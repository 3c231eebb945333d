package dev.questspark.kernel;

/**
 * The k-quant formats (Q4_K, Q6_K): rows of 256-value super-blocks with Q8_K activations, like ggml's
 * vec_dot_*_K_q8_K. A row is unpacked once into integer quants and scales ({@link #unpack}); the token and
 * super-block loops are here, and each format keeps its own dot of one super-block ({@link #superBlockDot}).
 */
abstract class SuperBlockRows extends WeightRows {
    /** Unpacks the row's quants, scales and minimums into this object's buffers. */
    abstract void unpack(byte[] row, int cols);

    /** The dot of unpacked super-block k with token t of a (nk super-blocks per row), scales applied. */
    abstract float superBlockDot(QuantizedActivations a, int t, int cols, int nk, int k);

    @Override
    final void dot(byte[] row, int cols, QuantizedActivations a, int n, float[] out, int outIndex, int ldo) {
        unpack(row, cols);
        int nk = cols / 256;
        for (int t = 0; t < n; t++) {
            float sum = 0f;
            for (int k = 0; k < nk; k++) {
                sum += superBlockDot(a, t, cols, nk, k);
            }
            out[t * ldo + outIndex] = sum;
        }
    }
}
