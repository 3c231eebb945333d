package dev.questspark.kernel;

/** Test hook for other packages: force the native kernels' ISA level (numbered as in questkernel.h) and restore it. */
public final class NativeIsa {
    public static final int SCALAR = NativeMatmulKernel.ISA_SCALAR;
    public static final int AVX2 = NativeMatmulKernel.ISA_AVX2;
    public static final int AVX512 = NativeMatmulKernel.ISA_AVX512;

    private NativeIsa() {}

    /** The best level this CPU supports (or the one QUEST_KERNEL_ISA forces). */
    public static int best() {
        return NativeMatmulKernel.bestIsa();
    }

    /** Makes every native kernel in this process use isa (capped at the CPU's best). */
    public static void force(int isa) {
        NativeMatmulKernel.setIsa(isa);
    }
}
