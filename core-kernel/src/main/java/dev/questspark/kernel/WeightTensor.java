package dev.questspark.kernel;

import dev.questspark.gguf.GgmlType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A 2-D weight matrix as stored in a GGUF file: {@code rows} rows of {@code cols} values, row-major, each row
 * {@code type.rowBytes(cols)} bytes. {@code data} is a direct little-endian buffer of exactly that many rows;
 * the constructor checks it, so kernels may trust the shape. {@code packed} holds the copy a kernel may lay out
 * for itself on first use (see {@link PackedCopy}); every tensor has its own.
 */
public record WeightTensor(String name, GgmlType type, int rows, int cols, ByteBuffer data, PackedCopy packed) {
    public WeightTensor(String name, GgmlType type, int rows, int cols, ByteBuffer data) {
        this(name, type, rows, cols, data, new PackedCopy());
    }

    public WeightTensor {
        if (rows <= 0 || cols <= 0) {
            throw new IllegalArgumentException(name + ": shape must be positive, got " + rows + "x" + cols);
        }
        long need = (long) rows * type.rowBytes(cols);
        if (!data.isDirect()) {
            throw new IllegalArgumentException(name + ": weight data must be a direct buffer");
        }
        if (data.capacity() != need) {
            throw new IllegalArgumentException(name + ": " + rows + "x" + cols + " " + type + " needs " + need
                    + " bytes but the buffer holds " + data.capacity());
        }
        data = data.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        if (packed == null) {
            throw new IllegalArgumentException(name + ": packed must not be null (use the constructor without it)");
        }
    }

    public long rowBytes() {
        return type.rowBytes(cols);
    }
}
