package dev.questspark.kernel;

import dev.questspark.gguf.GgmlType;

/**
 * The Java twin of one weight type's native generic kernel: decodes a row (bytes as in the GGUF file) and dots
 * it with converted activations in the same operation order as matmul_generic.c. Instances keep per-thread
 * unpack buffers, so each thread uses its own.
 */
abstract class WeightRows {
    /** From this many tokens on, a row is unpacked once and reused; below, blocks are read in place. */
    static final int UNPACK_MIN_TOKENS = 4;

    /** Writes the row's values, dequantized like ggml's dequantize_row_*, to out[off .. off + cols). */
    abstract void dequantize(byte[] row, int cols, float[] out, int off);

    /** For t < n: out[t * ldo + outIndex] = dot(row, token t of a). */
    abstract void dot(byte[] row, int cols, QuantizedActivations a, int n, float[] out, int outIndex, int ldo);

    static WeightRows create(GgmlType type) {
        return switch (type) {
            case F32 -> new F32Rows();
            case F16 -> new F16Rows();
            case BF16 -> new BF16Rows();
            case Q8_0 -> new Q8_0Rows();
            case Q4_0 -> Q4Rows.q4_0();
            case Q4_1 -> Q4Rows.q4_1();
            case Q5_0 -> new Q5_0Rows();
            case Q4_K -> new Q4KRows();
            case Q6_K -> new Q6KRows();
        };
    }

    static int u8(byte[] b, int i) {
        return b[i] & 0xff;
    }

    static short u16(byte[] b, int i) {
        return (short) ((b[i] & 0xff) | (b[i + 1] << 8));
    }

    static float f16(byte[] b, int i) {
        return Float16.toFloat(u16(b, i));
    }

    /** Dot of a row already decoded to floats with float activations, in index order. */
    static void dotFloats(float[] w, int cols, float[] x, int n, float[] out, int outIndex, int ldo) {
        for (int t = 0; t < n; t++) {
            int base = t * cols;
            float sum = 0f;
            for (int i = 0; i < cols; i++) {
                sum += w[i] * x[base + i];
            }
            out[t * ldo + outIndex] = sum;
        }
    }

    /** Integer dot of 32 unpacked weight quants with 32 widened activation quants (int arrays: the JIT vectorizes it). */
    static int dot32(int[] w, int wi, int[] q, int qi) {
        int sum = 0;
        for (int j = 0; j < 32; j++) {
            sum += w[wi + j] * q[qi + j];
        }
        return sum;
    }

    /** Integer dot of 32 unpacked weight quants with 32 activation quants. */
    static int dot32(byte[] w, int wi, byte[] q, int qi) {
        int sum = 0;
        for (int j = 0; j < 32; j++) {
            sum += w[wi + j] * q[qi + j];
        }
        return sum;
    }
}
