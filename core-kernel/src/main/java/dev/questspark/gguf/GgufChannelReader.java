package dev.questspark.gguf;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.function.Supplier;

/**
 * Sequential little-endian reads from a file channel through a small window, so that the header of a large model
 * is parsed without holding the file in memory. Every read is checked against the file size first: a read past
 * the end raises {@link GgufFormatException} naming the field, never an {@code EOFException} or a buffer
 * exception.
 */
final class GgufChannelReader {
    private static final int WINDOW_BYTES = 64 * 1024;

    private final FileChannel channel;
    private final Path file;
    private final long size;
    private final ByteBuffer window;
    private long windowStart; // file offset of window index 0

    GgufChannelReader(FileChannel channel, Path file, long size) {
        this.channel = channel;
        this.file = file;
        this.size = size;
        this.window = ByteBuffer.allocate((int) Math.min(WINDOW_BYTES, size)).order(ByteOrder.LITTLE_ENDIAN);
        window.limit(0);
    }

    Path file() {
        return file;
    }

    long size() {
        return size;
    }

    /** File offset of the next byte to read. */
    long position() {
        return windowStart + window.position();
    }

    /** Bytes between the read position and the end of the file. */
    long remaining() {
        return size - position();
    }

    int u8(Supplier<String> field) throws IOException {
        return Byte.toUnsignedInt(need(1, field).get());
    }

    byte i8(Supplier<String> field) throws IOException {
        return need(1, field).get();
    }

    short i16(Supplier<String> field) throws IOException {
        return need(2, field).getShort();
    }

    int i32(Supplier<String> field) throws IOException {
        return need(4, field).getInt();
    }

    /** An unsigned 32-bit value, widened so that it can never turn negative. */
    long u32(Supplier<String> field) throws IOException {
        return Integer.toUnsignedLong(i32(field));
    }

    /** A 64-bit value as stored; callers that read unsigned fields reject negative results. */
    long i64(Supplier<String> field) throws IOException {
        return need(8, field).getLong();
    }

    float f32(Supplier<String> field) throws IOException {
        return need(4, field).getFloat();
    }

    double f64(Supplier<String> field) throws IOException {
        return need(8, field).getDouble();
    }

    /** The next {@code n} bytes; the caller has checked that n fits an array. */
    byte[] bytes(int n, Supplier<String> field) throws IOException {
        byte[] out = new byte[n];
        if (n <= window.capacity()) {
            need(n, field).get(out);
            return out;
        }
        checkAvailable(n, field);
        long start = position();
        int buffered = window.remaining();
        window.get(out, 0, buffered);
        readFully(ByteBuffer.wrap(out, buffered, n - buffered), start + buffered, field);
        windowStart = start + n;
        window.limit(0);
        return out;
    }

    /** Fails unless {@code n} more bytes exist in the file. */
    void checkAvailable(long n, Supplier<String> field) throws GgufFormatException {
        if (n > remaining()) {
            throw new GgufFormatException(file, field.get(), "needs " + n + " bytes at offset " + position()
                    + " but the file ends at " + size + " (truncated or corrupt file)");
        }
    }

    private ByteBuffer need(int n, Supplier<String> field) throws IOException {
        if (window.remaining() >= n) {
            return window;
        }
        checkAvailable(n, field);
        long start = position();
        window.clear();
        window.limit((int) Math.min(window.capacity(), size - start));
        readFully(window, start, field);
        window.flip();
        windowStart = start;
        return window;
    }

    private void readFully(ByteBuffer dst, long at, Supplier<String> field) throws IOException {
        long pos = at;
        while (dst.hasRemaining()) {
            int n = channel.read(dst, pos);
            if (n < 0) {
                throw new GgufFormatException(file, field.get(), "the file ended at offset " + pos
                        + " while reading; it was " + size + " bytes when opened (was it truncated meanwhile?)");
            }
            pos += n;
        }
    }
}
