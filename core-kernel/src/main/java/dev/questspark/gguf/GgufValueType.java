package dev.questspark.gguf;

/**
 * Metadata value types as numbered by the GGUF specification, with the fewest bytes a value of each type can
 * occupy in a file; those minimums bound how many values a declared count could possibly describe.
 */
enum GgufValueType {
    UINT8(0, 1),
    INT8(1, 1),
    UINT16(2, 2),
    INT16(3, 2),
    UINT32(4, 4),
    INT32(5, 4),
    FLOAT32(6, 4),
    BOOL(7, 1),
    STRING(8, 8),    // uint64 length + bytes
    ARRAY(9, 12),    // uint32 element type + uint64 length + elements
    UINT64(10, 8),
    INT64(11, 8),
    FLOAT64(12, 8);

    private static final GgufValueType[] BY_ID = values();

    private final int id;
    private final int minBytes;

    GgufValueType(int id, int minBytes) {
        this.id = id;
        this.minBytes = minBytes;
    }

    int id() {
        return id;
    }

    /** Bytes of one value of a fixed-size type, or the least a variable-size value (string, array) takes. */
    int minBytes() {
        return minBytes;
    }

    /** True for the types whose values all have the same size, so arrays of them can be kept as raw bytes. */
    boolean isFixedSize() {
        return this != STRING && this != ARRAY;
    }

    boolean isInteger() {
        return this != FLOAT32 && this != FLOAT64 && this != BOOL && isFixedSize();
    }

    /** The type with this id, or null for an id the specification does not define. */
    static GgufValueType fromId(long id) {
        return id >= 0 && id < BY_ID.length ? BY_ID[(int) id] : null;
    }

    /** The ids and names of every type, for error messages. */
    static String describeAll() {
        StringBuilder sb = new StringBuilder();
        for (GgufValueType t : BY_ID) {
            sb.append(sb.length() == 0 ? "" : ", ").append(t.id).append(' ').append(t);
        }
        return sb.toString();
    }
}
