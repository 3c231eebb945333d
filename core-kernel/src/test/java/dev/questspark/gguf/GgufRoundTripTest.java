package dev.questspark.gguf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.questspark.gguf.GgufTestFixtures.TensorSpec;
import dev.questspark.gguf.GgufTestWriter.Arr;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Writes GGUF files with the test writer and checks the reader returns exactly what was written. */
class GgufRoundTripTest {
    @TempDir
    Path dir;

    @Test
    void everyValueTypeAndTensorTypeRoundTrips() throws IOException {
        byte[] bytes = GgufTestFixtures.rich().build();
        Path file = dir.resolve("rich.gguf");
        java.nio.file.Files.write(file, bytes);
        try (GgufFile f = GgufFile.open(file)) {
            Map<String, Object> expected = GgufTestFixtures.richMetadata();
            assertEquals(expected, f.metadata());
            assertEquals(new ArrayList<>(expected.keySet()), new ArrayList<>(f.metadata().keySet()), "file order");
            assertEquals(3, f.version());
            assertEquals(GgufTestFixtures.TENSORS.size(), f.tensors().size());
            GgufTestLayout layout = GgufTestLayout.scan(bytes);
            assertEquals((layout.headerEnd + 31) / 32 * 32, f.dataStart());
            for (int i = 0; i < f.tensors().size(); i++) {
                TensorSpec spec = GgufTestFixtures.TENSORS.get(i);
                GgufTensorInfo t = f.tensors().get(i);
                assertEquals(spec.name(), t.name());
                assertEquals(spec.type(), t.type());
                assertArrayEquals(spec.dims(), t.dims());
                assertEquals(0, t.offset() % 32, "aligned");
                assertEquals(ByteBuffer.wrap(bytes, (int) t.offset(), (int) t.byteSize()), f.tensorData(t));
                assertEquals(t, f.tensor(spec.name()));
            }
            GgufTensorInfo k = f.tensor("q4_k.weight");
            assertEquals(256, k.cols());
            assertEquals(4, k.rows());
            assertEquals(1024, k.elementCount());
            assertEquals(4 * 144, k.byteSize());
        }
    }

    @Test
    void typedGettersConvertAndCheck() throws IOException {
        try (GgufFile f = GgufFile.open(GgufTestFixtures.rich().writeTo(dir.resolve("g.gguf")))) {
            assertEquals(255, f.getInt("t.u8"));
            assertEquals(-128, f.getInt("t.i8", 0));
            assertEquals(Long.MAX_VALUE, f.getLong("t.u64"));
            assertEquals(Long.MIN_VALUE, f.getLong("t.i64", 0));
            assertEquals(1.5f, f.getFloat("t.f32", 0f));
            assertEquals(255f, f.getFloat("t.u8", 0f), "integers read as floats");
            assertEquals(true, f.getBoolean("t.true", false));
            assertEquals(false, f.getBoolean("t.false"));
            assertEquals("h\u00e9llo \u2713 \ud83e\udd99", f.getString("t.str"));
            assertEquals("dflt", f.getString("no.such", "dflt"));
            assertEquals(List.of("a", "", "\u4e2d\u6587"), f.getStringList("a.str"));
            assertArrayEquals(new float[] {0.25f, -2f, 3.5f}, f.getFloatArray("a.f32"));
            assertArrayEquals(new float[] {-3f, 1f, 2f}, f.getFloatArray("a.i32"));
            assertArrayEquals(new int[] {-3, 1, 2}, f.getIntArray("a.i32"));
            assertArrayEquals(new int[] {0, 200, 255}, f.getIntArray("a.u8"));
            assertArrayEquals(new int[0], f.getIntArray("a.empty"));
            assertMessage(assertThrows(GgufFormatException.class, () -> f.getIntArray("a.u32")),
                    "'a.u32[0]'", "4294967295 is out of int range");
            assertMessage(assertThrows(GgufFormatException.class, () -> f.getFloatArray("a.f64")),
                    "'a.f64[0]'", "out of float range");
            assertMessage(assertThrows(GgufFormatException.class, () -> f.getStringList("a.nested")),
                    "'a.nested' element 0", "found array of 2 elements; expected a string");
            assertMessage(assertThrows(GgufFormatException.class, () -> f.getBoolean("t.u8", false)),
                    "'t.u8'", "found integer 255; expected a bool");
            assertMessage(assertThrows(GgufFormatException.class, () -> f.getString("missing.key")),
                    "'missing.key'", "missing");
        }
    }

    @Test
    void arraysAreUnmodifiable() throws IOException {
        try (GgufFile f = GgufFile.open(GgufTestFixtures.rich().writeTo(dir.resolve("u.gguf")))) {
            for (String key : List.of("a.i32", "a.str", "a.nested", "a.empty", "a.bool")) {
                @SuppressWarnings("unchecked")
                List<Object> list = (List<Object>) f.get(key);
                assertThrows(UnsupportedOperationException.class, () -> list.add(1L), key);
            }
            assertThrows(UnsupportedOperationException.class, () -> f.metadata().put("x", 1L));
            assertThrows(UnsupportedOperationException.class, () -> f.tensors().clear());
            assertThrows(IndexOutOfBoundsException.class, () -> ((List<?>) f.get("a.i32")).get(3));
        }
    }

    @Test
    void versionTwoCustomAlignmentAndDeepNestingRead() throws IOException {
        Arr deep = Arr.of(GgufTestWriter.INT8, 1);
        for (int depth = 1; depth < GgufHeaderParser.MAX_ARRAY_DEPTH; depth++) {
            deep = Arr.of(GgufTestWriter.ARRAY, deep);
        }
        byte[] data = new byte[6 * 4];
        GgufTestWriter w = new GgufTestWriter().version(2).alignment(64)
                .kv("deep", GgufTestWriter.ARRAY, deep)
                .tensor("a", GgmlType.F32, new long[] {6}, data)
                .tensor("b", GgmlType.F32, new long[] {2, 3}, data);
        try (GgufFile f = GgufFile.open(w.writeTo(dir.resolve("v2.gguf")))) {
            assertEquals(2, f.version());
            assertEquals(64, f.alignment());
            assertEquals(0, f.dataStart() % 64);
            assertEquals(f.dataStart() + 64, f.tensor("b").offset());
            Object v = f.get("deep");
            for (int depth = 1; depth < GgufHeaderParser.MAX_ARRAY_DEPTH; depth++) {
                v = ((List<?>) v).get(0);
            }
            assertEquals(List.of(1L), v);
        }
    }

    @Test
    void fileWithoutTensorsOrMetadataReads() throws IOException {
        try (GgufFile f = GgufFile.open(new GgufTestWriter().writeTo(dir.resolve("empty.gguf")))) {
            assertTrue(f.metadata().isEmpty());
            assertTrue(f.tensors().isEmpty());
            assertEquals(32, f.alignment());
        }
    }

    @Test
    void tensorDataRejectsForeignInfosAndClosedFiles() throws IOException {
        GgufFile f = GgufFile.open(GgufTestFixtures.rich().writeTo(dir.resolve("c.gguf")));
        GgufTensorInfo t = f.tensor("f32.matrix");
        GgufTensorInfo lying = new GgufTensorInfo(t.name(), t.type(), t.dims(), t.offset() + 32, t.byteSize());
        assertThrows(IllegalArgumentException.class, () -> f.tensorData(lying));
        ByteBuffer before = f.tensorData(t);
        f.close();
        f.close();
        assertThrows(IllegalStateException.class, () -> f.tensorData(t));
        assertEquals(ByteOrder.LITTLE_ENDIAN, before.order());
        assertEquals(t.byteSize(), before.remaining(), "mapped data stays readable after close");
        before.getFloat(0);
    }

    @Test
    void tensorInfoChecksItsOwnShape() {
        long[] dims = {64, 2};
        GgufTensorInfo t = new GgufTensorInfo("w", GgmlType.Q8_0, dims, 0, 4 * 34);
        dims[0] = 1;
        assertEquals(64, t.dim(0), "dims are copied in");
        t.dims()[0] = 1;
        assertEquals(64, t.cols(), "dims are copied out");
        assertThrows(IllegalArgumentException.class, () -> new GgufTensorInfo("w", GgmlType.Q8_0, new long[] {64}, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> new GgufTensorInfo("w", GgmlType.Q8_0, new long[] {33}, 0, 34));
        assertThrows(IllegalArgumentException.class, () -> new GgufTensorInfo("w", GgmlType.F32, new long[0], 0, 0));
        assertThrows(ArithmeticException.class,
                () -> GgufTensorInfo.byteSizeOf(GgmlType.F32, new long[] {1L << 62, 1L << 62}));
        GgufTensorInfo wide = new GgufTensorInfo("w", GgmlType.F32, new long[] {1L << 31}, 0, 4L << 31);
        assertThrows(IllegalStateException.class, wide::cols);
        assertEquals(1, wide.rows());
        assertEquals(t, new GgufTensorInfo("w", GgmlType.Q8_0, new long[] {64, 2}, 0, 136));
        assertEquals(t.hashCode(), new GgufTensorInfo("w", GgmlType.Q8_0, new long[] {64, 2}, 0, 136).hashCode());
        assertTrue(t.toString().contains("[64, 2]"), t.toString());
        assertEquals("[64, 2]", Arrays.toString(t.dims()));
    }

    static void assertMessage(GgufFormatException e, String... parts) {
        for (String p : parts) {
            assertTrue(e.getMessage().contains(p), () -> "expected '" + p + "' in: " + e.getMessage());
        }
    }
}
