package dev.questspark.jobs;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The progress line's wording: done out of total, tokens per second, time left. */
class JobProgressTest {
    private static final long SECOND = 1_000_000_000L;

    @Test
    void aLineSaysDoneOutOfTotalTokensPerSecondAndTimeLeft() {
        assertEquals("12/40 documents (30%), 35.0 tokens/s, about 1 min 10 s left",
                JobProgress.line(12, 40, 1050, 30 * SECOND, "documents"));
        assertEquals("40/40 questions (100%), 2.0 tokens/s", JobProgress.line(40, 40, 120, 60 * SECOND, "questions"));
        assertEquals("7 documents, 0.0 tokens/s", JobProgress.line(7, -1, 0, 0, "documents"));
    }

    @Test
    void durationsRead() {
        assertEquals("45 s", JobProgress.duration(44.6));
        assertEquals("3 min 5 s", JobProgress.duration(185));
        assertEquals("2 h 10 min", JobProgress.duration(7800));
    }
}
