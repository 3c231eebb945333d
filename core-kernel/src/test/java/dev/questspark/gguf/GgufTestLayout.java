package dev.questspark.gguf;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Byte offsets of the fields of a GGUF header, found by walking a file known to be valid, so tests can corrupt
 * one field at a time in real and synthetic files. Trusts its input: only for test fixtures.
 */
final class GgufTestLayout {
    static final int VERSION = 4;
    static final int TENSOR_COUNT = 8;
    static final int KV_COUNT = 16;
    static final int FIRST_KV = 24;

    /** One key/value pair: where its key length, value type and value start; elemType is -1 unless an array. */
    record Kv(String key, long keyLen, long type, long value, int valueType, int elemType) {
    }

    /** One tensor info: where its fields start, and its number of dims. */
    record Tensor(String name, long nameLen, long nDims, long dims, long type, long offset, int n) {
    }

    final List<Kv> kvs = new ArrayList<>();
    final List<Tensor> tensors = new ArrayList<>();
    long headerEnd;

    private final ByteBuffer b;

    private GgufTestLayout(ByteBuffer header) {
        b = header.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    }

    static GgufTestLayout scan(ByteBuffer header) {
        GgufTestLayout l = new GgufTestLayout(header);
        l.walk();
        return l;
    }

    static GgufTestLayout scan(byte[] file) {
        return scan(ByteBuffer.wrap(file));
    }

    Kv kv(String key) {
        return kvs.stream().filter(k -> k.key().equals(key)).findFirst().orElseThrow();
    }

    Tensor tensor(String name) {
        return tensors.stream().filter(t -> t.name().equals(name)).findFirst().orElseThrow();
    }

    private void walk() {
        b.position(TENSOR_COUNT);
        long tensorCount = b.getLong();
        long kvCount = b.getLong();
        for (long i = 0; i < kvCount; i++) {
            long keyLen = b.position();
            String key = string();
            long type = b.position();
            int t = b.getInt();
            long value = b.position();
            int elemType = t == GgufTestWriter.ARRAY ? b.getInt(b.position()) : -1;
            skip(t);
            kvs.add(new Kv(key, keyLen, type, value, t, elemType));
        }
        for (long i = 0; i < tensorCount; i++) {
            long nameLen = b.position();
            String name = string();
            long nDims = b.position();
            int n = b.getInt();
            long dims = b.position();
            b.position(b.position() + 8 * n);
            long type = b.position();
            b.getInt();
            long offset = b.position();
            b.getLong();
            tensors.add(new Tensor(name, nameLen, nDims, dims, type, offset, n));
        }
        headerEnd = b.position();
    }

    private String string() {
        byte[] s = new byte[(int) b.getLong()];
        b.get(s);
        return new String(s, StandardCharsets.UTF_8);
    }

    private void skip(int type) {
        switch (type) {
            case GgufTestWriter.UINT8, GgufTestWriter.INT8, GgufTestWriter.BOOL -> b.get();
            case GgufTestWriter.UINT16, GgufTestWriter.INT16 -> b.getShort();
            case GgufTestWriter.UINT32, GgufTestWriter.INT32, GgufTestWriter.FLOAT32 -> b.getInt();
            case GgufTestWriter.UINT64, GgufTestWriter.INT64, GgufTestWriter.FLOAT64 -> b.getLong();
            case GgufTestWriter.STRING -> string();
            case GgufTestWriter.ARRAY -> {
                int elem = b.getInt();
                long n = b.getLong();
                for (long i = 0; i < n; i++) {
                    skip(elem);
                }
            }
            default -> throw new IllegalStateException("not a valid fixture: value type " + type);
        }
    }
}
