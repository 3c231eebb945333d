package dev.questspark.kernel;

import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.util.stream.IntStream;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.opentest4j.AssertionFailedError;

/**
 * Test hooks for the native kernels: require them (a native test fails, not skips, when the library did not load),
 * list and force their ISA level (numbered as in questkernel.h) and restore it.
 */
public final class NativeIsa {
    public static final int SCALAR = NativeMatmulKernel.ISA_SCALAR;
    public static final int AVX2 = NativeMatmulKernel.ISA_AVX2;
    public static final int AVX512 = NativeMatmulKernel.ISA_AVX512;

    private NativeIsa() {}

    /** Requires the native library: see {@link #require(String)}. */
    public static void require() {
        require(NativeLibrary.isLoaded() ? null : "native kernel library not loaded: " + NativeLibrary.failure());
    }

    /**
     * Fails the calling test when a native kernel is unavailable (unavailableReason not null), so native tests cannot
     * silently shrink; with {@code -Dquest.kernel=java} (the Java kernel on purpose) the test is skipped instead.
     */
    public static void require(String unavailableReason) {
        if (unavailableReason == null) {
            return;
        }
        assumeFalse("java".equals(System.getProperty(Kernels.PROPERTY)), () -> unavailableReason + " (" + Kernels.PROPERTY + "=java)");
        throw new AssertionFailedError(unavailableReason + ". Native tests fail rather than skip: build core-kernel with gcc "
                + "on linux-x86_64, or pass -D" + Kernels.PROPERTY + "=java to run the Java kernel on purpose");
    }

    /** The best level this CPU supports (or the one QUEST_KERNEL_ISA forces). */
    public static int best() {
        return NativeMatmulKernel.bestIsa();
    }

    /** Every level from scalar to {@link #best()}, for parameterized tests; requires the native library. */
    public static IntStream levels() {
        require();
        return IntStream.rangeClosed(SCALAR, best());
    }

    /** Makes every native kernel in this process use isa (capped at the CPU's best). */
    public static void force(int isa) {
        NativeMatmulKernel.setIsa(isa);
    }

    /** {@code @ExtendWith(NativeIsa.Restore.class)}: the best level again after each test that forced another. */
    public static final class Restore implements AfterEachCallback {
        @Override
        public void afterEach(ExtensionContext context) {
            if (NativeLibrary.isLoaded()) {
                force(best());
            }
        }
    }
}
