package dev.questspark.kernel;

import java.nio.ByteBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The native SIMD matmul kernel (libquestkernel.so, matmul*.c). Weights are read in place from the tensor's
 * direct buffer; the C side re-checks every size before reading. Kernels are chosen once per process from the
 * CPU's instruction set: AVX-512 VNNI, AVX2+FMA, or portable C.
 *
 * <p>Where the CPU's kernels have a packed form of a tensor's type (AVX-512: Q4_1, Q8_0, Q5_0, Q4_K and Q6_K), the tensor's first
 * matmul lays out a {@link PackedCopy} of it (as many bytes again, off the heap) and every later one reads that
 * instead: same results bit for bit, fewer instructions per block (a batch-8 step's matmuls: see benchmarks.md).
 * {@code -Dquest.matmul.packed=false} keeps every matmul on the GGUF bytes.
 */
public final class NativeMatmulKernel implements MatmulKernel {
    private static final Logger LOG = LoggerFactory.getLogger(NativeMatmulKernel.class);
    /** Whether tensors get a packed copy (system property quest.matmul.packed, default true). */
    static final boolean PACKED_DEFAULT = Boolean.parseBoolean(System.getProperty("quest.matmul.packed", "true"));

    /** Instruction-set levels of {@link #setIsa(int)}, as numbered in questkernel.h. */
    static final int ISA_SCALAR = 0;
    static final int ISA_AVX2 = 1;
    static final int ISA_AVX512 = 2;

    private final boolean packed;

    /** @throws IllegalStateException when libquestkernel.so cannot be loaded */
    public NativeMatmulKernel() {
        this(PACKED_DEFAULT);
    }

    /** packed: whether tensors get (and matmuls read) a packed copy where the CPU's kernels have one. */
    public NativeMatmulKernel(boolean packed) {
        this.packed = packed;
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
        ByteBuffer copy = packed ? w.packed().get(() -> pack(w)) : null;
        matmul0(w.data(), copy, w.type().id(), w.rows(), w.cols(), x, n, out, rowStart, rowEnd);
    }

    /** The packed copy of w, or null when this CPU's kernels have no packed form of its type or memory is short. */
    private static ByteBuffer pack(WeightTensor w) {
        long bytes = packedBytes0(w.type().id(), w.rows(), w.cols());
        if (bytes <= 0 || bytes > Integer.MAX_VALUE - 128) {
            return null;
        }
        ByteBuffer copy;
        try { // alignedSlice also rounds the capacity down to a multiple of 64
            copy = ByteBuffer.allocateDirect((int) ((bytes + 63) / 64 * 64 + 64)).alignedSlice(64);
        } catch (OutOfMemoryError e) { // the direct-memory limit (-XX:MaxDirectMemorySize): read the GGUF bytes instead
            LOG.warn("no direct memory for the packed copy of {} ({} bytes): its matmuls read the GGUF layout ({})",
                    w.name(), bytes, e.getMessage());
            return null;
        }
        copy = copy.slice(0, (int) bytes);
        pack0(w.data(), w.type().id(), w.rows(), w.cols(), copy);
        return copy;
    }

    @Override
    public void matmulBounds(WeightTensor w, float[] x, int n, float[] pn, float[] out, float[] up, float[] down, int rowStart,
                             int rowEnd) {
        MatmulChecks.checkBounds(w, x, n, pn, out, up, down, rowStart, rowEnd);
        if (n == 0 || rowStart == rowEnd) {
            return;
        }
        ByteBuffer copy = packed ? w.packed().get(() -> pack(w)) : null;
        matmulBounds0(w.data(), copy, w.type().id(), w.rows(), w.cols(), x, n, pn, out, up, down, rowStart, rowEnd);
    }

    /** Raw entry point, for tests that check the C side's own validation. */
    static void matmulBoundsUnchecked(ByteBuffer data, int typeId, int rows, int cols, float[] x, int n, float[] pn, float[] out,
                                      float[] up, float[] down, int rowStart, int rowEnd) {
        matmulBounds0(data, null, typeId, rows, cols, x, n, pn, out, up, down, rowStart, rowEnd);
    }

    @Override
    public void matmulRows(WeightTensor w, float[] x, int xOff, int[] ids, int count, float[] out) {
        MatmulChecks.checkRows(w, x, xOff, ids, count, out);
        matmulRows0(w.data(), w.type().id(), w.rows(), w.cols(), x, xOff, ids, count, out);
    }

    /** Raw entry point, for tests that check the C side's own validation. */
    static void matmulRowsUnchecked(ByteBuffer data, int typeId, int rows, int cols, float[] x, int xOff, int[] ids,
                                    int count, float[] out) {
        matmulRows0(data, typeId, rows, cols, x, xOff, ids, count, out);
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
        matmul0(data, null, typeId, rows, cols, x, n, out, rowStart, rowEnd);
    }

    /** Raw entry point with a packed copy (or any buffer), for tests that check the C side's own validation. */
    static void matmulPackedUnchecked(ByteBuffer data, ByteBuffer packed, int typeId, int rows, int cols, float[] x, int n,
                                      float[] out, int rowStart, int rowEnd) {
        matmul0(data, packed, typeId, rows, cols, x, n, out, rowStart, rowEnd);
    }

    /** Bytes of the packed copy of a rows x cols matrix of the type; 0 when this CPU's kernels have none. */
    static long packedBytes(int typeId, int rows, int cols) {
        return packedBytes0(typeId, rows, cols);
    }

    /** Raw entry point, for tests that check the C side's own validation. */
    static void dequantizeRowUnchecked(ByteBuffer data, int typeId, int rows, int cols, int row, float[] out, int off) {
        dequantizeRow0(data, typeId, rows, cols, row, out, off);
    }

    private static native void matmul0(ByteBuffer data, ByteBuffer packed, int typeId, int rows, int cols, float[] x, int n,
                                       float[] out, int rowStart, int rowEnd);

    private static native void matmulBounds0(ByteBuffer data, ByteBuffer packed, int typeId, int rows, int cols, float[] x,
                                             int n, float[] pn, float[] out, float[] up, float[] down, int rowStart, int rowEnd);

    private static native void matmulRows0(ByteBuffer data, int typeId, int rows, int cols, float[] x, int xOff, int[] ids,
                                           int count, float[] out);

    private static native long packedBytes0(int typeId, int rows, int cols);

    private static native void pack0(ByteBuffer data, int typeId, int rows, int cols, ByteBuffer packed);

    private static native void dequantizeRow0(ByteBuffer data, int typeId, int rows, int cols, int row, float[] out,
                                              int off);

    private static native String opsName0();

    private static native void setIsa0(int isa);

    private static native int bestIsa0();

    private static native int quantizeActivations0(int typeId, float[] x, int n, int cols, byte[] dst);
}
