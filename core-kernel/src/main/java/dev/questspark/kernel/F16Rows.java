package dev.questspark.kernel;

/** F16 weights: activations rounded to half (as llama.cpp converts them), then a float dot. */
final class F16Rows extends FloatRows {
    @Override
    void dequantize(byte[] row, int cols, float[] out, int off) {
        for (int i = 0; i < cols; i++) {
            out[off + i] = f16(row, 2 * i);
        }
    }
}
