package dev.questspark.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.questspark.gguf.GgmlType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Activation conversion must be exact, not just close: the native conversion on every ISA and the Java twin's
 * both produce, bit for bit, the quants, scales and sums of {@link MatmulReference} (llama.cpp's x86
 * quantize_row_q8_0 / q8_1 / q8_K and its fp16 / bf16 rounding).
 */
@ExtendWith(NativeIsa.Restore.class)
class MatmulActivationsTest {
    @ParameterizedTest
    @EnumSource(value = GgmlType.class, names = {"F32", "F16", "BF16", "Q8_0", "Q4_1", "Q4_K"})
    void nativeAndJavaMatchReferenceExactly(GgmlType type) {
        Random rnd = new Random(type.ordinal());
        int cols = 768;
        int n = 13;
        float[] x = MatmulReference.randomActivations(rnd, n, cols);
        QuantizedActivations java = new QuantizedActivations();
        java.convert(QuantizedActivations.formatFor(type), x, n, cols);
        for (int t = 0; t < n; t++) {
            checkJava(type, java, x, t, cols);
        }
        NativeIsa.require();
        for (int isa = NativeMatmulKernel.ISA_SCALAR; isa <= NativeMatmulKernel.bestIsa(); isa++) {
            NativeMatmulKernel.setIsa(isa);
            byte[] raw = new byte[n * (cols * 4 + 4096)];
            int stride = NativeMatmulKernel.quantizeActivations(type.id(), x, n, cols, raw);
            for (int t = 0; t < n; t++) {
                ByteBuffer tok = ByteBuffer.wrap(raw, t * stride, stride).slice().order(ByteOrder.LITTLE_ENDIAN);
                checkNative(type, tok, x, t, cols, "isa " + isa + " token " + t);
            }
        }
    }

    /**
     * Q8_K takes its scale from the first value of largest magnitude, sign included (iscale = -127 / max), so that
     * value quantizes to -127 and a later value of the same magnitude and opposite sign to +127.
     */
    @org.junit.jupiter.api.Test
    void q8kScaleComesFromTheFirstLargestValue() {
        float[] x = new float[512];
        Random rnd = new Random(8);
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rnd.nextGaussian();
        }
        x[3] = -5f;
        x[100] = 5f;
        x[256 + 7] = 5f;
        x[256 + 200] = -5f;
        QuantizedActivations java = new QuantizedActivations();
        java.convert(QuantizedActivations.Format.Q8_K, x, 1, 512);
        assertEquals(-127, java.q[3]);
        assertEquals(127, java.q[100]);
        assertEquals(-127, java.q[256 + 7]);
        assertEquals(127, java.q[256 + 200]);
        checkJava(GgmlType.Q4_K, java, x, 0, 512);
        NativeIsa.require();
        for (int isa = NativeMatmulKernel.ISA_SCALAR; isa <= NativeMatmulKernel.bestIsa(); isa++) {
            NativeMatmulKernel.setIsa(isa);
            byte[] raw = new byte[4096];
            int stride = NativeMatmulKernel.quantizeActivations(GgmlType.Q4_K.id(), x, 1, 512, raw);
            checkNative(GgmlType.Q4_K, ByteBuffer.wrap(raw, 0, stride).slice().order(ByteOrder.LITTLE_ENDIAN), x, 0, 512,
                    "isa " + isa);
        }
    }

    private static void checkJava(GgmlType type, QuantizedActivations a, float[] x, int t, int cols) {
        String what = "java token " + t;
        switch (type) {
            case F32, F16, BF16 -> {
                for (int i = 0; i < cols; i++) {
                    assertEquals(expectedFloat(type, x[t * cols + i]), a.f[t * cols + i], what);
                }
            }
            case Q8_0, Q4_1 -> {
                for (int b = 0; b < cols / 32; b++) {
                    MatmulReference.Q8Block e = MatmulReference.quantizeQ8(x, t * cols + b * 32);
                    for (int j = 0; j < 32; j++) {
                        assertEquals(e.q[j], a.q[t * cols + b * 32 + j], what + " block " + b);
                    }
                    assertEquals(e.d, a.d[t * (cols / 32) + b], what + " block " + b);
                    if (type == GgmlType.Q4_1) {
                        assertEquals(e.s, a.s[t * (cols / 32) + b], what + " block " + b);
                    }
                }
            }
            default -> {
                for (int b = 0; b < cols / 256; b++) {
                    MatmulReference.Q8KBlock e = MatmulReference.quantizeQ8K(x, t * cols + b * 256);
                    for (int j = 0; j < 256; j++) {
                        assertEquals(e.q[j], a.q[t * cols + b * 256 + j], what + " block " + b);
                    }
                    assertEquals(e.d, a.d[t * (cols / 256) + b], what + " block " + b);
                    for (int g = 0; g < 16; g++) {
                        assertEquals(e.bsums[g], a.bsums[(t * (cols / 256) + b) * 16 + g], what + " block " + b);
                    }
                }
            }
        }
    }

    /** Reads the layout documented in questkernel.h (qk_act). */
    private static void checkNative(GgmlType type, ByteBuffer tok, float[] x, int t, int cols, String what) {
        switch (type) {
            case F32 -> {
                for (int i = 0; i < cols; i++) {
                    assertEquals(x[t * cols + i], tok.getFloat(4 * i), what);
                }
            }
            case F16 -> {
                for (int i = 0; i < cols; i++) {
                    assertEquals(Float16.fromFloat(x[t * cols + i]), tok.getShort(2 * i), what + " value " + i);
                }
            }
            case BF16 -> {
                for (int i = 0; i < cols; i++) {
                    assertEquals(BFloat16.fromFloat(x[t * cols + i]), tok.getShort(2 * i), what + " value " + i);
                }
            }
            case Q8_0, Q4_1 -> {
                int nb = cols / 32;
                for (int b = 0; b < nb; b++) {
                    MatmulReference.Q8Block e = MatmulReference.quantizeQ8(x, t * cols + b * 32);
                    for (int j = 0; j < 32; j++) {
                        assertEquals(e.q[j], tok.get(b * 32 + j), what + " block " + b);
                    }
                    assertEquals(e.d, tok.getFloat(cols + 4 * b), what + " block " + b);
                    if (type == GgmlType.Q4_1) {
                        assertEquals(e.s, tok.getFloat(cols + 4 * nb + 4 * b), what + " block " + b);
                    } else {
                        assertEquals(e.sum, tok.getInt(cols + 4 * nb + 4 * b), what + " block " + b);
                    }
                }
            }
            default -> {
                int nk = cols / 256;
                for (int b = 0; b < nk; b++) {
                    MatmulReference.Q8KBlock e = MatmulReference.quantizeQ8K(x, t * cols + b * 256);
                    for (int j = 0; j < 256; j++) {
                        assertEquals(e.q[j], tok.get(b * 256 + j), what + " block " + b);
                    }
                    assertEquals(e.d, tok.getFloat(cols + 4 * b), what + " block " + b);
                    for (int g = 0; g < 16; g++) {
                        assertEquals(e.bsums[g], tok.getShort(cols + 4 * nk + 2 * (b * 16 + g)), what + " block " + b);
                    }
                }
            }
        }
    }

    private static float expectedFloat(GgmlType type, float v) {
        return switch (type) {
            case F16 -> Float16.round(v);
            case BF16 -> BFloat16.round(v);
            default -> v;
        };
    }
}
