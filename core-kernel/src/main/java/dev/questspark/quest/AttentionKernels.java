package dev.questspark.quest;

import dev.questspark.kernel.NativeLibrary;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chooses the attention kernel once per JVM from the property {@code quest.kernel}: {@code auto} (default: native
 * when the library loads and has the attention entry points, else Java), {@code native} (fail if unavailable) or
 * {@code java}.
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
                    chosen = choose(System.getProperty("quest.kernel", "auto"));
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

    static AttentionKernel choose(String setting) {
        String mode = setting.trim().toLowerCase(Locale.ROOT);
        switch (mode) {
            case "java":
                return new JavaAttentionKernel();
            case "native": {
                String why = NativeAttentionKernel.unavailableReason();
                if (why != null) {
                    throw new IllegalStateException("quest.kernel=native but the native attention kernel is unavailable: " + why
                            + "; build core-kernel on linux-x86_64 with gcc, or use quest.kernel=auto|java");
                }
                return new NativeAttentionKernel();
            }
            case "auto": {
                String why = NativeAttentionKernel.unavailableReason();
                if (why != null) {
                    LOG.warn("Native attention kernel unavailable ({}); using the Java kernel", why);
                    return new JavaAttentionKernel();
                }
                return new NativeAttentionKernel();
            }
            default:
                throw new IllegalArgumentException("quest.kernel must be auto|native|java, got '" + setting + "'");
        }
    }

    /** The native library's instruction set, for reports. */
    public static String nativeIsa() {
        return NativeLibrary.isa();
    }
}
