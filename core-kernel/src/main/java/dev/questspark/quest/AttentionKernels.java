package dev.questspark.quest;

import dev.questspark.kernel.Kernels;
import dev.questspark.kernel.NativeLibrary;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The attention kernel of this JVM, following {@link Kernels#backend()} (system property {@code quest.kernel}:
 * auto|native|java, decided once): native when the loaded library also has the attention entry points, else Java
 * (with a warning under {@code auto}, an error under {@code native}). Chosen once and logged.
 */
public final class AttentionKernels {
    private static final Logger LOG = LoggerFactory.getLogger(AttentionKernels.class);
    private static volatile AttentionKernel chosen;

    private AttentionKernels() {}

    /** The kernel for this JVM. */
    public static AttentionKernel get() {
        AttentionKernel k = chosen;
        if (k == null) {
            synchronized (AttentionKernels.class) {
                if (chosen == null) {
                    chosen = forBackend(Kernels.backend(), System.getProperty(Kernels.PROPERTY, "auto"));
                    LOG.info("Attention kernel: {}", chosen.name());
                }
                k = chosen;
            }
        }
        return k;
    }

    /** The native kernel, or null with the reason logged when it cannot be used. */
    public static AttentionKernel nativeOrNull() {
        String why = NativeAttentionKernel.unavailableReason();
        if (why != null) {
            LOG.debug("Native attention kernel unavailable: {}", why);
            return null;
        }
        return new NativeAttentionKernel();
    }

    static AttentionKernel forBackend(Kernels.Backend backend, String setting) {
        if (backend == Kernels.Backend.JAVA) {
            return new JavaAttentionKernel();
        }
        String why = NativeAttentionKernel.unavailableReason();
        if (why == null) {
            return new NativeAttentionKernel();
        }
        if ("native".equalsIgnoreCase(setting.trim())) {
            throw new IllegalStateException(Kernels.PROPERTY + "=native but the native attention kernel is unavailable: " + why
                    + "; rebuild core-kernel (the library predates the attention kernel) or use " + Kernels.PROPERTY + "=auto|java");
        }
        LOG.warn("Native attention kernel unavailable ({}); using the Java kernel", why);
        return new JavaAttentionKernel();
    }

    /** The native library's instruction set, for reports. */
    public static String nativeIsa() {
        return NativeLibrary.isa();
    }
}
