package dev.questspark.kernel;

import dev.questspark.gguf.GgmlType;
import java.util.Arrays;

/**
 * Activations of n tokens converted the way llama.cpp converts them before dot products with a weight type
 * (ggml's vec_dot_type), reused across calls by one thread. Mirrors the native layouts in questkernel.h:
 * <ul>
 *   <li>Q8_0 / Q8_1: per 32-block an int8 quant {@code q}, the fp16-rounded scale {@code d} = amax / 127, and
 *       for Q8_1 {@code s} = fp16(d * sum(q)); quants are x * (127 / amax) rounded to nearest even (ggml's x86
 *       quantize_row_q8_0 / q8_1).</li>
 *   <li>Q8_K: per 256-block int8 quants with iscale = -127 / (signed value of largest magnitude), d = 1 / iscale,
 *       and {@code bsums}, the sums of 16 quants (ggml's quantize_row_q8_K).</li>
 *   <li>F32 / F16 / BF16: the values, rounded to the weight's 16-bit type for F16 and BF16.</li>
 * </ul>
 */
final class QuantizedActivations {
    enum Format { F32, F16, BF16, Q8_0, Q8_1, Q8_K }

    byte[] q = new byte[0];      // (n, cols) int8 quants
    float[] d = new float[0];    // (n, blocks) block scales
    float[] s = new float[0];    // (n, blocks) Q8_1 only: d * sum of the block's quants
    short[] bsums = new short[0]; // (n, cols / 16) Q8_K only
    float[] f = new float[0];    // (n, cols) float formats
    int[] wide = new int[0];     // (n, cols) Q8_0/Q8_1 quants as ints for many-token loops (the JIT vectorizes int dots)

    static Format formatFor(GgmlType type) {
        return switch (type) {
            case F32 -> Format.F32;
            case F16 -> Format.F16;
            case BF16 -> Format.BF16;
            case Q4_0, Q5_0, Q8_0 -> Format.Q8_0;
            case Q4_1 -> Format.Q8_1;
            case Q4_K, Q6_K -> Format.Q8_K;
        };
    }

    void convert(Format format, float[] x, int n, int cols) {
        switch (format) {
            case F32 -> copy(x, n, cols);
            case F16 -> {
                copy(x, n, cols);
                for (int i = 0; i < n * cols; i++) {
                    f[i] = Float16.round(f[i]);
                }
            }
            case BF16 -> {
                copy(x, n, cols);
                for (int i = 0; i < n * cols; i++) {
                    f[i] = BFloat16.round(f[i]);
                }
            }
            case Q8_0, Q8_1 -> {
                quantize32(x, n, cols, format == Format.Q8_1);
                if (n >= WeightRows.UNPACK_MIN_TOKENS) {
                    widen(n * cols);
                }
            }
            case Q8_K -> quantize256(x, n, cols);
        }
    }

    private void widen(int values) {
        if (wide.length < values) {
            wide = new int[values];
        }
        for (int i = 0; i < values; i++) {
            wide[i] = q[i];
        }
    }

    private void copy(float[] x, int n, int cols) {
        int len = n * cols;
        if (f.length < len) {
            f = new float[len];
        }
        System.arraycopy(x, 0, f, 0, len);
    }

    private void quantize32(float[] x, int n, int cols, boolean withSums) {
        int blocks = n * (cols / 32);
        ensureQuants(n * cols, blocks);
        if (withSums && s.length < blocks) {
            s = new float[blocks];
        }
        for (int b = 0; b < blocks; b++) {
            int base = b * 32;
            float amax = 0f;
            for (int j = 0; j < 32; j++) {
                amax = Math.max(amax, Math.abs(x[base + j]));
            }
            float scale = amax / 127f;
            float id = amax != 0f ? 127f / amax : 0f;
            int sum = 0;
            for (int j = 0; j < 32; j++) {
                int v = (int) Math.rint(x[base + j] * id);
                q[base + j] = (byte) v;
                sum += v;
            }
            d[b] = Float16.round(scale);
            if (withSums) {
                s[b] = Float16.round(scale * (float) sum);
            }
        }
    }

    private void quantize256(float[] x, int n, int cols) {
        int blocks = n * (cols / 256);
        ensureQuants(n * cols, blocks);
        if (bsums.length < blocks * 16) {
            bsums = new short[blocks * 16];
        }
        for (int b = 0; b < blocks; b++) {
            int base = b * 256;
            float amax = 0f;
            float max = 0f;
            for (int j = 0; j < 256; j++) {
                float ax = Math.abs(x[base + j]);
                if (ax > amax) {
                    amax = ax;
                    max = x[base + j];
                }
            }
            if (amax == 0f) {
                d[b] = 0f;
                Arrays.fill(q, base, base + 256, (byte) 0);
                Arrays.fill(bsums, b * 16, b * 16 + 16, (short) 0);
                continue;
            }
            float iscale = -127f / max;
            for (int j = 0; j < 256; j++) {
                int v = (int) Math.rint(iscale * x[base + j]);
                q[base + j] = (byte) Math.min(127, v);
            }
            for (int g = 0; g < 16; g++) {
                int sum = 0;
                for (int j = 0; j < 16; j++) {
                    sum += q[base + g * 16 + j];
                }
                bsums[b * 16 + g] = (short) sum;
            }
            d[b] = 1f / iscale;
        }
    }

    private void ensureQuants(int values, int blocks) {
        if (q.length < values) {
            q = new byte[values];
        }
        if (d.length < blocks) {
            d = new float[blocks];
        }
    }
}
