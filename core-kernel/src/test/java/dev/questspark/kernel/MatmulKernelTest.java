package dev.questspark.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.questspark.gguf.GgmlType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Every weight type on every implementation (Java twin; native forced to scalar C, AVX2 and AVX-512 VNNI)
 * against {@link MatmulReference}. Tolerance: |got - expected| <= 1e-5 * sum |w_i * a_i| of the row and token
 * (the products' L1 magnitude), which covers float rounding of the per-block terms and their sum (at most
 * about blocks * 2^-24 of that magnitude for the sizes here) but not a wrong quant, scale or block.
 */
@ExtendWith(NativeIsa.Restore.class)
class MatmulKernelTest {
    static final double TOLERANCE = 1e-5;

    /** A kernel under test: the Java twin (isa < 0) or the native kernel forced to an ISA level. */
    record Impl(String label, int isa) {
        MatmulKernel kernel() {
            if (isa < 0) {
                return new JavaMatmulKernel();
            }
            NativeIsa.require();
            NativeMatmulKernel.setIsa(isa);
            NativeMatmulKernel k = new NativeMatmulKernel();
            // level 2 runs the VNNI kernels, or the AVX2 ones on AVX-512 CPUs without VNNI
            String[] expected = {"native-scalar", "native-avx2", "native-avx512-vnni|native-avx2"};
            assertTrue(k.name().matches(expected[isa]), label + " ran " + k.name());
            return k;
        }

        @Override
        public String toString() {
            return label;
        }
    }

    static final Impl JAVA = new Impl("java", -1);
    static final Impl SCALAR = new Impl("native-scalar", NativeMatmulKernel.ISA_SCALAR);
    static final List<Impl> IMPLS = List.of(JAVA, SCALAR, new Impl("native-avx2", NativeMatmulKernel.ISA_AVX2),
            new Impl("native-avx512", NativeMatmulKernel.ISA_AVX512));

    /**
     * The Java twin and the native kernel at every ISA level this CPU has; every level when the library did not load,
     * so those cases fail (see {@link NativeIsa#require()}) rather than vanish.
     */
    static List<Impl> available() {
        return IMPLS.stream().filter(i -> i.isa() < 0 || !NativeLibrary.isLoaded() || i.isa() <= NativeMatmulKernel.bestIsa())
                .toList();
    }

    static Stream<Arguments> typesAndImpls() {
        List<Arguments> args = new ArrayList<>();
        for (GgmlType type : GgmlType.values()) {
            for (Impl impl : available()) {
                args.add(Arguments.of(type, impl));
            }
        }
        return args.stream();
    }

    /** Shapes (rows, cols, n): rows not a multiple of any tile height, n = 1, 7 and a larger odd count. */
    static int[][] shapes(GgmlType type) {
        int b = type.blockSize();
        if (b == 1) {
            return new int[][] {{3, 1, 1}, {5, 7, 7}, {19, 100, 3}, {37, 64, 23}};
        }
        if (b == 256) {
            return new int[][] {{5, 256, 1}, {37, 768, 7}, {18, 512, 29}};
        }
        return new int[][] {{1, 32, 1}, {5, 96, 7}, {37, 576, 1}, {37, 576, 7}, {21, 1024, 29}, {16, 64, 2}, {9, 64, 3}};
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("typesAndImpls")
    void matchesReference(GgmlType type, Impl impl) {
        Random rnd = new Random(type.ordinal() * 31L + 7);
        MatmulKernel kernel = impl.kernel();
        for (int[] shape : shapes(type)) {
            int rows = shape[0];
            int cols = shape[1];
            int n = shape[2];
            WeightTensor w = MatmulReference.randomWeights(rnd, type, rows, cols);
            float[] x = MatmulReference.randomActivations(rnd, n, cols);
            int start = rnd.nextInt(rows);
            int end = start + 1 + rnd.nextInt(rows - start);
            if (rnd.nextBoolean()) {
                start = 0;
                end = rows;
            }
            float[] out = new float[n * rows];
            Arrays.fill(out, Float.NaN);
            kernel.matmul(w, x, n, out, start, end);
            checkAgainstReference(w, x, n, out, start, end, impl + " " + rows + "x" + cols + " n=" + n);
        }
    }

    static void checkAgainstReference(WeightTensor w, float[] x, int n, float[] out, int start, int end, String what) {
        int rows = w.rows();
        int cols = w.cols();
        for (int r = 0; r < rows; r++) {
            byte[] row = MatmulReference.rowBytes(w, r);
            for (int t = 0; t < n; t++) {
                float got = out[t * rows + r];
                if (r < start || r >= end) {
                    assertTrue(Float.isNaN(got), what + ": row " + r + " outside [" + start + ", " + end + ") was written");
                    continue;
                }
                double[] e = MatmulReference.expect(w.type(), row, x, t * cols, cols);
                double tol = TOLERANCE * e[1] + 1e-30;
                assertTrue(Math.abs(got - e[0]) <= tol, what + ": row " + r + " token " + t + " got " + got
                        + " expected " + e[0] + " (tolerance " + tol + ")");
            }
        }
    }

    /** The prefill shape: many tokens through a Q4_1 FFN slice and the Q8_0 output matrix. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("impls")
    void largeBatchMatchesReference(Impl impl) {
        MatmulKernel kernel = impl.kernel();
        Random rnd = new Random(99);
        for (GgmlType type : new GgmlType[] {GgmlType.Q4_1, GgmlType.Q5_0, GgmlType.Q8_0}) {
            WeightTensor w = MatmulReference.randomWeights(rnd, type, 35, 576);
            int n = 300;
            float[] x = MatmulReference.randomActivations(rnd, n, 576);
            float[] out = new float[n * 35];
            Arrays.fill(out, Float.NaN);
            kernel.matmul(w, x, n, out, 3, 35);
            checkAgainstReference(w, x, n, out, 3, 35, impl + " " + type + " n=" + n);
        }
    }

    static Stream<Impl> impls() {
        return available().stream();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("typesAndImpls")
    void dequantizeRowMatchesReference(GgmlType type, Impl impl) {
        MatmulKernel kernel = impl.kernel();
        Random rnd = new Random(5 + type.ordinal());
        int cols = type.blockSize() == 1 ? 37 : type.blockSize() * 3;
        WeightTensor w = MatmulReference.randomWeights(rnd, type, 4, cols);
        for (int r = 0; r < 4; r++) {
            double[] expected = MatmulReference.dequantize(type, MatmulReference.rowBytes(w, r), cols);
            double scale = Arrays.stream(expected).map(Math::abs).max().orElse(0);
            float[] out = new float[cols + 5];
            kernel.dequantizeRow(w, r, out, 5);
            for (int i = 0; i < cols; i++) {
                // Dequantization is a product of a quant and fp16 scales in float: exact or within one rounding.
                assertEquals(expected[i], out[5 + i], 1e-6 * scale, impl + " " + type + " row " + r + " value " + i);
            }
        }
    }

    /**
     * The Java twin performs the same float operations in the same order as the native generic C code, so the
     * two agree bit for bit.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("types")
    void javaEqualsNativeScalarExactly(GgmlType type) {
        MatmulKernel scalar = SCALAR.kernel();
        MatmulKernel java = JAVA.kernel();
        Random rnd = new Random(11 + type.ordinal());
        for (int[] shape : shapes(type)) {
            WeightTensor w = MatmulReference.randomWeights(rnd, type, shape[0], shape[1]);
            float[] x = MatmulReference.randomActivations(rnd, shape[2], shape[1]);
            float[] a = new float[shape[0] * shape[2]];
            float[] b = new float[a.length];
            scalar.matmul(w, x, shape[2], a, 0, shape[0]);
            java.matmul(w, x, shape[2], b, 0, shape[0]);
            assertArrayEquals(a, b, type + " " + Arrays.toString(shape));
        }
    }

    static Stream<GgmlType> types() {
        return Stream.of(GgmlType.values());
    }

    /** Rows split over threads give exactly the single-call result (each row is computed the same way). */
    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("typesAndImpls")
    void rowSplitsAcrossThreadsAreBitIdentical(GgmlType type, Impl impl) throws Exception {
        MatmulKernel kernel = impl.kernel();
        Random rnd = new Random(3 + type.ordinal());
        int rows = 53;
        int cols = type.blockSize() == 1 ? 48 : type.blockSize() * 2;
        int n = 9;
        WeightTensor w = MatmulReference.randomWeights(rnd, type, rows, cols);
        float[] x = MatmulReference.randomActivations(rnd, n, cols);
        float[] whole = new float[n * rows];
        kernel.matmul(w, x, n, whole, 0, rows);
        float[] split = new float[n * rows];
        int[] cuts = {0, 5, 22, 23, 53};
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<?>> parts = new ArrayList<>();
            for (int i = 0; i + 1 < cuts.length; i++) {
                int s = cuts[i];
                int e = cuts[i + 1];
                parts.add(pool.submit(() -> kernel.matmul(w, x, n, split, s, e)));
            }
            for (Future<?> f : parts) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        assertArrayEquals(whole, split, impl + " " + type);
    }

    @Test
    void zeroTokensOrEmptyRangeWriteNothing() {
        for (Impl impl : List.of(JAVA, SCALAR)) {
            MatmulKernel kernel = impl.kernel();
            WeightTensor w = MatmulReference.randomWeights(new Random(1), GgmlType.Q4_1, 4, 64);
            float[] out = new float[8];
            Arrays.fill(out, Float.NaN);
            kernel.matmul(w, new float[128], 0, out, 0, 4);
            kernel.matmul(w, new float[128], 2, out, 2, 2);
            for (float v : out) {
                assertTrue(Float.isNaN(v), impl.label());
            }
        }
    }
}
