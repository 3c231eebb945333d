package dev.questspark.gguf;

/**
 * Tensor element types as numbered by ggml. Quantized types store blocks of {@code blockSize} values in
 * {@code typeSize} bytes; a row of n values takes {@code n / blockSize * typeSize} bytes.
 */
public enum GgmlType {
    F32(0, 1, 4),
    F16(1, 1, 2),
    Q4_0(2, 32, 18),   // d:f16, qs[16]: value = (nibble - 8) * d
    Q4_1(3, 32, 20),   // d:f16, m:f16, qs[16]: value = nibble * d + m
    Q5_0(6, 32, 22),   // d:f16, qh[4], qs[16]: value = ((nibble | high bit << 4) - 16) * d
    Q8_0(8, 32, 34),   // d:f16, qs[32]: value = q * d
    Q4_K(12, 256, 144), // d, dmin:f16, scales[12] (6-bit), qs[128]
    Q6_K(14, 256, 210), // ql[128], qh[64], scales[16]:i8, d:f16
    BF16(30, 1, 2);

    private final int id;
    private final int blockSize;
    private final int typeSize;

    GgmlType(int id, int blockSize, int typeSize) {
        this.id = id;
        this.blockSize = blockSize;
        this.typeSize = typeSize;
    }

    public int id() {
        return id;
    }

    public int blockSize() {
        return blockSize;
    }

    public int typeSize() {
        return typeSize;
    }

    public boolean isQuantized() {
        return blockSize > 1;
    }

    /** Bytes of a row of n values; n must be a multiple of the block size. */
    public long rowBytes(long n) {
        if (n % blockSize != 0) {
            throw new IllegalArgumentException(this + " rows must be a multiple of " + blockSize + " values, got " + n);
        }
        return n / blockSize * typeSize;
    }

    /** The type with this ggml id, or null when it is not one this engine supports. */
    public static GgmlType fromId(int id) {
        for (GgmlType t : values()) {
            if (t.id == id) {
                return t;
            }
        }
        return null;
    }
}
