package dev.questspark.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.questspark.gguf.GgmlType;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Batched decoding stacks B sequences' activation rows into one matmul. A row's result must not depend on how many
 * rows share the call or where it sits among them (kernels switch from direct tiles, up to 8 tokens with AVX-512 and 3
 * with AVX2, to repacked tiles run by token groups of 8/4/2/1 or 4/2/1 above), so a sequence decoded in a batch gets
 * bit-identical logits to the same sequence decoded alone. Checked for every weight type on every implementation, with n = 1..17 (not a multiple
 * of any token block) and rows not a multiple of any tile height; the native kernel is also checked against its Java
 * twin on those batches.
 */
@ExtendWith(NativeIsa.Restore.class)
class MatmulBatchRowsTest {
    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("dev.questspark.kernel.MatmulKernelTest#typesAndImpls")
    void eachRowIsBitIdenticalForAnyBatchSizeAndIndex(GgmlType type, MatmulKernelTest.Impl impl) {
        MatmulKernel kernel = impl.kernel();
        Random rnd = new Random(17 + type.ordinal());
        int rows = 37;
        int cols = type.blockSize() == 1 ? 80 : type.blockSize() * (type.blockSize() == 256 ? 2 : 18);
        WeightTensor w = MatmulReference.randomWeights(rnd, type, rows, cols);
        int maxN = 17;
        float[] x = MatmulReference.randomActivations(rnd, maxN, cols);
        float[][] alone = new float[maxN][rows];
        for (int t = 0; t < maxN; t++) {
            float[] one = new float[cols];
            System.arraycopy(x, t * cols, one, 0, cols);
            kernel.matmul(w, one, 1, alone[t], 0, rows);
        }
        for (int n = 1; n <= maxN; n++) {
            // the batch holds rows [first, first + n) of x, so every row is tried at several indices
            for (int first : new int[] {0, maxN - n}) {
                float[] xb = new float[n * cols];
                System.arraycopy(x, first * cols, xb, 0, n * cols);
                float[] out = new float[n * rows];
                kernel.matmul(w, xb, n, out, 0, rows);
                for (int t = 0; t < n; t++) {
                    for (int r = 0; r < rows; r++) {
                        int tt = t;
                        int rr = r;
                        int nn = n;
                        assertEquals(Float.floatToIntBits(alone[first + t][r]), Float.floatToIntBits(out[t * rows + r]),
                                () -> impl + " " + type + " n=" + nn + " row " + rr + " token " + tt + ": " + out[tt * rows + rr]
                                        + " in the batch, " + alone[first + tt][rr] + " alone");
                    }
                }
                float[] twin = new float[n * rows];
                new JavaMatmulKernel().matmul(w, xb, n, twin, 0, rows);
                for (int i = 0; i < twin.length; i++) {
                    double e = MatmulReference.expect(type, MatmulReference.rowBytes(w, i % rows), xb, (i / rows) * cols, cols)[1];
                    assertEquals(twin[i], out[i], 2 * MatmulKernelTest.TOLERANCE * e + 1e-30, impl + " vs java " + type + " n=" + n);
                }
            }
        }
    }
}
