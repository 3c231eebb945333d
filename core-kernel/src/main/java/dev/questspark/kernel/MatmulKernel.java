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

    /**
     * For i in [0, count): {@code out[i] = dot(row ids[i] of w, x[xOff .. xOff + w.cols()))}, each row exactly as
     * {@link #matmul} computes it (the same bits): a few scattered rows of one token, such as the candidates of an
     * output head.
     */
    void matmulRows(WeightTensor w, float[] x, int xOff, int[] ids, int count, float[] out);

    /**
     * {@link #matmul} of rows [rowStart, rowEnd) of a Q4_0, Q5_0 or Q8_0 matrix w (the same bits in out) and, in the
     * same pass over w, each row's bound sums for each token t: {@code up[t * w.rows() + r]} is the chain of fused
     * multiply-adds over the row's blocks b = 0, 1, .. of the block's scale times {@code pn[t * 2 * nb + b]}, from 0,
     * and {@code down} the same with {@code pn[t * 2 * nb + nb + b]} (nb = cols / 32): the sketch of an output head
     * (dev.questspark.model.HeadSketch), bit-identical in every implementation.
     */
    void matmulBounds(WeightTensor w, float[] x, int n, float[] pn, float[] out, float[] up, float[] down, int rowStart,
                      int rowEnd);

    /** Writes row {@code row} of w, dequantized, to out[off .. off + w.cols()). Used for embedding lookups. */
    void dequantizeRow(WeightTensor w, int row, float[] out, int off);
}
