package dev.questspark.gguf;

import static dev.questspark.gguf.GgufCorruptionTest.openFails;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.questspark.gguf.GgufTestWriter.Arr;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.AssertionFailedError;

/** Synthetic files that lie in ways a byte patch cannot express, plus random mutations of a valid file. */
class GgufLyingFileTest {
    @TempDir
    Path dir;

    private int n;

    private Path write(GgufTestWriter w) throws IOException {
        return w.writeTo(dir.resolve("lie" + n++ + ".gguf"));
    }

    private Path write(byte[] bytes) throws IOException {
        return Files.write(dir.resolve("raw" + n++ + ".gguf"), bytes);
    }

    @Test
    void tooShortFilesNameTheMagic() throws IOException {
        openFails(write(new byte[0]), "magic", "needs 4 bytes at offset 0 but the file ends at 0");
        openFails(write(new byte[] {'G', 'G', 'U'}), "magic", "truncated");
        openFails(write(new byte[] {'G', 'G', 'U', 'F', 3}), "version", "truncated");
    }

    @Test
    void missingFilesAndDirectoriesAreIoErrorsNamingThePath() {
        Path missing = dir.resolve("absent.gguf");
        assertTrue(assertThrows(IOException.class, () -> GgufFile.open(missing)).getMessage().contains("absent.gguf"));
        assertTrue(assertThrows(IOException.class, () -> GgufFile.open(dir)).getMessage().contains("is a directory"));
    }

    @Test
    void versionOneAndOtherMagicsAreRejected() throws IOException {
        openFails(write(new GgufTestWriter().version(1)), "version", "1 is not supported (GGUF v1");
        openFails(write(new GgufTestWriter().magic(0x67676d6c)), "magic", "6c 6d 67 67");
    }

    @Test
    void metadataLiesAreNamed() throws IOException {
        openFails(write(new GgufTestWriter().kv("k", GgufTestWriter.UINT8, 1).kv("k", GgufTestWriter.UINT8, 2)),
                "metadata key #1 'k'", "duplicate key");
        openFails(write(new GgufTestWriter().kv("b", GgufTestWriter.BOOL, 2)), "metadata key #0 'b'",
                "bool byte 2; expected 0 or 1");
        openFails(write(new GgufTestWriter().kv("b", GgufTestWriter.ARRAY, Arr.of(GgufTestWriter.BOOL, 1, 0, 7))),
                "metadata key #0 'b' element 2", "bool byte 7");
        openFails(write(new GgufTestWriter().kv("u", GgufTestWriter.UINT64, -1L)), "metadata key #0 'u'",
                "uint64 value 18446744073709551615 exceeds " + Long.MAX_VALUE);
        openFails(write(new GgufTestWriter().kv("u", GgufTestWriter.ARRAY, Arr.of(GgufTestWriter.UINT64, 1L, -2L))),
                "metadata key #0 'u' element 1", "18446744073709551614");
        openFails(write(new GgufTestWriter().kv("n", GgufTestWriter.ARRAY,
                Arr.of(GgufTestWriter.ARRAY, Arr.of(14)))), "metadata key #0 'n' element 0 array element type",
                "unknown value type id 14");
        openFails(write(new GgufTestWriter().kv("s", GgufTestWriter.STRING,
                "x".repeat(GgufHeaderParser.MAX_STRING_BYTES + 1))), "metadata key #0 's' string length",
                "exceeds the limit of 1048576 bytes");
        openFails(write(new GgufTestWriter().kv("v", GgufTestWriter.STRING, "ok").kvCount(2)), "metadata key #1 name");
    }

    @Test
    void arrayNestingIsLimited() throws IOException {
        Arr deep = Arr.of(GgufTestWriter.INT8, 1);
        for (int depth = 1; depth <= GgufHeaderParser.MAX_ARRAY_DEPTH; depth++) {
            deep = Arr.of(GgufTestWriter.ARRAY, deep);
        }
        openFails(write(new GgufTestWriter().kv("deep", GgufTestWriter.ARRAY, deep)), "'deep'", "array nesting",
                "depth 9 exceeds the limit of 8");
    }

    @Test
    void alignmentMustBeAPowerOfTwoInteger() throws IOException {
        for (long a : new long[] {0, 48, 3, 1L << 31}) {
            openFails(write(new GgufTestWriter().kv("general.alignment", GgufTestWriter.UINT32, a)),
                    "metadata key 'general.alignment'", a + " is not a power of two");
        }
        openFails(write(new GgufTestWriter().kv("general.alignment", GgufTestWriter.STRING, "32")),
                "metadata key 'general.alignment'", "is not an integer");
        byte[] f32 = new byte[32];
        openFails(write(new GgufTestWriter().alignment(64)
                        .tensor("a", GgmlType.F32, new long[] {8}, f32)
                        .tensorRaw("b", GgmlType.F32.id(), new long[] {8}, f32, 32L)),
                "tensor 'b' offset", "32 (relative to the data section) is not a non-negative multiple of the alignment 64");
    }

    @Test
    void tensorLiesAreNamed() throws IOException {
        byte[] f32 = new byte[32];
        openFails(write(new GgufTestWriter().tensor("a", GgmlType.F32, new long[] {8}, f32)
                .tensor("a", GgmlType.F32, new long[] {8}, f32)), "tensor #1 name", "'a' duplicates tensor #0");
        openFails(write(new GgufTestWriter().tensor("a", GgmlType.F32, new long[] {8}, f32)
                .tensorRaw("b", GgmlType.F32.id(), new long[] {4}, new byte[16], 0L)), "tensor 'b' offset",
                "lies inside the data of tensor 'a'");
        openFails(write(new GgufTestWriter().tensor("a", GgmlType.F32, new long[] {8}, f32).tensorCount(1000)),
                "tensor_count", "1000 tensor infos need at least 32 bytes each");
        openFails(write(new GgufTestWriter().tensor("q", GgmlType.Q6_K, new long[] {255}, new byte[210])),
                "tensor 'q' dims[0]", "255 is not a multiple of 256, the block size of Q6_K");
        openFails(write(new GgufTestWriter().tensor("big", GgmlType.F32, new long[] {1L << 40}, f32)),
                "tensor 'big' offset", "with 4398046511104 data bytes ends past the end of the file");
        openFails(write(new GgufTestWriter().tensorRaw("bad", 5, new long[] {32}, f32, null)),
                "tensor 'bad' type", "type id 5 is not a ggml tensor type", "supported types");
        openFails(write(new GgufTestWriter().tensorRaw("x", GgmlType.F32.id(), new long[] {1, 1, 1, 1, 1}, f32, null)),
                "tensor 'x' n_dims", "5; expected 1 to 4");
    }

    /** A sparse file over 4 GiB: tensors past 2 GiB map fine; a single tensor over 2 GiB gets a clear error. */
    @Test
    void filesOverTwoGibMapPerTensor() throws IOException {
        long hugeElems = (1L << 29) + 8; // 2 GiB + 32 bytes of F32
        long smallRel = (hugeElems * 4 + 31) / 32 * 32 + (1L << 31); // well past 4 GiB into the file
        GgufTestWriter w = new GgufTestWriter()
                .tensorRaw("huge", GgmlType.F32.id(), new long[] {hugeElems}, new byte[0], 0L)
                .tensorRaw("small", GgmlType.F32.id(), new long[] {8}, new byte[0], smallRel);
        Path file = write(w);
        long dataStart = (GgufTestLayout.scan(Files.readAllBytes(file)).headerEnd + 31) / 32 * 32;
        ByteBuffer small = ByteBuffer.allocate(32).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < 8; i++) {
            small.putFloat(i + 0.5f);
        }
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(dataStart + smallRel + 32); // sparse: no disk blocks for the gap
            raf.getChannel().write(small.flip(), dataStart + smallRel);
        }
        try (GgufFile f = GgufFile.open(file)) {
            GgufFormatException e = assertThrows(GgufFormatException.class, () -> f.tensorData(f.tensor("huge")));
            GgufRoundTripTest.assertMessage(e, "tensor 'huge' size", "must be under 2 GiB");
            ByteBuffer data = f.tensorData(f.tensor("small"));
            assertTrue(f.tensor("small").offset() > 1L << 32);
            float[] values = new float[8];
            data.asFloatBuffer().get(values);
            assertArrayEquals(new float[] {0.5f, 1.5f, 2.5f, 3.5f, 4.5f, 5.5f, 6.5f, 7.5f}, values);
        }
    }

    @Test
    void fileShrunkAfterOpenIsReportedNotCrashed() throws IOException {
        Path file = write(GgufTestFixtures.rich());
        try (GgufFile f = GgufFile.open(file)) {
            GgufTensorInfo last = f.tensors().get(f.tensors().size() - 1);
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
                ch.truncate(last.offset());
            }
            GgufFormatException e = assertThrows(GgufFormatException.class, () -> f.tensorData(last));
            GgufRoundTripTest.assertMessage(e, "changed after it was opened");
        }
    }

    /**
     * Random mutations of the synthetic header: each mutated file either opens (and then every tensor maps and
     * every metadata value reads) or is rejected with a GgufFormatException; nothing else may escape.
     */
    @Test
    void randomHeaderMutationsNeverEscapeAsOtherExceptions() throws IOException {
        byte[] pristine = GgufTestFixtures.rich().build();
        int headerEnd = (int) GgufTestLayout.scan(pristine).headerEnd;
        Path file = write(pristine);
        Random rnd = new Random(7);
        long[] extremes = {0, 1, -1, Long.MAX_VALUE, Long.MIN_VALUE, 1L << 32, 1L << 62, 0xFFFFFFFFL, 255, 9, 13};
        int accepted = 0;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            for (int round = 0; round < 2000; round++) {
                byte[] b = pristine.clone();
                int at = rnd.nextInt(headerEnd);
                if (rnd.nextBoolean()) {
                    b[at] = (byte) rnd.nextInt(256);
                } else {
                    ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN)
                            .putLong(Math.min(at, b.length - 8), extremes[rnd.nextInt(extremes.length)]);
                }
                ch.write(ByteBuffer.wrap(b), 0);
                accepted += openOrReject(file, round) ? 1 : 0;
            }
        }
        assertTrue(accepted < 2000, "some mutations must be rejected");
    }

    private static boolean openOrReject(Path file, int round) {
        try (GgufFile f = GgufFile.open(file)) {
            for (GgufTensorInfo t : f.tensors()) {
                assertEquals(t.byteSize(), f.tensorData(t).remaining());
            }
            f.metadata().values().forEach(v -> String.valueOf(v).length());
            return true;
        } catch (GgufFormatException e) {
            assertTrue(e.getMessage().startsWith(file + ": "), e.getMessage());
            return false;
        } catch (IOException | RuntimeException e) {
            throw new AssertionFailedError("mutation " + round + " escaped as " + e, e);
        }
    }
}
