package dev.questspark.jobs.text;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits n tokens into chunks of at most size tokens, each overlapping the previous one by overlap tokens, all of
 * nearly the same length (so the last chunk is not a short remainder with little context).
 */
public final class TokenChunks {
    /** Tokens [start, end). */
    public record Span(int start, int end) {
        public int length() {
            return end - start;
        }
    }

    private TokenChunks() {
    }

    public static List<Span> split(int n, int size, int overlap) {
        if (size < 1) {
            throw new IllegalArgumentException("chunk size must be positive, got " + size);
        }
        if (overlap < 0 || overlap * 2 > size) {
            throw new IllegalArgumentException("chunk overlap must be between 0 and half the chunk size ("
                    + size / 2 + "), got " + overlap);
        }
        List<Span> spans = new ArrayList<>();
        if (n <= size) {
            spans.add(new Span(0, n));
            return spans;
        }
        int count = (int) Math.ceil((double) (n - overlap) / (size - overlap));
        // Lengths sum to n plus the overlaps; spread them evenly (they differ by at most one token).
        long total = n + (long) (count - 1) * overlap;
        int base = (int) (total / count);
        int longer = (int) (total % count);
        int start = 0;
        for (int i = 0; i < count; i++) {
            int length = base + (i < longer ? 1 : 0);
            spans.add(new Span(start, start + length));
            start += length - overlap;
        }
        return spans;
    }
}
