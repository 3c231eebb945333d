package dev.questspark.engine;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A stable identity of a model file: SHA-256 over its size, its first 4 MiB (the GGUF header: metadata, vocabulary,
 * tensor table) and its last 1 MiB (weights). Cheap for multi-GiB files, and different for any re-quantization.
 */
final class ModelFingerprint {
    private static final int HEAD = 4 << 20;
    private static final int TAIL = 1 << 20;

    private ModelFingerprint() {}

    static String of(Path file) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            long size = ch.size();
            sha.update(ByteBuffer.allocate(Long.BYTES).putLong(size).flip());
            digest(ch, sha, 0, Math.min(size, HEAD));
            long tailStart = Math.max(Math.min(size, HEAD), size - TAIL);
            digest(ch, sha, tailStart, size - tailStart);
            return HexFormat.of().formatHex(sha.digest()).substring(0, 32);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + " to fingerprint it", e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void digest(FileChannel ch, MessageDigest sha, long from, long len) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(1 << 16);
        long pos = from;
        long end = from + len;
        while (pos < end) {
            buf.clear().limit((int) Math.min(buf.capacity(), end - pos));
            int r = ch.read(buf, pos);
            if (r < 0) {
                break;
            }
            pos += r;
            sha.update(buf.flip());
        }
    }
}
