package dev.questspark.kernel;

/**
 * Matrix products of GGUF weight tensors with float activations. Implementations: the native SIMD kernel and
 * its Java twin; both quantize activations the way llama.cpp does for quantized weights (Q8_0 blocks for
 * Q4_0, Q5_0, Q8_0; Q8_1 blocks (with block sums) for Q4_1; Q8_K blocks for Q4_K and Q6_K) and accumulate in the same order, so
 * they agree to float rounding.
 */
public interface MatmulKernel {
    /** Name for logs, for example "native-avx512" or "java". */
    String name();

    /**
     * For t in [0, n) and r in [rowStart, rowEnd): {@code out[t * w.rows() + r] = dot(row r of w, x[t * w.cols() ...])}.
     * x holds n activation vectors of w.cols() floats; out holds n vectors of w.rows() floats. Rows outside the
     * range are not written, so disjoint ranges may run on different threads.
     */
    void matmul(WeightTensor w, float[] x, int n, float[] out, int rowStart, int rowEnd);

    /** Writes row {@code row} of w, dequantized, to out[off .. off + w.cols()). Used for embedding lookups. */
    void dequantizeRow(WeightTensor w, int row, float[] out, int off);
}
