package dev.questspark.kernel;

/** BF16 weights: activations rounded to bfloat16 (as llama.cpp converts them), then a float dot. */
final class BF16Rows extends FloatRows {
    @Override
    void dequantize(byte[] row, int cols, float[] out, int off) {
        for (int i = 0; i < cols; i++) {
            out[off + i] = BFloat16.toFloat(u16(row, 2 * i));
        }
    }
}
