package dev.questspark.gguf;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Edits the metadata of a valid GGUF file image for tests: sets (replaces or appends) or removes one key/value pair,
 * keeping every tensor info and the data section as they are (relative tensor offsets do not move; the data section
 * starts at the new header end padded to the alignment). The value types are {@link GgufTestWriter}'s ids.
 */
public final class GgufEdit {
    public static final int UINT32 = GgufTestWriter.UINT32;
    public static final int INT32 = GgufTestWriter.INT32;
    public static final int UINT64 = GgufTestWriter.UINT64;
    public static final int FLOAT32 = GgufTestWriter.FLOAT32;
    public static final int FLOAT64 = GgufTestWriter.FLOAT64;
    public static final int STRING = GgufTestWriter.STRING;

    private GgufEdit() {}

    /** The file with {@code key} set to {@code value} of the given type, replacing the pair or appending one. */
    public static byte[] withKv(byte[] file, String key, int type, Object value) {
        GgufTestWriter.Out kv = new GgufTestWriter.Out();
        kv.string(key);
        kv.i32(type);
        kv.value(type, value);
        return splice(file, key, kv.toByteArray());
    }

    /** The file without the pair of {@code key} (which must be there). */
    public static byte[] withoutKv(byte[] file, String key) {
        GgufTestLayout.scan(file).kv(key); // throws when absent
        return splice(file, key, new byte[0]);
    }

    /**
     * The file with one more tensor: its info after the others, its data after theirs (aligned), the tensor count
     * raised by one.
     */
    public static byte[] withTensor(byte[] file, String name, GgmlType type, long[] dims, byte[] data) {
        GgufTestLayout l = GgufTestLayout.scan(file);
        long alignment = alignment(l, file);
        long oldData = alignUp(l.headerEnd, alignment);
        long rel = alignUp(file.length - oldData, alignment);
        GgufTestWriter.Out out = new GgufTestWriter.Out();
        out.write(file, 0, GgufTestLayout.TENSOR_COUNT);
        out.i64(l.tensors.size() + 1L);
        out.write(file, GgufTestLayout.KV_COUNT, (int) (l.headerEnd - GgufTestLayout.KV_COUNT));
        out.string(name);
        out.i32(dims.length);
        for (long d : dims) {
            out.i64(d);
        }
        out.i32(type.id());
        out.i64(rel);
        out.zeros(alignUp(out.size(), alignment) - out.size());
        out.write(file, (int) oldData, (int) (file.length - oldData));
        out.zeros(rel - (file.length - oldData));
        out.bytes(data);
        return out.toByteArray();
    }

    private static byte[] splice(byte[] file, String key, byte[] replacement) {
        GgufTestLayout l = GgufTestLayout.scan(file);
        int index = indexOf(l, key);
        long kvsEnd = l.tensors.isEmpty() ? l.headerEnd : l.tensors.get(0).nameLen();
        long kvCount = l.kvs.size() + (index < 0 ? 1 : 0) - (index >= 0 && replacement.length == 0 ? 1 : 0);
        GgufTestWriter.Out out = new GgufTestWriter.Out();
        out.write(file, 0, GgufTestLayout.KV_COUNT);
        out.i64(kvCount);
        if (index < 0) {
            out.write(file, GgufTestLayout.FIRST_KV, (int) (kvsEnd - GgufTestLayout.FIRST_KV));
            out.bytes(replacement);
        } else {
            long start = l.kvs.get(index).keyLen();
            long end = index + 1 < l.kvs.size() ? l.kvs.get(index + 1).keyLen() : kvsEnd;
            out.write(file, GgufTestLayout.FIRST_KV, (int) (start - GgufTestLayout.FIRST_KV));
            out.bytes(replacement);
            out.write(file, (int) end, (int) (kvsEnd - end));
        }
        out.write(file, (int) kvsEnd, (int) (l.headerEnd - kvsEnd));
        long alignment = alignment(l, file);
        long oldData = alignUp(l.headerEnd, alignment);
        out.zeros(alignUp(out.size(), alignment) - out.size());
        out.write(file, (int) oldData, (int) (file.length - oldData));
        return out.toByteArray();
    }

    private static int indexOf(GgufTestLayout l, String key) {
        for (int i = 0; i < l.kvs.size(); i++) {
            if (l.kvs.get(i).key().equals(key)) {
                return i;
            }
        }
        return -1;
    }

    private static long alignment(GgufTestLayout l, byte[] file) {
        for (GgufTestLayout.Kv kv : l.kvs) {
            if (kv.key().equals(GgufHeaderParser.ALIGNMENT_KEY)) {
                return ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN).getInt((int) kv.value());
            }
        }
        return GgufHeaderParser.DEFAULT_ALIGNMENT;
    }

    private static long alignUp(long n, long a) {
        return (n + a - 1) / a * a;
    }
}
