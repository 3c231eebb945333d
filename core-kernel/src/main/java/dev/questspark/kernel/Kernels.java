package dev.questspark.kernel;

import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chooses the kernel implementations once per JVM. System property {@code quest.kernel}: {@code auto} (default:
 * native when libquestkernel.so loads, else Java), {@code native} (fail clearly when it cannot load) or
 * {@code java}. The choice is logged once.
 */
public final class Kernels {
    /** The system property that selects the kernel family. */
    public static final String PROPERTY = "quest.kernel";

    /** The kernel family in use. */
    public enum Backend { NATIVE, JAVA }

    private static final Logger LOG = LoggerFactory.getLogger(Kernels.class);
    private static final Object LOCK = new Object();
    private static Backend backend;
    private static MatmulKernel matmul;
    private static Activations activations;

    private Kernels() {}

    /** The kernel family chosen by {@value #PROPERTY}; decided and logged on first use. */
    public static Backend backend() {
        synchronized (LOCK) {
            if (backend == null) {
                backend = choose(System.getProperty(PROPERTY, "auto"));
            }
            return backend;
        }
    }

    /** The matmul kernel of {@link #backend()}; one shared, thread-safe instance. */
    public static MatmulKernel matmul() {
        synchronized (LOCK) {
            if (matmul == null) {
                matmul = backend() == Backend.NATIVE ? new NativeMatmulKernel() : new JavaMatmulKernel();
            }
            return matmul;
        }
    }

    /** The element-wise activations of {@link #backend()}. */
    public static Activations activations() {
        synchronized (LOCK) {
            if (activations == null) {
                activations = backend() == Backend.NATIVE ? new NativeActivations() : new JavaActivations();
            }
            return activations;
        }
    }

    /** The attention kernel (Quest and dense attention over paged KV) matching {@link #backend()}. */
    public static dev.questspark.quest.AttentionKernel attention() {
        return dev.questspark.quest.AttentionKernels.get();
    }

    /** Resolves a {@value #PROPERTY} value; package-private for tests. */
    static Backend choose(String value) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        switch (v) {
            case "java":
                LOG.info("Kernels: java ({}=java)", PROPERTY);
                return Backend.JAVA;
            case "native":
                if (!NativeLibrary.isLoaded()) {
                    throw new IllegalStateException(PROPERTY + "=native but the native kernel library could not be loaded: "
                            + NativeLibrary.failure() + "; use " + PROPERTY + "=auto or java");
                }
                LOG.info("Kernels: native, isa {} ({}=native)", NativeLibrary.isa(), PROPERTY);
                return Backend.NATIVE;
            case "auto":
                if (NativeLibrary.isLoaded()) {
                    LOG.info("Kernels: native, isa {}", NativeLibrary.isa());
                    return Backend.NATIVE;
                }
                LOG.info("Kernels: java, because the native kernel library could not be loaded: {}", NativeLibrary.failure());
                return Backend.JAVA;
            default:
                throw new IllegalArgumentException(PROPERTY + " must be auto, native or java, got '" + value + "'");
        }
    }
}
