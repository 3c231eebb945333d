package dev.questspark.gguf;

import dev.questspark.testing.TestModels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.questspark.gguf.GgufTestLayout.Kv;
import dev.questspark.gguf.GgufTestLayout.Tensor;
import dev.questspark.testing.TestModels;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.opentest4j.AssertionFailedError;

/**
 * Corrupts a synthetic file and the real models one field at a time, and truncates them at many offsets, and
 * checks every case fails with a {@link GgufFormatException} whose message names the file and the field.
 */
class GgufCorruptionTest {
    /** Holds one pristine copy per file for the patch tests, which restore every byte they change. */
    @TempDir
    static Path shared;
    private static final Map<String, Path> COPIES = new HashMap<>();

    @TempDir
    Path dir;

    static Stream<String> files() {
        return Stream.of("synthetic", "stories260K", "SmolLM2");
    }

    /** The shared copy of the named file, which a test may patch in place but must restore. */
    private static synchronized Path copyOf(String which) throws IOException {
        Path copy = COPIES.get(which);
        if (copy == null) {
            copy = freshCopy(which, shared);
            COPIES.put(which, copy);
        }
        return copy;
    }

    /** A new copy of the named file in {@code into}. */
    private static Path freshCopy(String which, Path into) throws IOException {
        Path copy = into.resolve(which + ".gguf");
        switch (which) {
            case "synthetic" -> GgufTestFixtures.rich().writeTo(copy);
            case "stories260K" -> Files.copy(TestModels.stories(), copy);
            case "SmolLM2" -> Files.copy(TestModels.smolLm2(), copy);
            default -> throw new IllegalArgumentException(which);
        }
        return copy;
    }

    private static GgufTestLayout layoutOf(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file)) {
            ByteBuffer b = ByteBuffer.allocate((int) Math.min(ch.size(), 4 << 20));
            while (b.hasRemaining() && ch.read(b, b.position()) >= 0) {
                continue;
            }
            return GgufTestLayout.scan(b.flip());
        }
    }

    @ParameterizedTest
    @MethodSource("files")
    void headerCorruptionsAreNamed(String which) throws IOException {
        Path f = copyOf(which);
        patched(f, 0, 4, 0x4C4D4747, "magic", "not 'GGUF'");
        patched(f, GgufTestLayout.VERSION, 4, 1, "version", "1 is not supported", "v1");
        patched(f, GgufTestLayout.VERSION, 4, 0, "version", "expected 2 or 3");
        patched(f, GgufTestLayout.VERSION, 4, 4, "version", "4 is not supported");
        patched(f, GgufTestLayout.VERSION, 4, 0x03000000, "version", "big-endian");
        patched(f, GgufTestLayout.TENSOR_COUNT, 8, 1L << 62, "tensor_count", String.valueOf(1L << 62));
        patched(f, GgufTestLayout.TENSOR_COUNT, 8, -1, "tensor_count", "18446744073709551615");
        patched(f, GgufTestLayout.TENSOR_COUNT, 8, Files.size(f) / 32, "tensor_count", "bytes follow");
        patched(f, GgufTestLayout.KV_COUNT, 8, 1L << 40, "kv_count", String.valueOf(1L << 40));
        patched(f, GgufTestLayout.KV_COUNT, 8, -1, "kv_count");
        patched(f, GgufTestLayout.KV_COUNT, 8, Files.size(f) / 14, "kv_count");
    }

    @ParameterizedTest
    @MethodSource("files")
    void metadataCorruptionsAreNamed(String which) throws IOException {
        Path f = copyOf(which);
        GgufTestLayout l = layoutOf(f);
        patched(f, l.kvs.get(0).keyLen(), 8, Long.MAX_VALUE, "metadata key #0 name string length", "exceeds");
        patched(f, l.kvs.get(0).keyLen(), 8, -1, "metadata key #0 name string length", "18446744073709551615");
        patched(f, l.kvs.get(0).keyLen(), 8, 0, "metadata key #0 name", "empty");
        int last = l.kvs.size() - 1;
        Kv lastKv = l.kvs.get(last);
        String lastField = "metadata key #" + last + " '" + lastKv.key() + "' value type";
        patched(f, lastKv.type(), 4, 13, lastField, "unknown value type id 13");
        patched(f, lastKv.type(), 4, -1, lastField, "unknown value type id 4294967295");
        Kv strings = firstArrayOf(l, GgufTestWriter.STRING);
        String arr = "metadata key #" + l.kvs.indexOf(strings) + " '" + strings.key() + "'";
        patched(f, strings.value(), 4, 99, arr + " array element type", "unknown value type id 99");
        patched(f, strings.value() + 4, 8, Long.MAX_VALUE, arr + " array length", "elements need at least 8 bytes");
        patched(f, strings.value() + 4, 8, Long.MIN_VALUE, arr + " array length", "9223372036854775808");
        patched(f, strings.value() + 12, 8, 1L << 50, arr + " element 0 string length", "exceeds the");
        if (Files.size(f) > GgufHeaderParser.MAX_STRING_BYTES + 100) {
            patched(f, strings.value() + 12, 8, GgufHeaderParser.MAX_STRING_BYTES + 1,
                    arr + " element 0 string length", "exceeds the limit of " + GgufHeaderParser.MAX_STRING_BYTES);
        }
        Kv numbers = l.kvs.stream().filter(k -> k.elemType() >= 0 && k.elemType() != GgufTestWriter.STRING
                && k.elemType() != GgufTestWriter.ARRAY).findFirst().orElseThrow();
        String num = "metadata key #" + l.kvs.indexOf(numbers) + " '" + numbers.key() + "' array length";
        patched(f, numbers.value() + 4, 8, Files.size(f), num, "bytes each");
    }

    @ParameterizedTest
    @MethodSource("files")
    void tensorInfoCorruptionsAreNamed(String which) throws IOException {
        Path f = copyOf(which);
        GgufTestLayout l = layoutOf(f);
        long size = Files.size(f);
        Tensor last = l.tensors.get(l.tensors.size() - 1);
        String lastField = "tensor '" + last.name() + "'";
        for (long n : new long[] {0, 5, 9, 0xFFFFFFFFL}) {
            patched(f, last.nDims(), 4, n, lastField + " n_dims", n + "; expected 1 to 4");
        }
        Tensor matrix = l.tensors.stream().filter(t -> t.n() >= 2).findFirst().orElseThrow();
        String m = "tensor '" + matrix.name() + "'";
        patched(f, matrix.dims(), 8, 0, m + " dims[0]", "0; expected a size from 1");
        patched(f, matrix.dims() + 8, 8, 0, m + " dims[1]", "0; expected a size from 1");
        patched(f, matrix.dims(), 8, -1, m + " dims[0]", "18446744073709551615");
        patched(f, matrix.dims(), 16, new long[] {1L << 62, 1L << 62}, m + " shape", "overflow");
        patched(f, matrix.dims(), 16, new long[] {1L << 32, 1L << 32}, m + " shape", "overflow");
        patched(f, last.type(), 4, 13, lastField + " type", "type id 13 (Q5_K) is not supported",
                "supported types: F32=0, F16=1, Q4_0=2, Q4_1=3, Q5_0=6, Q8_0=8, Q4_K=12, Q6_K=14, BF16=30");
        patched(f, last.type(), 4, 4, lastField + " type", "type id 4 is not a ggml tensor type");
        patched(f, last.type(), 4, 99, lastField + " type", "type id 99 is not a ggml tensor type");
        patched(f, last.type(), 4, -1, lastField + " type", "type id 4294967295 is not a ggml tensor type");
        Tensor odd = l.tensors.stream().filter(t -> readLong(f, t.dims()) % 256 != 0).findFirst().orElseThrow();
        patched(f, odd.type(), 4, GgmlType.Q4_K.id(), "tensor '" + odd.name() + "' dims[0]",
                "not a multiple of 256, the block size of Q4_K");
        Tensor first = l.tensors.get(0);
        String off = "tensor '" + first.name() + "' offset";
        long rel = readLong(f, first.offset());
        patched(f, first.offset(), 8, rel + 1, off, "not a non-negative multiple of the alignment 32");
        patched(f, first.offset(), 8, -32, off, "18446744073709551584");
        patched(f, first.offset(), 8, size / 32 * 32 + 32, off, "past the end of the file");
        patched(f, first.offset(), 8, Long.MAX_VALUE / 32 * 32, off, "past the end of the file");
        patched(f, last.offset(), 8, readLong(f, first.offset()), "offset", "lies inside the data of tensor",
                "must not overlap");
        Tensor[] twins = sameNameLength(l);
        patchedBytes(f, twins[1].nameLen() + 8, twins[0].name().getBytes(), "tensor #" + l.tensors.indexOf(twins[1])
                + " name", "duplicates tensor #" + l.tensors.indexOf(twins[0]));
    }

    @ParameterizedTest
    @MethodSource("files")
    void truncationAtAnyOffsetFailsNamingTheSection(String which) throws IOException {
        Path f = freshCopy(which, dir);
        GgufTestLayout l = layoutOf(f);
        List<GgufTensorInfo> tensors;
        long dataStart;
        try (GgufFile g = GgufFile.open(f)) {
            tensors = g.tensors();
            dataStart = g.dataStart();
        }
        long end = tensors.stream().mapToLong(t -> t.offset() + t.byteSize()).max().orElseThrow();
        TreeSet<Long> cuts = truncationPoints(l, tensors, dataStart, end);
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
            for (long n : cuts.descendingSet()) {
                ch.truncate(n);
                GgufFormatException e = openFails(f);
                assertTrue(sectionFields(l, n).stream().anyMatch(e.field()::contains),
                        () -> "cut at " + n + ": expected the field to name one of " + sectionFields(l, n) + ": "
                                + e.getMessage());
            }
        }
    }

    /**
     * Where to cut a file. Small headers (the synthetic file) are cut at every byte. Larger ones at the neighbours
     * of every field start and at a stride through the header: for a medium header (stories260K) every field of
     * every metadata pair and tensor info and ~1000 stride points; for a large one (SmolLM2, where each open parses
     * megabytes) the starts of the first and last two metadata pairs and tensor infos and ~30 stride points. Data is cut at
     * the edges and middle of tensors (all of them, or the first and last two for many tensors).
     */
    private static TreeSet<Long> truncationPoints(GgufTestLayout l, List<GgufTensorInfo> tensors, long dataStart,
                                                  long end) {
        TreeSet<Long> cuts = new TreeSet<>();
        boolean large = dataStart > 64 * 1024;
        if (dataStart <= 4096) {
            for (long n = 0; n < dataStart; n++) {
                cuts.add(n);
            }
        } else {
            int reach = large ? 0 : 2;
            List<Long> marks = new ArrayList<>(List.of(0L, 4L, 8L, 16L, 24L, l.headerEnd, dataStart));
            for (Kv k : large ? ends(l.kvs) : l.kvs) {
                marks.addAll(List.of(k.keyLen(), k.type(), k.value()));
            }
            for (Tensor t : large ? ends(l.tensors) : l.tensors) {
                marks.addAll(List.of(t.nameLen(), t.nDims(), t.dims(), t.type(), t.offset()));
            }
            for (long m : marks) {
                for (long d = -reach; d <= reach; d++) {
                    cuts.add(m + d);
                }
            }
            long stride = Math.max(1, dataStart / (large ? 31 : 1000));
            for (long n = 0; n < dataStart; n += stride) {
                cuts.add(n);
            }
        }
        for (GgufTensorInfo t : tensors.size() > 64 ? ends(tensors) : tensors) {
            cuts.addAll(List.of(t.offset(), t.offset() + 1, t.offset() + t.byteSize() / 2, t.offset() + t.byteSize() - 1));
        }
        cuts.removeIf(n -> n < 0 || n >= end);
        return cuts;
    }

    /** The first two and last two elements. */
    private static <T> List<T> ends(List<T> list) {
        int n = list.size();
        return n <= 4 ? list : List.of(list.get(0), list.get(1), list.get(n - 2), list.get(n - 1));
    }

    /** Field names a truncation at offset n may be reported under: the section cut, or a count it falsifies. */
    private static List<String> sectionFields(GgufTestLayout l, long n) {
        if (n < 4) {
            return List.of("magic");
        }
        if (n < 8) {
            return List.of("version");
        }
        if (n < 24) {
            return List.of(n < 16 ? "tensor_count" : "kv_count");
        }
        List<String> out = new ArrayList<>(List.of("tensor_count", "kv_count"));
        if (n >= l.headerEnd) {
            return List.of("offset");
        }
        for (int i = l.tensors.size() - 1; i >= 0; i--) {
            if (n >= l.tensors.get(i).nameLen()) {
                out.addAll(List.of("tensor #" + i, "tensor '" + l.tensors.get(i).name() + "'"));
                return out;
            }
        }
        for (int i = l.kvs.size() - 1; i >= 0; i--) {
            if (n >= l.kvs.get(i).keyLen()) {
                out.add("metadata key #" + i);
                return out;
            }
        }
        return out;
    }

    /** Opens a file expected to be rejected; fails unless it raises a GgufFormatException naming the file. */
    static GgufFormatException openFails(Path file, String... parts) {
        Throwable thrown = null;
        try {
            GgufFile.open(file).close();
        } catch (Throwable t) {
            thrown = t;
        }
        if (thrown == null) {
            fail("a corrupt file was accepted: " + file);
        }
        if (!(thrown instanceof GgufFormatException e)) {
            throw new AssertionFailedError("expected GgufFormatException but got " + thrown, thrown);
        }
        assertTrue(e.getMessage().startsWith(file + ": "), e.getMessage());
        assertFalse(e.field().isBlank(), e.getMessage());
        assertEquals(file, e.file());
        GgufRoundTripTest.assertMessage(e, parts);
        return e;
    }

    /** Writes {@code value} (little-endian, width bytes) at {@code at}, checks the open fails, restores the bytes. */
    private static void patched(Path f, long at, int width, long value, String... parts) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(value);
        patchedBytes(f, at, Arrays.copyOf(b.array(), width), parts);
    }

    private static void patched(Path f, long at, int width, long[] values, String... parts) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(width).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : values) {
            b.putLong(v);
        }
        patchedBytes(f, at, b.array(), parts);
    }

    private static void patchedBytes(Path f, long at, byte[] bytes, String... parts) throws IOException {
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer old = ByteBuffer.allocate(bytes.length);
            ch.read(old, at);
            ch.write(ByteBuffer.wrap(bytes), at);
            try {
                openFails(f, parts);
            } finally {
                ch.write(old.flip(), at);
            }
        }
    }

    private static long readLong(Path f, long at) {
        try (FileChannel ch = FileChannel.open(f)) {
            ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            ch.read(b, at);
            return b.getLong(0);
        } catch (IOException e) {
            throw new AssertionFailedError("cannot read " + f, e);
        }
    }

    private static Kv firstArrayOf(GgufTestLayout l, int elemType) {
        return l.kvs.stream().filter(k -> k.elemType() == elemType).findFirst().orElseThrow();
    }

    private static Tensor[] sameNameLength(GgufTestLayout l) {
        for (int i = 0; i < l.tensors.size(); i++) {
            for (int j = i + 1; j < l.tensors.size(); j++) {
                if (l.tensors.get(i).name().length() == l.tensors.get(j).name().length()) {
                    return new Tensor[] {l.tensors.get(i), l.tensors.get(j)};
                }
            }
        }
        throw new AssertionFailedError("no two tensor names of equal length");
    }
}
