package dev.questspark.gguf;

import java.util.Arrays;
import java.util.Objects;

/**
 * Where and what one tensor is in a GGUF file.
 *
 * @param name     the tensor name, for example {@code blk.0.attn_q.weight}
 * @param type     its element type
 * @param dims     its shape in ggml order: {@code dims[0]} (ne0) is the row length, the fastest-varying
 *                 dimension; 1 to 4 dimensions, each at least 1
 * @param offset   absolute file offset of the first data byte
 * @param byteSize number of data bytes, {@code elementCount / blockSize * typeSize}
 */
public record GgufTensorInfo(String name, GgmlType type, long[] dims, long offset, long byteSize) {
    /** Most dimensions a ggml tensor has. */
    public static final int MAX_DIMS = 4;

    /**
     * Checks the shape and size agree, so holders of an info can trust it.
     *
     * @throws IllegalArgumentException when the shape is invalid, the row length is not a multiple of the
     *                                  type's block size, the size overflows, or byteSize disagrees with the shape
     */
    public GgufTensorInfo {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        dims = dims.clone();
        if (offset < 0) {
            throw new IllegalArgumentException("tensor '" + name + "': negative offset " + offset);
        }
        long expected = byteSizeOf(type, dims);
        if (byteSize != expected) {
            throw new IllegalArgumentException("tensor '" + name + "': byteSize " + byteSize + " but shape "
                    + Arrays.toString(dims) + " of " + type + " takes " + expected + " bytes");
        }
    }

    /**
     * Bytes a tensor of this type and shape takes.
     *
     * @throws IllegalArgumentException for an invalid shape or a row length not a multiple of the block size
     * @throws ArithmeticException      when the element count or size overflows a long
     */
    public static long byteSizeOf(GgmlType type, long[] dims) {
        if (dims.length < 1 || dims.length > MAX_DIMS) {
            throw new IllegalArgumentException("tensors have 1 to " + MAX_DIMS + " dims, got " + dims.length);
        }
        long count = 1;
        for (long d : dims) {
            if (d < 1) {
                throw new IllegalArgumentException("every dim must be >= 1, got " + Arrays.toString(dims));
            }
            count = Math.multiplyExact(count, d);
        }
        if (dims[0] % type.blockSize() != 0) {
            throw new IllegalArgumentException(type + " rows must be a multiple of " + type.blockSize()
                    + " values, got " + dims[0]);
        }
        return Math.multiplyExact(count / type.blockSize(), (long) type.typeSize());
    }

    /** A copy of the shape in ggml order ({@code dims[0]} is the row length). */
    @Override
    public long[] dims() {
        return dims.clone();
    }

    /** Number of dimensions, 1 to 4. */
    public int nDims() {
        return dims.length;
    }

    /** The size of dimension {@code i} in ggml order. */
    public long dim(int i) {
        return dims[i];
    }

    /** Total number of elements (cannot overflow: checked at construction). */
    public long elementCount() {
        long n = 1;
        for (long d : dims) {
            n *= d;
        }
        return n;
    }

    /**
     * The row length {@code dims[0]}.
     *
     * @throws IllegalStateException when it exceeds an int
     */
    public int cols() {
        return toInt(dims[0], "row length");
    }

    /**
     * The number of rows, the product of {@code dims[1..]} (1 for a vector).
     *
     * @throws IllegalStateException when it exceeds an int
     */
    public int rows() {
        long r = 1;
        for (int i = 1; i < dims.length; i++) {
            r *= dims[i]; // cannot overflow: the full product was checked at construction
        }
        return toInt(r, "row count");
    }

    /** Bytes of one row of {@code cols()} values. */
    public long rowBytes() {
        return type.rowBytes(dims[0]);
    }

    private int toInt(long v, String what) {
        if (v > Integer.MAX_VALUE) {
            throw new IllegalStateException("tensor '" + name + "' " + what + " " + v + " exceeds "
                    + Integer.MAX_VALUE + "; shape " + Arrays.toString(dims) + " is too large for a 2-D weight");
        }
        return (int) v;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GgufTensorInfo t && name.equals(t.name) && type == t.type
                && Arrays.equals(dims, t.dims) && offset == t.offset && byteSize == t.byteSize;
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, type, Arrays.hashCode(dims), offset, byteSize);
    }

    @Override
    public String toString() {
        return "tensor '" + name + "' " + type + " " + Arrays.toString(dims) + " at " + offset + " (" + byteSize
                + " bytes)";
    }
}
