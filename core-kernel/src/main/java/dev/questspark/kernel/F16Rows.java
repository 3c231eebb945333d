package dev.questspark.kernel;

/** F16 weights: activations rounded to half (as llama.cpp converts them), then a float dot. */
final class F16Rows extends WeightRows {
    private float[] w = new float[0];

    @Override
    void dequantize(byte[] row, int cols, float[] out, int off) {
        for (int i = 0; i < cols; i++) {
            out[off + i] = f16(row, 2 * i);
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
