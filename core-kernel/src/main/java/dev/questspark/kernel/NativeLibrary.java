package dev.questspark.kernel;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads libquestkernel.so once per JVM: from {@code quest.native.path} when set, otherwise extracted from
 * the jar's {@code native/linux-x86_64/} folder to a temporary file. A failure is remembered, not thrown:
 * callers fall back to the Java kernels.
 */
public final class NativeLibrary {
    private static final Logger LOG = LoggerFactory.getLogger(NativeLibrary.class);
    private static final String RESOURCE = "/native/linux-x86_64/libquestkernel.so";
    private static final Object LOCK = new Object();
    private static volatile Boolean loaded;
    private static volatile String failure;

    private NativeLibrary() {}

    /** True when the native library is loaded and usable in this JVM. */
    public static boolean isLoaded() {
        if (loaded == null) {
            synchronized (LOCK) {
                if (loaded == null) {
                    loaded = tryLoad();
                }
            }
        }
        return loaded;
    }

    /** Why the library could not be loaded, or null when it was. */
    public static String failure() {
        isLoaded();
        return failure;
    }

    /** The instruction set the native kernel selected on this CPU (scalar, avx2+fma, avx512). */
    public static String isa() {
        return isLoaded() ? isaName() : "none";
    }

    private static native String isaName();

    private static boolean tryLoad() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "");
        if (!os.contains("linux") || !(arch.equals("amd64") || arch.equals("x86_64"))) {
            failure = "no native kernel is built for " + os + "/" + arch;
            return false;
        }
        try {
            String explicit = System.getProperty("quest.native.path");
            Path lib = explicit != null ? Path.of(explicit) : extract();
            System.load(lib.toAbsolutePath().toString());
            LOG.debug("Loaded native kernel from {}", lib);
            return true;
        } catch (IOException | UnsatisfiedLinkError | SecurityException e) {
            failure = e.toString();
            return false;
        }
    }

    private static Path extract() throws IOException {
        try (InputStream in = NativeLibrary.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IOException("resource " + RESOURCE + " is not on the classpath (built with -Dquest.native.skip?)");
            }
            Path tmp = Files.createTempFile("libquestkernel", ".so");
            tmp.toFile().deleteOnExit();
            Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
            return tmp;
        }
    }
}
