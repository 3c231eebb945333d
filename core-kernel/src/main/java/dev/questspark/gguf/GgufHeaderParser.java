package dev.questspark.gguf;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Parses and validates a GGUF header (magic, version, counts, metadata, tensor infos) from untrusted bytes.
 * Every count and length is checked against the bytes left in the file before anything is allocated, and every
 * tensor's shape, type, alignment and extent is checked before a {@link GgufTensorInfo} is made.
 */
final class GgufHeaderParser {
    static final int MAGIC = 0x46554747; // "GGUF" read little-endian
    static final String ALIGNMENT_KEY = "general.alignment";
    static final long DEFAULT_ALIGNMENT = 32;
    static final long MAX_ALIGNMENT = 1L << 30;
    /** Longest single string accepted; tokenizer vocabularies are arrays of short strings, so they are fine. */
    static final int MAX_STRING_BYTES = 1 << 20;
    /** Deepest array nesting accepted (an array of arrays is depth 2). */
    static final int MAX_ARRAY_DEPTH = 8;
    /** Largest array payload kept in one Java array. */
    static final int MAX_ARRAY_BYTES = Integer.MAX_VALUE - 8;
    /** Fewest bytes a key/value pair takes: key length, one key byte, value type, a one-byte value. */
    static final int MIN_KV_BYTES = 8 + 1 + 4 + 1;
    /** Fewest bytes a tensor info takes: name length, n_dims, one dim, type, offset. */
    static final int MIN_TENSOR_INFO_BYTES = 8 + 4 + 8 + 4 + 8;

    private final GgufChannelReader in;
    private final Path file;

    private GgufHeaderParser(GgufChannelReader in) {
        this.in = in;
        this.file = in.file();
    }

    /** What the header says, all of it validated. */
    record Header(int version, Map<String, Object> metadata, List<GgufTensorInfo> tensors, long alignment,
                  long dataStart) {
    }

    static Header parse(Path file, FileChannel channel) throws IOException {
        return new GgufHeaderParser(new GgufChannelReader(channel, file, channel.size())).parse();
    }

    private Header parse() throws IOException {
        int magic = in.i32(() -> "magic");
        if (magic != MAGIC) {
            throw error("magic", "bytes " + hex(magic) + " are not 'GGUF' (47 47 55 46); not a GGUF file");
        }
        int version = readVersion();
        long tensorCount = readCount("tensor_count");
        long kvCount = readCount("kv_count");
        checkCounts(tensorCount, kvCount);
        Map<String, Object> metadata = readMetadata((int) kvCount);
        long alignment = alignment(metadata);
        List<RawTensor> raw = readTensorInfos((int) tensorCount, alignment);
        long dataStart = alignUp(in.position(), alignment);
        List<GgufTensorInfo> tensors = placeTensors(raw, dataStart);
        checkNoOverlap(tensors);
        return new Header(version, Collections.unmodifiableMap(metadata), List.copyOf(tensors), alignment,
                dataStart);
    }

    private int readVersion() throws IOException {
        int v = in.i32(() -> "version");
        if (v == 2 || v == 3) {
            return v;
        }
        if (v == 1) {
            throw error("version", "1 is not supported (GGUF v1 used 32-bit counts); expected 2 or 3: "
                    + "re-convert the model with a current llama.cpp");
        }
        if (Integer.reverseBytes(v) == 2 || Integer.reverseBytes(v) == 3) {
            throw error("version", hex(v) + " is a big-endian GGUF file; expected little-endian version 2 or 3");
        }
        throw error("version", Integer.toUnsignedString(v) + " is not supported; expected 2 or 3");
    }

    private long readCount(String field) throws IOException {
        long n = in.i64(() -> field);
        if (n < 0) {
            throw error(field, Long.toUnsignedString(n) + " is larger than any file could hold");
        }
        return n;
    }

    /** Rejects counts the rest of the file could not possibly hold, before anything is allocated for them. */
    private void checkCounts(long tensorCount, long kvCount) throws GgufFormatException {
        long left = in.remaining();
        if (kvCount > left / MIN_KV_BYTES || kvCount > MAX_ARRAY_BYTES) {
            throw error("kv_count", kvCount + " key/value pairs need at least " + MIN_KV_BYTES
                    + " bytes each but only " + left + " bytes follow");
        }
        left -= kvCount * MIN_KV_BYTES;
        if (tensorCount > left / MIN_TENSOR_INFO_BYTES || tensorCount > MAX_ARRAY_BYTES) {
            throw error("tensor_count", tensorCount + " tensor infos need at least " + MIN_TENSOR_INFO_BYTES
                    + " bytes each but only " + left + " bytes follow the counts and " + kvCount + " key/value pairs");
        }
    }

    private Map<String, Object> readMetadata(int kvCount) throws IOException {
        Map<String, Object> metadata = new LinkedHashMap<>();
        for (int i = 0; i < kvCount; i++) {
            String at = "metadata key #" + i;
            String key = readString(() -> at + " name");
            if (key.isEmpty()) {
                throw error(at + " name", "is empty; expected a key such as 'general.architecture'");
            }
            String field = at + " '" + key + "'";
            if (metadata.containsKey(key)) {
                throw error(field, "duplicate key; each key may appear once");
            }
            GgufValueType type = readValueType(() -> field + " value type");
            metadata.put(key, readValue(type, 0, () -> field));
        }
        return metadata;
    }

    private GgufValueType readValueType(Supplier<String> field) throws IOException {
        long id = in.u32(field);
        GgufValueType type = GgufValueType.fromId(id);
        if (type == null) {
            throw error(field.get(), "unknown value type id " + id + "; expected one of " + GgufValueType.describeAll());
        }
        return type;
    }

    private Object readValue(GgufValueType type, int depth, Supplier<String> field) throws IOException {
        switch (type) {
            case UINT8:
                return (long) in.u8(field);
            case INT8:
                return (long) in.i8(field);
            case UINT16:
                return (long) Short.toUnsignedInt(in.i16(field));
            case INT16:
                return (long) in.i16(field);
            case UINT32:
                return in.u32(field);
            case INT32:
                return (long) in.i32(field);
            case UINT64:
                return checkUint64(in.i64(field), field);
            case INT64:
                return in.i64(field);
            case FLOAT32:
                return (double) in.f32(field);
            case FLOAT64:
                return in.f64(field);
            case BOOL:
                return checkBool(in.i8(field), field);
            case STRING:
                return readString(field);
            case ARRAY:
                return readArray(depth + 1, field);
            default:
                throw new IllegalStateException("unhandled value type " + type);
        }
    }

    private long checkUint64(long v, Supplier<String> field) throws GgufFormatException {
        if (v < 0) {
            throw error(field.get(), "uint64 value " + Long.toUnsignedString(v) + " exceeds "
                    + Long.MAX_VALUE + ", the largest value this reader represents");
        }
        return v;
    }

    private boolean checkBool(byte b, Supplier<String> field) throws GgufFormatException {
        if (b != 0 && b != 1) {
            throw error(field.get(), "bool byte " + Byte.toUnsignedInt(b) + "; expected 0 or 1");
        }
        return b == 1;
    }

    private String readString(Supplier<String> field) throws IOException {
        long len = in.i64(() -> field.get() + " string length");
        if (len < 0 || len > in.remaining()) {
            throw error(field.get() + " string length", Long.toUnsignedString(len) + " exceeds the "
                    + in.remaining() + " bytes left in the file");
        }
        if (len > MAX_STRING_BYTES) {
            throw error(field.get() + " string length", len + " exceeds the limit of " + MAX_STRING_BYTES
                    + " bytes for one string");
        }
        if (len == 0) {
            return "";
        }
        return new String(in.bytes((int) len, field), StandardCharsets.UTF_8);
    }

    private List<Object> readArray(int depth, Supplier<String> field) throws IOException {
        if (depth > MAX_ARRAY_DEPTH) {
            throw error(field.get() + " array nesting", "depth " + depth + " exceeds the limit of " + MAX_ARRAY_DEPTH);
        }
        GgufValueType type = readValueType(() -> field.get() + " array element type");
        long len = in.i64(() -> field.get() + " array length");
        if (len < 0 || len > in.remaining() / type.minBytes()) {
            throw error(field.get() + " array length", Long.toUnsignedString(len) + " " + type
                    + " elements need at least " + type.minBytes() + " bytes each but only " + in.remaining()
                    + " bytes are left in the file");
        }
        if (type.isFixedSize()) {
            return readPackedArray(type, len, field);
        }
        if (len > MAX_ARRAY_BYTES) {
            throw error(field.get() + " array length", len + " elements exceed the limit of " + MAX_ARRAY_BYTES);
        }
        Object[] items = new Object[(int) len];
        for (int i = 0; i < items.length; i++) {
            int index = i;
            items[i] = readValue(type, depth, () -> field.get() + " element " + index);
        }
        return Collections.unmodifiableList(Arrays.asList(items));
    }

    private List<Object> readPackedArray(GgufValueType type, long len, Supplier<String> field) throws IOException {
        long bytes = len * type.minBytes(); // cannot overflow: len * minBytes <= remaining bytes
        if (bytes > MAX_ARRAY_BYTES) {
            throw error(field.get() + " array length", len + " " + type + " elements take " + bytes
                    + " bytes, more than the " + MAX_ARRAY_BYTES + " one array may hold");
        }
        byte[] raw = in.bytes((int) bytes, field);
        GgufPackedArray array = new GgufPackedArray(type, raw, (int) len);
        for (int i = 0; i < array.size(); i++) {
            int index = i;
            if (type == GgufValueType.BOOL) {
                checkBool(raw[i], () -> field.get() + " element " + index);
            } else if (type == GgufValueType.UINT64) {
                checkUint64(array.longAt(i), () -> field.get() + " element " + index);
            }
        }
        return array;
    }

    private long alignment(Map<String, Object> metadata) throws GgufFormatException {
        Object v = metadata.get(ALIGNMENT_KEY);
        if (v == null) {
            return DEFAULT_ALIGNMENT;
        }
        String field = "metadata key '" + ALIGNMENT_KEY + "'";
        if (!(v instanceof Long)) {
            throw error(field, "value " + v + " is not an integer; expected a power of two such as 32");
        }
        long a = (Long) v;
        if (a < 1 || a > MAX_ALIGNMENT || Long.bitCount(a) != 1) {
            throw error(field, a + " is not a power of two between 1 and " + MAX_ALIGNMENT);
        }
        return a;
    }

    /** A tensor info as read, its offset still relative to the data section. */
    private record RawTensor(String name, GgmlType type, long[] dims, long relOffset, long byteSize) {
    }

    private List<RawTensor> readTensorInfos(int count, long alignment) throws IOException {
        List<RawTensor> out = new ArrayList<>(count);
        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < count; i++) {
            int index = i;
            String name = readString(() -> "tensor #" + index + " name");
            String field = "tensor '" + name + "'";
            Integer first = seen.putIfAbsent(name, i);
            if (first != null) {
                throw error("tensor #" + i + " name", "'" + name + "' duplicates tensor #" + first
                        + "; tensor names must be unique");
            }
            long[] dims = readDims(field);
            GgmlType type = readTensorType(field);
            long rel = in.i64(() -> field + " offset");
            if (rel < 0 || rel % alignment != 0) {
                throw error(field + " offset", Long.toUnsignedString(rel) + " (relative to the data section) is not "
                        + "a non-negative multiple of the alignment " + alignment);
            }
            out.add(new RawTensor(name, type, dims, rel, byteSize(field, type, dims)));
        }
        return out;
    }

    private long[] readDims(String field) throws IOException {
        long n = in.u32(() -> field + " n_dims");
        if (n < 1 || n > GgufTensorInfo.MAX_DIMS) {
            throw error(field + " n_dims", n + "; expected 1 to " + GgufTensorInfo.MAX_DIMS);
        }
        long[] dims = new long[(int) n];
        for (int d = 0; d < dims.length; d++) {
            int index = d;
            dims[d] = in.i64(() -> field + " dims[" + index + "]");
            if (dims[d] < 1) {
                throw error(field + " dims[" + d + "]", Long.toUnsignedString(dims[d])
                        + "; expected a size from 1 to " + Long.MAX_VALUE);
            }
        }
        return dims;
    }

    private GgmlType readTensorType(String field) throws IOException {
        long id = in.u32(() -> field + " type");
        GgmlType type = id <= Integer.MAX_VALUE ? GgmlType.fromId((int) id) : null;
        if (type == null) {
            throw error(field + " type", GgmlTypeNames.unsupported(id));
        }
        return type;
    }

    private long byteSize(String field, GgmlType type, long[] dims) throws GgufFormatException {
        if (dims[0] % type.blockSize() != 0) {
            throw error(field + " dims[0]", "row length " + dims[0] + " is not a multiple of " + type.blockSize()
                    + ", the block size of " + type);
        }
        try {
            return GgufTensorInfo.byteSizeOf(type, dims);
        } catch (ArithmeticException e) {
            throw error(field + " shape", Arrays.toString(dims) + " of " + type
                    + " has more elements or bytes than a long can count (overflow)");
        }
    }

    private long alignUp(long pos, long alignment) {
        return (pos + alignment - 1) / alignment * alignment; // pos <= file size and alignment <= 2^30: no overflow
    }

    private List<GgufTensorInfo> placeTensors(List<RawTensor> raw, long dataStart) throws GgufFormatException {
        List<GgufTensorInfo> out = new ArrayList<>(raw.size());
        for (RawTensor t : raw) {
            String field = "tensor '" + t.name() + "' offset";
            long size = in.size();
            if (t.relOffset() > size - dataStart || t.byteSize() > size - dataStart - t.relOffset()) {
                throw error(field, t.relOffset() + " (absolute " + (dataStart + t.relOffset()) + ") with "
                        + t.byteSize() + " data bytes ends past the end of the file (" + size
                        + " bytes, data section starts at " + dataStart + "); truncated or corrupt file");
            }
            out.add(new GgufTensorInfo(t.name(), t.type(), t.dims(), dataStart + t.relOffset(), t.byteSize()));
        }
        return out;
    }

    private void checkNoOverlap(List<GgufTensorInfo> tensors) throws GgufFormatException {
        List<GgufTensorInfo> byOffset = new ArrayList<>(tensors);
        byOffset.sort(Comparator.comparingLong(GgufTensorInfo::offset));
        for (int i = 1; i < byOffset.size(); i++) {
            GgufTensorInfo prev = byOffset.get(i - 1);
            GgufTensorInfo cur = byOffset.get(i);
            if (cur.offset() < prev.offset() + prev.byteSize()) {
                throw error("tensor '" + cur.name() + "' offset", cur.offset() + " lies inside the data of tensor '"
                        + prev.name() + "' [" + prev.offset() + ", " + (prev.offset() + prev.byteSize())
                        + "); tensors must not overlap");
            }
        }
    }

    private GgufFormatException error(String field, String problem) {
        return new GgufFormatException(file, field, problem);
    }

    private static String hex(int littleEndianWord) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 4; i++) {
            sb.append(i == 0 ? "" : " ").append(String.format("%02x", (littleEndianWord >>> (8 * i)) & 0xff));
        }
        return sb.toString();
    }
}
