package dev.questspark.kernel;

import java.nio.ByteBuffer;

/**
 * The native SIMD matmul kernel (libquestkernel.so, matmul*.c). Weights are read in place from the tensor's
 * direct buffer; the C side re-checks every size before reading. Kernels are chosen once per process from the
 * CPU's instruction set: AVX-512 VNNI, AVX2+FMA, or portable C.
 */
public final class NativeMatmulKernel implements MatmulKernel {
    /** Instruction-set levels of {@link #setIsa(int)}, as numbered in questkernel.h. */
    static final int ISA_SCALAR = 0;
    static final int ISA_AVX2 = 1;
    static final int ISA_AVX512 = 2;

    /** @throws IllegalStateException when libquestkernel.so cannot be loaded */
    public NativeMatmulKernel() {
        if (!NativeLibrary.isLoaded()) {
            throw new IllegalStateException("the native kernel library could not be loaded (" + NativeLibrary.failure()
                    + "); run with -Dquest.kernel=java to use the Java kernel");
        }
    }

    @Override
    public String name() {
        return "native-" + opsName0();
    }

    @Override
    public void matmul(WeightTensor w, float[] x, int n, float[] out, int rowStart, int rowEnd) {
        MatmulChecks.checkMatmul(w, x, n, out, rowStart, rowEnd);
        if (n == 0 || rowStart == rowEnd) {
            return;
        }
        matmul0(w.data(), w.type().id(), w.rows(), w.cols(), x, n, out, rowStart, rowEnd);
    }

    @Override
    public void dequantizeRow(WeightTensor w, int row, float[] out, int off) {
        MatmulChecks.checkRow(w, row, out, off);
        dequantizeRow0(w.data(), w.type().id(), w.rows(), w.cols(), row, out, off);
    }

    /**
     * Test hook: makes every native matmul, attention and activation kernel in this process use the given ISA level
     * (capped at the CPU's best).
     */
    static void setIsa(int isa) {
        setIsa0(isa);
    }

    /** The best ISA level this CPU supports (or the one forced by QUEST_KERNEL_ISA). */
    static int bestIsa() {
        return bestIsa0();
    }

    /**
     * Test hook: the native activation conversion for weight type typeId, raw bytes of n tokens in the layout of
     * questkernel.h; returns the per-token stride.
     */
    static int quantizeActivations(int typeId, float[] x, int n, int cols, byte[] dst) {
        return quantizeActivations0(typeId, x, n, cols, dst);
    }

    /** Raw entry point, for tests that check the C side's own validation. */
    static void matmulUnchecked(ByteBuffer data, int typeId, int rows, int cols, float[] x, int n, float[] out,
                                int rowStart, int rowEnd) {
        matmul0(data, typeId, rows, cols, x, n, out, rowStart, rowEnd);
    }

    /** Raw entry point, for tests that check the C side's own validation. */
    static void dequantizeRowUnchecked(ByteBuffer data, int typeId, int rows, int cols, int row, float[] out, int off) {
        dequantizeRow0(data, typeId, rows, cols, row, out, off);
    }

    private static native void matmul0(ByteBuffer data, int typeId, int rows, int cols, float[] x, int n, float[] out,
                                       int rowStart, int rowEnd);

    private static native void dequantizeRow0(ByteBuffer data, int typeId, int rows, int cols, int row, float[] out,
                                              int off);

    private static native String opsName0();

    private static native void setIsa0(int isa);

    private static native int bestIsa0();

    private static native int quantizeActivations0(int typeId, float[] x, int n, int cols, byte[] dst);
}
