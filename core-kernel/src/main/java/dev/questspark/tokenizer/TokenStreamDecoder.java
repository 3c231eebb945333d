package dev.questspark.tokenizer;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.IntFunction;

/**
 * Turns tokens into text as they are generated. A character may be split over several byte tokens (an emoji is often
 * four {@code <0xXX>} tokens), so bytes of an unfinished UTF-8 sequence are held back until the rest arrives; bytes
 * that cannot start or continue a character are passed on and show as U+FFFD. Not thread-safe: one per stream.
 */
public final class TokenStreamDecoder {
    private final IntFunction<byte[]> pieces;
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

    TokenStreamDecoder(IntFunction<byte[]> pieces) {
        this.pieces = pieces;
    }

    /** Adds one token; returns the text that is now complete (possibly empty). */
    public String push(int id) {
        pending.writeBytes(pieces.apply(id));
        byte[] bytes = pending.toByteArray();
        int complete = Utf8.completePrefix(bytes);
        pending.reset();
        pending.write(bytes, complete, bytes.length - complete);
        return new String(bytes, 0, complete, StandardCharsets.UTF_8);
    }

    /** Adds several tokens; returns the text that is now complete. */
    public String push(int[] ids) {
        StringBuilder sb = new StringBuilder();
        for (int id : ids) {
            sb.append(push(id));
        }
        return sb.toString();
    }

    /** Returns whatever is held back (an unfinished sequence shows as U+FFFD) and starts afresh. */
    public String flush() {
        String rest = pending.toString(StandardCharsets.UTF_8);
        pending.reset();
        return rest;
    }

    /** Whether bytes of an unfinished character are being held back. */
    public boolean hasPending() {
        return pending.size() > 0;
    }
}
