package dev.questspark.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.questspark.gguf.GgmlType;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link MatmulKernel#matmulBounds}: the matmul's bits and bound sums bit-identical in the native kernel at every ISA
 * level (packed copy or GGUF rows) and the Java twin, for row ranges starting on and inside a tile and n = 1..3.
 * {@link MatmulKernel#matmulRows}: each scattered row gives the bits {@link MatmulKernel#matmul} gives it (packed copy
 * or not), in the native kernel at every ISA level and in the Java twin, for every weight type; ids outside the
 * matrix are refused before any row is read.
 */
@ExtendWith(NativeIsa.Restore.class)
class MatmulRowsTest {
    @ParameterizedTest(name = "isa {0}")
    @MethodSource("dev.questspark.kernel.NativeIsa#levels")
    void scatteredRowsMatchTheFullMatmulBitForBit(int isa) {
        Random rnd = new Random(31 + isa);
        for (GgmlType type : GgmlType.values()) {
            int rows = 53;
            int cols = type.blockSize() == 1 ? 96 : type.blockSize() * 3;
            WeightTensor w = MatmulReference.randomWeights(rnd, type, rows, cols);
            float[] x = MatmulReference.randomActivations(rnd, 3, cols);
            new NativeMatmulKernel(true).matmul(w, x, 1, new float[rows], 0, rows); // packs at the best level
            NativeIsa.force(isa);
            int[] ids = {0, 5, 16, 17, 31, 47, 52, 5};
            for (MatmulKernel k : new MatmulKernel[] {new NativeMatmulKernel(true), new NativeMatmulKernel(false), new JavaMatmulKernel()}) {
                for (int t = 0; t < 3; t++) {
                    float[] token = Arrays.copyOfRange(x, t * cols, (t + 1) * cols);
                    float[] full = new float[rows];
                    k.matmul(w, token, 1, full, 0, rows);
                    float[] got = new float[ids.length];
                    k.matmulRows(w, x, t * cols, ids, ids.length, got);
                    for (int i = 0; i < ids.length; i++) {
                        int ii = i;
                        int tt = t;
                        assertEquals(Float.floatToIntBits(full[ids[i]]), Float.floatToIntBits(got[i]),
                                () -> k.name() + " " + type + " isa " + isa + " token " + tt + " row " + ids[ii]);
                    }
                }
            }
            NativeIsa.force(NativeIsa.best());
        }
    }

    @ParameterizedTest(name = "isa {0}")
    @MethodSource("dev.questspark.kernel.NativeIsa#levels")
    void boundSumsMatchTheJavaTwinBitForBit(int isa) {
        Random rnd = new Random(41 + isa);
        for (GgmlType type : new GgmlType[] {GgmlType.Q4_0, GgmlType.Q5_0, GgmlType.Q8_0}) {
            int rows = 37;
            int cols = 32 * 20;
            WeightTensor w = MatmulReference.randomWeights(rnd, type, rows, cols);
            new NativeMatmulKernel(true).matmul(w, MatmulReference.randomActivations(rnd, 1, cols), 1, new float[rows], 0, rows);
            NativeIsa.force(isa);
            for (int n = 1; n <= 3; n++) {
                float[] x = MatmulReference.randomActivations(rnd, n, cols);
                float[] pn = new float[n * 2 * 20];
                for (int i = 0; i < pn.length; i++) {
                    pn[i] = rnd.nextFloat() * 50;
                }
                for (int[] range : new int[][] {{0, rows}, {16, rows}, {3, 30}}) {
                    float[][] ref = bounds(new JavaMatmulKernel(), w, x, n, pn, range);
                    float[] plain = new float[n * rows];
                    new NativeMatmulKernel(false).matmul(w, x, n, plain, range[0], range[1]);
                    for (MatmulKernel k : new MatmulKernel[] {new NativeMatmulKernel(true), new NativeMatmulKernel(false)}) {
                        float[][] got = bounds(k, w, x, n, pn, range);
                        String where = k.name() + " " + type + " isa " + isa + " n=" + n + " rows " + Arrays.toString(range);
                        assertArrayEquals(plain, got[0], where + ": logits");
                        assertArrayEquals(ref[1], got[1], where + ": up");
                        assertArrayEquals(ref[2], got[2], where + ": down");
                    }
                }
            }
            NativeIsa.force(NativeIsa.best());
        }
    }

    private static float[][] bounds(MatmulKernel k, WeightTensor w, float[] x, int n, float[] pn, int[] range) {
        float[][] r = new float[3][n * w.rows()];
        k.matmulBounds(w, x, n, pn, r[0], r[1], r[2], range[0], range[1]);
        return r;
    }

    @Test
    void boundSumsRefuseOtherTypesAndShortArrays() {
        NativeIsa.require();
        Random rnd = new Random(4);
        WeightTensor q41 = MatmulReference.randomWeights(rnd, GgmlType.Q4_1, 20, 64);
        WeightTensor q50 = MatmulReference.randomWeights(rnd, GgmlType.Q5_0, 20, 64);
        float[] x = MatmulReference.randomActivations(rnd, 1, 64);
        for (MatmulKernel k : new MatmulKernel[] {new NativeMatmulKernel(), new JavaMatmulKernel()}) {
            assertThrows(IllegalArgumentException.class, () -> k.matmulBounds(q41, x, 1, new float[4], new float[20], new float[20],
                    new float[20], 0, 20));
            assertThrows(IllegalArgumentException.class, () -> k.matmulBounds(q50, x, 1, new float[3], new float[20], new float[20],
                    new float[20], 0, 20));
            assertThrows(IllegalArgumentException.class, () -> k.matmulBounds(q50, x, 1, new float[4], new float[20], new float[19],
                    new float[20], 0, 20));
        }
        assertThrows(IllegalArgumentException.class, () -> NativeMatmulKernel.matmulBoundsUnchecked(q41.data(), GgmlType.Q4_1.id(),
                20, 64, x, 1, new float[4], new float[20], new float[20], new float[20], 0, 20));
        assertThrows(IllegalArgumentException.class, () -> NativeMatmulKernel.matmulBoundsUnchecked(q50.data(), GgmlType.Q5_0.id(),
                20, 64, x, 1, new float[3], new float[20], new float[20], new float[20], 0, 20));
        assertThrows(IllegalArgumentException.class, () -> NativeMatmulKernel.matmulBoundsUnchecked(q50.data(), GgmlType.Q5_0.id(),
                20, 64, x, 1, new float[4], new float[20], new float[19], new float[20], 0, 20));
    }

    @Test
    void idsOutsideTheMatrixAreRefused() {
        NativeIsa.require();
        Random rnd = new Random(3);
        WeightTensor w = MatmulReference.randomWeights(rnd, GgmlType.Q8_0, 20, 64);
        float[] x = MatmulReference.randomActivations(rnd, 1, 64);
        for (MatmulKernel k : new MatmulKernel[] {new NativeMatmulKernel(), new JavaMatmulKernel()}) {
            assertThrows(IllegalArgumentException.class, () -> k.matmulRows(w, x, 0, new int[] {3, 20}, 2, new float[2]));
            assertThrows(IllegalArgumentException.class, () -> k.matmulRows(w, x, 0, new int[] {-1}, 1, new float[1]));
            assertThrows(IllegalArgumentException.class, () -> k.matmulRows(w, x, 1, new int[] {0}, 1, new float[1]));
            assertThrows(IllegalArgumentException.class, () -> k.matmulRows(w, x, 0, new int[] {0}, 2, new float[2]));
        }
        assertThrows(IllegalArgumentException.class, () -> NativeMatmulKernel.matmulRowsUnchecked(w.data(), GgmlType.Q8_0.id(), 20,
                64, x, 0, new int[] {20}, 1, new float[1]));
        assertThrows(IllegalArgumentException.class, () -> NativeMatmulKernel.matmulRowsUnchecked(w.data(), GgmlType.Q8_0.id(), 20,
                64, x, 1, new int[] {0}, 1, new float[1]));
        assertThrows(IllegalArgumentException.class, () -> NativeMatmulKernel.matmulRowsUnchecked(w.data(), GgmlType.Q8_0.id(), 20,
                64, x, 0, new int[] {0}, 2, new float[1]));
    }
}
