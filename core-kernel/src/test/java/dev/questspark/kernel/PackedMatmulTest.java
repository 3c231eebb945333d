package dev.questspark.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.questspark.gguf.GgmlType;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The packed copies of Q4_1, Q8_0, Q5_0, Q4_K and Q6_K tensors (questkernel.h, "Packed weights"): a native kernel that packs gives
 * bit for bit what one reading the GGUF bytes gives, at every ISA level (the AVX-512 kernels read the copy, the
 * others ignore it), for every batch size 1..17 (direct tiles up to 8 tokens, repacked chunks above), for rows not a
 * multiple of 16 (the last tile is padded) and for row ranges that start inside a tile (those read the GGUF bytes).
 * The Java twin is checked against both with MatmulKernelTest's tolerance in MatmulBatchRowsTest, which runs with
 * packing on (the default).
 */
@ExtendWith(NativeIsa.Restore.class)
class PackedMatmulTest {
    /** The types with a packed AVX-512 kernel. */
    private static final GgmlType[] PACKED_TYPES = {GgmlType.Q4_1, GgmlType.Q8_0, GgmlType.Q5_0, GgmlType.Q4_K, GgmlType.Q6_K};

    @ParameterizedTest(name = "isa {0}")
    @MethodSource("dev.questspark.kernel.NativeIsa#levels")
    void packedAndGgufLayoutsGiveIdenticalRows(int isa) {
        Random rnd = new Random(23 + isa);
        for (GgmlType type : PACKED_TYPES) {
            for (int[] shape : new int[][] {{37, 64}, {48, 576}, {5, 96}}) {
                int rows = shape[0];
                int cols = shape[1] * (type.blockSize() / 32); // 256-value blocks: 8x as many values, as many blocks
                WeightTensor w = MatmulReference.randomWeights(rnd, type, rows, cols);
                // pack at the best level (as a model's first matmul does), then run at the level under test
                new NativeMatmulKernel(true).matmul(w, MatmulReference.randomActivations(rnd, 1, cols), 1, new float[rows], 0, rows);
                NativeIsa.force(isa);
                MatmulKernel packed = new NativeMatmulKernel(true);
                MatmulKernel plain = new NativeMatmulKernel(false);
                for (int n = 1; n <= 17; n++) {
                    float[] x = MatmulReference.randomActivations(rnd, n, cols);
                    for (int[] range : new int[][] {{0, rows}, {Math.min(16, rows), rows}, {Math.min(3, rows), rows}}) {
                        float[] a = new float[n * rows];
                        float[] b = new float[n * rows];
                        packed.matmul(w, x, n, a, range[0], range[1]);
                        plain.matmul(w, x, n, b, range[0], range[1]);
                        for (int i = 0; i < a.length; i++) {
                            int ii = i;
                            int nn = n;
                            assertEquals(Float.floatToIntBits(b[i]), Float.floatToIntBits(a[i]), () -> type + " " + rows + "x" + cols
                                    + " isa " + isa + " n=" + nn + " rows [" + range[0] + ", " + range[1] + ") out[" + ii + "]: "
                                    + a[ii] + " packed, " + b[ii] + " from the GGUF bytes");
                        }
                    }
                }
                NativeIsa.force(NativeIsa.best());
            }
        }
    }

    @Test
    void onlyTypesWithAPackedKernelGetACopy() {
        NativeIsa.require();
        Random rnd = new Random(5);
        boolean vnni = new NativeMatmulKernel().name().equals("native-avx512-vnni");
        for (GgmlType type : GgmlType.values()) {
            int cols = type.blockSize() == 1 ? 64 : type.blockSize() * 2;
            WeightTensor w = MatmulReference.randomWeights(rnd, type, 20, cols);
            new NativeMatmulKernel(true).matmul(w, MatmulReference.randomActivations(rnd, 2, cols), 2, new float[40], 0, 20);
            ByteBuffer copy = w.packed().get(() -> null);
            if (vnni && Arrays.asList(PACKED_TYPES).contains(type)) {
                assertNotNull(copy, type + " has a packed kernel");
                // Q4_K: 64 bytes more per 256-block of 16 rows (its scales and mins unpacked to bytes)
                long extra = type == GgmlType.Q4_K ? 2L * 64 * (cols / 256) : 0;
                assertEquals(32L * w.rowBytes() + extra, copy.capacity(), type + ": two tiles of 16 rows, the last padded");
                assertEquals(copy.capacity(), NativeMatmulKernel.packedBytes(type.id(), 20, cols));
            } else {
                assertNull(copy, type + " has no packed kernel here");
            }
        }
    }

    @Test
    void nativeSideRejectsAPackedBufferOfTheWrongSize() {
        NativeIsa.require();
        WeightTensor w = MatmulReference.randomWeights(new Random(2), GgmlType.Q4_1, 20, 64);
        float[] x = MatmulReference.randomActivations(new Random(3), 1, 64);
        ByteBuffer shortCopy = ByteBuffer.allocateDirect(20 * (int) w.rowBytes()); // not padded to 32 rows
        assertThrows(IllegalArgumentException.class,
                () -> NativeMatmulKernel.matmulPackedUnchecked(w.data(), shortCopy, GgmlType.Q4_1.id(), 20, 64, x, 1, new float[20], 0, 20));
        assertThrows(IllegalArgumentException.class,
                () -> NativeMatmulKernel.matmulPackedUnchecked(w.data(), ByteBuffer.allocate(32 * (int) w.rowBytes()),
                        GgmlType.Q4_1.id(), 20, 64, x, 1, new float[20], 0, 20));
    }
}
