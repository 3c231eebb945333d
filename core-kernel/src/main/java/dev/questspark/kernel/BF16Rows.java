package dev.questspark.kernel;

/** BF16 weights: activations rounded to bfloat16 (as llama.cpp converts them), then a float dot. */
final class BF16Rows extends WeightRows {
    private float[] w = new float[0];

    @Override
    void dequantize(byte[] row, int cols, float[] out, int off) {
        for (int i = 0; i < cols; i++) {
            out[off + i] = BFloat16.toFloat(u16(row, 2 * i));
        }
    }

    @Override
    void dot(byte[] row, int cols, QuantizedActivations a, int n, float[] out, int outIndex, int ldo) {
        if (w.length < cols) {
            w = new float[cols];
        }
        dequantize(row, cols, w, 0);
        dotFloats(w, cols, a.f, n, out, outIndex, ldo);
    }
}
