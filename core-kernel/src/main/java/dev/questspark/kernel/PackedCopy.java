package dev.questspark.kernel;

import java.nio.ByteBuffer;
import java.util.function.Supplier;

/**
 * A kernel's own copy of one weight tensor, laid out once in the order its SIMD tiles read (questkernel.h, "Packed
 * weights"), so that a batched step unpacks each block with a few loads instead of a transpose and a gather. Made on
 * first use and kept for the tensor's life; a tensor whose kernel has no packed form keeps none. The GGUF bytes stay
 * the reference: the Java kernel and every other reader use them, and the packed kernels give the same results bit
 * for bit (PackedMatmulTest).
 */
public final class PackedCopy {
    private static final ByteBuffer NONE = ByteBuffer.allocateDirect(0);

    private volatile ByteBuffer buffer; // null until made; NONE when the tensor has no packed copy

    /** The copy, made by make on the first call (null when make gives null: no packed form). */
    ByteBuffer get(Supplier<ByteBuffer> make) {
        ByteBuffer b = buffer;
        if (b == null) {
            synchronized (this) {
                b = buffer;
                if (b == null) {
                    ByteBuffer made = make.get();
                    b = made == null ? NONE : made;
                    buffer = b;
                }
            }
        }
        return b == NONE ? null : b;
    }
}
