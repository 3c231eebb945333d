package dev.questspark.kernel;

/** F32 weights: a float dot with float activations. */
final class F32Rows extends FloatRows {
    @Override
    void dequantize(byte[] row, int cols, float[] out, int off) {
        for (int i = 0; i < cols; i++) {
            int bits = (row[4 * i] & 0xff) | (row[4 * i + 1] & 0xff) << 8 | (row[4 * i + 2] & 0xff) << 16 | row[4 * i + 3] << 24;
            out[off + i] = Float.intBitsToFloat(bits);
        }
    }
}
