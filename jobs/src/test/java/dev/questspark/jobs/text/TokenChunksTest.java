package dev.questspark.jobs.text;

import dev.questspark.jobs.text.TokenChunks.Span;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TokenChunksTest {
    @Test
    void shortInputIsOneChunk() {
        assertEquals(List.of(new Span(0, 10)), TokenChunks.split(10, 10, 3));
    }

    @Test
    void chunksCoverEverythingWithinSizeAndOverlapAsAsked() {
        for (int n = 11; n < 400; n += 7) {
            for (int size : new int[]{10, 16, 33}) {
                for (int overlap : new int[]{0, 2, size / 2}) {
                    List<Span> spans = TokenChunks.split(n, size, overlap);
                    assertEquals(0, spans.get(0).start());
                    assertEquals(n, spans.get(spans.size() - 1).end(), "last chunk ends at the end");
                    for (int i = 0; i < spans.size(); i++) {
                        Span s = spans.get(i);
                        assertTrue(s.length() <= size && s.length() > 0, "chunk " + s + " within size " + size);
                        if (i > 0) {
                            assertEquals(overlap, spans.get(i - 1).end() - s.start(), "overlap of chunk " + i + " n=" + n);
                        }
                    }
                    int shortest = spans.stream().mapToInt(Span::length).min().orElseThrow();
                    int longest = spans.stream().mapToInt(Span::length).max().orElseThrow();
                    assertTrue(longest - shortest <= 1, "chunks of even length: " + spans);
                }
            }
        }
    }

    @Test
    void rejectsOverlapOfMoreThanHalfAChunk() {
        assertThrows(IllegalArgumentException.class, () -> TokenChunks.split(100, 10, 6));
    }
}
