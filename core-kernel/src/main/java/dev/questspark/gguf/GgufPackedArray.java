package dev.questspark.gguf;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.AbstractList;
import java.util.RandomAccess;

/**
 * An unmodifiable metadata array of a fixed-size type kept as the file's raw little-endian bytes and boxed on
 * access, so a large array costs its file size in memory rather than an object per element. Integers read as
 * Long, floats as Double, bools as Boolean; the values were validated when the array was read (bools are 0 or
 * 1, uint64 values fit a long).
 */
final class GgufPackedArray extends AbstractList<Object> implements RandomAccess {
    private final GgufValueType type;
    private final ByteBuffer raw; // read only with absolute gets, so concurrent readers are safe
    private final int size;

    GgufPackedArray(GgufValueType type, byte[] raw, int size) {
        if (!type.isFixedSize() || (long) size * type.minBytes() != raw.length) {
            throw new IllegalArgumentException(size + " " + type + " values cannot be held in " + raw.length + " bytes");
        }
        this.type = type;
        this.raw = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
        this.size = size;
    }

    GgufValueType type() {
        return type;
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public Object get(int index) {
        if (index < 0 || index >= size) {
            throw new IndexOutOfBoundsException("index " + index + " of " + size);
        }
        switch (type) {
            case FLOAT32:
            case FLOAT64:
                return doubleAt(index);
            case BOOL:
                return raw.get(index) != 0;
            default:
                return longAt(index);
        }
    }

    /** The element as a long; only for integer types. */
    long longAt(int i) {
        switch (type) {
            case UINT8:
                return Byte.toUnsignedLong(raw.get(i));
            case INT8:
                return raw.get(i);
            case UINT16:
                return Short.toUnsignedLong(raw.getShort(2 * i));
            case INT16:
                return raw.getShort(2 * i);
            case UINT32:
                return Integer.toUnsignedLong(raw.getInt(4 * i));
            case INT32:
                return raw.getInt(4 * i);
            case UINT64:
            case INT64:
                return raw.getLong(8 * i);
            default:
                throw new IllegalStateException(type + " is not an integer type");
        }
    }

    /** The element as a double; only for float types. */
    double doubleAt(int i) {
        switch (type) {
            case FLOAT32:
                return raw.getFloat(4 * i);
            case FLOAT64:
                return raw.getDouble(8 * i);
            default:
                throw new IllegalStateException(type + " is not a float type");
        }
    }
}
