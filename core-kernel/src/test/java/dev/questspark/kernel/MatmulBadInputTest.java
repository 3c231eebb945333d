package dev.questspark.kernel;

import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.questspark.gguf.GgmlType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Calls that would read or write outside a buffer get IllegalArgumentException, from Java and from the C side. */
class MatmulBadInputTest {
    private final WeightTensor w = MatmulReference.randomWeights(new Random(2), GgmlType.Q4_1, 8, 64);

    @Test
    void bothKernelsRejectBadArguments() {
        List<MatmulKernel> kernels = NativeLibrary.isLoaded()
                ? List.of(new JavaMatmulKernel(), new NativeMatmulKernel()) : List.of(new JavaMatmulKernel());
        for (MatmulKernel k : kernels) {
            assertThrows(IllegalArgumentException.class, () -> k.matmul(w, new float[127], 2, new float[16], 0, 8));
            assertThrows(IllegalArgumentException.class, () -> k.matmul(w, new float[128], 2, new float[15], 0, 8));
            assertThrows(IllegalArgumentException.class, () -> k.matmul(w, new float[128], 2, new float[16], 0, 9));
            assertThrows(IllegalArgumentException.class, () -> k.matmul(w, new float[128], 2, new float[16], -1, 3));
            assertThrows(IllegalArgumentException.class, () -> k.matmul(w, new float[128], 2, new float[16], 5, 3));
            assertThrows(IllegalArgumentException.class, () -> k.matmul(w, new float[128], -1, new float[16], 0, 8));
            assertThrows(IllegalArgumentException.class, () -> k.dequantizeRow(w, 8, new float[64], 0));
            assertThrows(IllegalArgumentException.class, () -> k.dequantizeRow(w, -1, new float[64], 0));
            assertThrows(IllegalArgumentException.class, () -> k.dequantizeRow(w, 0, new float[64], 1));
        }
    }

    /** The C side re-checks what Java checked, so a caller that skips the Java checks still cannot overrun. */
    @Test
    void nativeSideChecksBuffersItself() {
        NativeIsa.require();
        ByteBuffer data = w.data();
        int q41 = GgmlType.Q4_1.id();
        ByteBuffer small = ByteBuffer.allocateDirect(8 * 40 - 1).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer heap = ByteBuffer.allocate(8 * 40);
        float[] x = new float[128];
        float[] out = new float[16];
        assertThrows(IllegalArgumentException.class, () -> NativeMatmulKernel.matmulUnchecked(small, q41, 8, 64, x, 2, out, 0, 8));
        assertThrows(IllegalArgumentException.class, () -> NativeMatmulKernel.matmulUnchecked(heap, q41, 8, 64, x, 2, out, 0, 8));
        assertThrows(IllegalArgumentException.class, () -> NativeMatmulKernel.matmulUnchecked(data, q41, 9, 64, x, 2, out, 0, 8));
        assertThrows(IllegalArgumentException.class, () -> NativeMatmulKernel.matmulUnchecked(data, 7, 8, 64, x, 2, out, 0, 8));
        assertThrows(IllegalArgumentException.class, () -> NativeMatmulKernel.matmulUnchecked(data, q41, 8, 48, x, 2, out, 0, 8));
        assertThrows(IllegalArgumentException.class, () -> NativeMatmulKernel.matmulUnchecked(data, q41, 8, 64, new float[127], 2, out, 0, 8));
        assertThrows(IllegalArgumentException.class, () -> NativeMatmulKernel.matmulUnchecked(data, q41, 8, 64, x, 2, new float[15], 0, 8));
        assertThrows(IllegalArgumentException.class, () -> NativeMatmulKernel.matmulUnchecked(data, q41, 8, 64, x, 2, out, 0, 9));
        assertThrows(IllegalArgumentException.class, () -> NativeMatmulKernel.matmulUnchecked(data, q41, 8, 64, x, 2, out, 4, 3));
        assertThrows(IllegalArgumentException.class, () -> NativeMatmulKernel.matmulUnchecked(null, q41, 8, 64, x, 2, out, 0, 8));
        assertThrows(IllegalArgumentException.class, () -> NativeMatmulKernel.matmulUnchecked(data, q41, 8, 64, null, 2, out, 0, 8));
        assertThrows(IllegalArgumentException.class, () -> NativeMatmulKernel.dequantizeRowUnchecked(data, q41, 8, 64, 8, new float[64], 0));
        assertThrows(IllegalArgumentException.class, () -> NativeMatmulKernel.dequantizeRowUnchecked(data, q41, 8, 64, 0, new float[64], 1));
        assertThrows(IllegalArgumentException.class, () -> NativeMatmulKernel.dequantizeRowUnchecked(small, q41, 8, 64, 0, new float[64], 0));
    }
}
