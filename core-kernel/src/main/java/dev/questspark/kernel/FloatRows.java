package dev.questspark.kernel;

/**
 * Formats that store plain floats (F32, F16, BF16): a row is decoded to floats ({@link #dequantize}) and dotted
 * with float activations in index order; each format says how it decodes.
 */
abstract class FloatRows extends WeightRows {
    private float[] w = new float[0]; // (cols) the decoded row

    @Override
    final void dot(byte[] row, int cols, QuantizedActivations a, int n, float[] out, int outIndex, int ldo) {
        if (w.length < cols) {
            w = new float[cols];
        }
        dequantize(row, cols, w, 0);
        dotFloats(w, cols, a.f, n, out, outIndex, ldo);
    }
}
