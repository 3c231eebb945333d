package dev.questspark.jobs.text;

import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Where raw bytes stop being UTF-8, so a bad row's error points at the byte to fix. Offsets count from 0 within
 * the value (a text file's bytes, a Parquet string, a JSON line).
 */
public final class Utf8Errors implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final int CHUNK = 4096;

    private Utf8Errors() {
    }

    /** The offset of the first byte that does not belong to a valid UTF-8 sequence, or -1 when every byte does. */
    public static int firstInvalidByte(byte[] bytes) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(CHUNK);
        while (true) {
            CoderResult r = decoder.decode(in, out, true);
            if (r.isError()) {
                return in.position();
            }
            if (r.isOverflow()) {
                out.clear();
                continue;
            }
            return -1;
        }
    }

    /**
     * "what has invalid UTF-8 at byte N (0xNN)", or "what is not valid UTF-8" when the bytes are valid to Java's
     * decoder but not to Spark's check; null bytes (not known) give the plain message.
     */
    public static String describe(String what, byte[] bytes) {
        int at = bytes == null ? -1 : firstInvalidByte(bytes);
        if (at < 0) {
            return what + " is not valid UTF-8";
        }
        return what + " has invalid UTF-8 at byte " + at + String.format(Locale.ROOT, " (0x%02x)", bytes[at] & 0xff);
    }
}
