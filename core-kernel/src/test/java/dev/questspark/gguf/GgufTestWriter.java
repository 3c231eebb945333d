package dev.questspark.gguf;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes GGUF files for tests: any metadata (every value type, nested arrays) and tensors of any type id, laid out
 * as llama.cpp does (header, padding to the alignment, each tensor's data padded to the alignment). Counts,
 * offsets, version and magic can be overridden to produce lying files.
 */
final class GgufTestWriter {
    static final int UINT8 = 0;
    static final int INT8 = 1;
    static final int UINT16 = 2;
    static final int INT16 = 3;
    static final int UINT32 = 4;
    static final int INT32 = 5;
    static final int FLOAT32 = 6;
    static final int BOOL = 7;
    static final int STRING = 8;
    static final int ARRAY = 9;
    static final int UINT64 = 10;
    static final int INT64 = 11;
    static final int FLOAT64 = 12;

    /** An array value: its element type id and elements (Number, Boolean, String, or Arr when nested). */
    record Arr(int elemType, List<?> items) {
        static Arr of(int elemType, Object... items) {
            return new Arr(elemType, List.of(items));
        }
    }

    private record Kv(String key, int type, Object value) {
    }

    private record Tensor(String name, int typeId, long[] dims, byte[] data, Long relOffset) {
    }

    private final List<Kv> kvs = new ArrayList<>();
    private final List<Tensor> tensors = new ArrayList<>();
    private int magic = GgufHeaderParser.MAGIC;
    private int version = 3;
    private long alignment = 32;
    private Long tensorCount;
    private Long kvCount;

    GgufTestWriter magic(int m) {
        magic = m;
        return this;
    }

    GgufTestWriter version(int v) {
        version = v;
        return this;
    }

    /** Lays data out at this alignment and records it as {@code general.alignment} (uint32). */
    GgufTestWriter alignment(long a) {
        alignment = a;
        return kv(GgufHeaderParser.ALIGNMENT_KEY, UINT32, a);
    }

    GgufTestWriter tensorCount(long n) {
        tensorCount = n;
        return this;
    }

    GgufTestWriter kvCount(long n) {
        kvCount = n;
        return this;
    }

    GgufTestWriter kv(String key, int type, Object value) {
        kvs.add(new Kv(key, type, value));
        return this;
    }

    GgufTestWriter tensor(String name, GgmlType type, long[] dims, byte[] data) {
        return tensorRaw(name, type.id(), dims, data, null);
    }

    /** A tensor with a raw type id and, when relOffset is not null, that offset written instead of the true one. */
    GgufTestWriter tensorRaw(String name, int typeId, long[] dims, byte[] data, Long relOffset) {
        tensors.add(new Tensor(name, typeId, dims.clone(), data.clone(), relOffset));
        return this;
    }

    byte[] build() {
        Out out = new Out();
        out.i32(magic);
        out.i32(version);
        out.i64(tensorCount != null ? tensorCount : tensors.size());
        out.i64(kvCount != null ? kvCount : kvs.size());
        for (Kv kv : kvs) {
            out.string(kv.key());
            out.i32(kv.type());
            out.value(kv.type(), kv.value());
        }
        long rel = 0;
        for (Tensor t : tensors) {
            out.string(t.name());
            out.i32(t.dims().length);
            for (long d : t.dims()) {
                out.i64(d);
            }
            out.i32(t.typeId());
            out.i64(t.relOffset() != null ? t.relOffset() : rel);
            rel = pad(rel + t.data().length);
        }
        out.zeros(pad(out.size()) - out.size());
        for (Tensor t : tensors) {
            out.bytes(t.data());
            out.zeros(pad(out.size()) - out.size());
        }
        return out.toByteArray();
    }

    Path writeTo(Path file) throws IOException {
        return Files.write(file, build());
    }

    private long pad(long n) {
        return (n + alignment - 1) / alignment * alignment;
    }

    /** Little-endian output. */
    static final class Out extends ByteArrayOutputStream {
        void i32(int v) {
            put(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array());
        }

        void i64(long v) {
            put(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array());
        }

        void string(String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            i64(b.length);
            put(b);
        }

        void bytes(byte[] b) {
            put(b);
        }

        void zeros(long n) {
            put(new byte[(int) n]);
        }

        private void put(byte[] b) {
            write(b, 0, b.length);
        }

        void value(int type, Object v) {
            switch (type) {
                case UINT8, INT8 -> write((int) ((Number) v).longValue());
                case UINT16, INT16 -> put(ByteBuffer.allocate(2).order(ByteOrder.LITTLE_ENDIAN)
                        .putShort((short) ((Number) v).longValue()).array());
                case UINT32, INT32 -> i32((int) ((Number) v).longValue());
                case UINT64, INT64 -> i64(((Number) v).longValue());
                case FLOAT32 -> i32(Float.floatToRawIntBits(((Number) v).floatValue()));
                case FLOAT64 -> i64(Double.doubleToRawLongBits(((Number) v).doubleValue()));
                case BOOL -> write(v instanceof Boolean b ? (b ? 1 : 0) : ((Number) v).intValue());
                case STRING -> string((String) v);
                case ARRAY -> {
                    Arr a = (Arr) v;
                    i32(a.elemType());
                    i64(a.items().size());
                    for (Object item : a.items()) {
                        value(a.elemType(), item);
                    }
                }
                default -> throw new IllegalArgumentException("no value of type id " + type + " can be written");
            }
        }
    }
}
