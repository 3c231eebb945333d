package dev.questspark.gguf;

import static dev.questspark.gguf.GgufTestWriter.ARRAY;
import static dev.questspark.gguf.GgufTestWriter.BOOL;
import static dev.questspark.gguf.GgufTestWriter.FLOAT32;
import static dev.questspark.gguf.GgufTestWriter.FLOAT64;
import static dev.questspark.gguf.GgufTestWriter.INT16;
import static dev.questspark.gguf.GgufTestWriter.INT32;
import static dev.questspark.gguf.GgufTestWriter.INT64;
import static dev.questspark.gguf.GgufTestWriter.INT8;
import static dev.questspark.gguf.GgufTestWriter.STRING;
import static dev.questspark.gguf.GgufTestWriter.UINT16;
import static dev.questspark.gguf.GgufTestWriter.UINT32;
import static dev.questspark.gguf.GgufTestWriter.UINT64;
import static dev.questspark.gguf.GgufTestWriter.UINT8;

import dev.questspark.gguf.GgufTestWriter.Arr;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** A small GGUF file using every metadata value type and every supported tensor type, with what it should read as. */
final class GgufTestFixtures {
    /** Tensors of the rich file: name, type, dims (ggml order). */
    record TensorSpec(String name, GgmlType type, long[] dims) {
    }

    static final List<TensorSpec> TENSORS = List.of(
            new TensorSpec("f32.matrix", GgmlType.F32, new long[] {8, 3}),
            new TensorSpec("f16.vector", GgmlType.F16, new long[] {5}),
            new TensorSpec("bf16.cube", GgmlType.BF16, new long[] {4, 3, 2}),
            new TensorSpec("q8_0.weight", GgmlType.Q8_0, new long[] {64, 2}),
            new TensorSpec("q4_0.weight", GgmlType.Q4_0, new long[] {32, 1}),
            new TensorSpec("q4_1.weight", GgmlType.Q4_1, new long[] {96, 3}),
            new TensorSpec("q4_k.weight", GgmlType.Q4_K, new long[] {256, 2, 1, 2}),
            new TensorSpec("q6_k.weight", GgmlType.Q6_K, new long[] {512, 1}));

    private GgufTestFixtures() {
    }

    /** A writer for the rich file; tensor data is seeded random bytes. */
    static GgufTestWriter rich() {
        GgufTestWriter w = new GgufTestWriter()
                .kv("general.architecture", STRING, "llama")
                .kv("t.u8", UINT8, 255)
                .kv("t.i8", INT8, -128)
                .kv("t.u16", UINT16, 65535)
                .kv("t.i16", INT16, -32768)
                .kv("t.u32", UINT32, 4294967295L)
                .kv("t.i32", INT32, Integer.MIN_VALUE)
                .kv("t.u64", UINT64, Long.MAX_VALUE)
                .kv("t.i64", INT64, Long.MIN_VALUE)
                .kv("t.f32", FLOAT32, 1.5f)
                .kv("t.f64", FLOAT64, Math.PI)
                .kv("t.true", BOOL, true)
                .kv("t.false", BOOL, false)
                .kv("t.str", STRING, "h\u00e9llo \u2713 \ud83e\udd99")
                .kv("t.empty", STRING, "")
                .kv("a.u8", ARRAY, Arr.of(UINT8, 0, 200, 255))
                .kv("a.i8", ARRAY, Arr.of(INT8, -1, 7))
                .kv("a.u16", ARRAY, Arr.of(UINT16, 65535, 1))
                .kv("a.i16", ARRAY, Arr.of(INT16, -2, 3))
                .kv("a.u32", ARRAY, Arr.of(UINT32, 4294967295L, 5))
                .kv("a.i32", ARRAY, Arr.of(INT32, -3, 1, 2))
                .kv("a.u64", ARRAY, Arr.of(UINT64, 9L, Long.MAX_VALUE))
                .kv("a.i64", ARRAY, Arr.of(INT64, Long.MIN_VALUE, 4L))
                .kv("a.f32", ARRAY, Arr.of(FLOAT32, 0.25f, -2f, 3.5f))
                .kv("a.f64", ARRAY, Arr.of(FLOAT64, 1e300, -0.5))
                .kv("a.bool", ARRAY, Arr.of(BOOL, true, false, true))
                .kv("a.str", ARRAY, Arr.of(STRING, "a", "", "\u4e2d\u6587"))
                .kv("a.empty", ARRAY, Arr.of(INT32))
                .kv("a.nested", ARRAY, Arr.of(ARRAY, Arr.of(INT32, 1, 2), Arr.of(INT32), Arr.of(INT32, 3)))
                .kv("a.nested.str", ARRAY, Arr.of(ARRAY, Arr.of(STRING, "x", "y"),
                        Arr.of(ARRAY, Arr.of(STRING, "z"))))
                .kv("general.alignment", UINT32, 32);
        Random rnd = new Random(42);
        for (TensorSpec t : TENSORS) {
            byte[] data = new byte[(int) GgufTensorInfo.byteSizeOf(t.type(), t.dims())];
            rnd.nextBytes(data);
            w.tensor(t.name(), t.type(), t.dims(), data);
        }
        return w;
    }

    /** The metadata of {@link #rich()} as {@link GgufFile#metadata()} represents it, in file order. */
    static Map<String, Object> richMetadata() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("general.architecture", "llama");
        m.put("t.u8", 255L);
        m.put("t.i8", -128L);
        m.put("t.u16", 65535L);
        m.put("t.i16", -32768L);
        m.put("t.u32", 4294967295L);
        m.put("t.i32", (long) Integer.MIN_VALUE);
        m.put("t.u64", Long.MAX_VALUE);
        m.put("t.i64", Long.MIN_VALUE);
        m.put("t.f32", 1.5);
        m.put("t.f64", Math.PI);
        m.put("t.true", true);
        m.put("t.false", false);
        m.put("t.str", "h\u00e9llo \u2713 \ud83e\udd99");
        m.put("t.empty", "");
        m.put("a.u8", List.of(0L, 200L, 255L));
        m.put("a.i8", List.of(-1L, 7L));
        m.put("a.u16", List.of(65535L, 1L));
        m.put("a.i16", List.of(-2L, 3L));
        m.put("a.u32", List.of(4294967295L, 5L));
        m.put("a.i32", List.of(-3L, 1L, 2L));
        m.put("a.u64", List.of(9L, Long.MAX_VALUE));
        m.put("a.i64", List.of(Long.MIN_VALUE, 4L));
        m.put("a.f32", List.of(0.25, -2.0, 3.5));
        m.put("a.f64", List.of(1e300, -0.5));
        m.put("a.bool", List.of(true, false, true));
        m.put("a.str", List.of("a", "", "\u4e2d\u6587"));
        m.put("a.empty", List.of());
        m.put("a.nested", List.of(List.of(1L, 2L), List.of(), List.of(3L)));
        m.put("a.nested.str", List.of(List.of("x", "y"), List.of(List.of("z"))));
        m.put("general.alignment", 32L);
        return m;
    }
}
