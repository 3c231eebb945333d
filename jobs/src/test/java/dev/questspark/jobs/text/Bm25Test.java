package dev.questspark.jobs.text;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class Bm25Test {
    private static final List<String> CHUNKS = List.of(
            "The committee met on Tuesday to discuss the budget of the new library.",
            "A lighthouse keeper named Ada kept the lamp burning through the storm.",
            "The budget was approved after a long debate about the library roof.",
            "Nothing in this chunk is about anything asked.");

    @Test
    void termsAreLowerCaseWordsWithoutStopWords() {
        assertEquals(List.of("lighthouse", "keeper", "ada", "42", "café"), Bm25.terms("The Lighthouse-keeper, Ada; 42 café!"));
    }

    @Test
    void ranksTheChunkThatMatchesRareQueryTermsFirst() {
        int[] ranked = Bm25.rank(Bm25.scoreTexts(CHUNKS, "Who kept the lighthouse lamp?"));
        assertEquals(1, ranked[0]);
        ranked = Bm25.rank(Bm25.scoreTexts(CHUNKS, "When was the library budget approved?"));
        assertEquals(2, ranked[0], "approved appears only in chunk 2");
        assertEquals(0, ranked[1]);
    }

    @Test
    void tiesKeepDocumentOrder() {
        assertArrayEquals(new int[]{0, 1, 2, 3}, Bm25.rank(Bm25.scoreTexts(CHUNKS, "zebra")));
    }

    @Test
    void matchesTheTextbookFormulaOnASmallCase() {
        // Two chunks of 2 and 4 terms; query term "x" appears once in the first only.
        double[] s = Bm25.scores(List.of(List.of("x", "y"), List.of("y", "z", "z", "w")), List.of("x"));
        double idf = Math.log(1 + (2 - 1 + 0.5) / (1 + 0.5));
        double norm = 2 / 3.0;
        double expected = idf * 1 * 2.2 / (1 + 1.2 * (1 - 0.75 + 0.75 * norm));
        assertEquals(expected, s[0], 1e-12);
        assertEquals(0, s[1]);
        assertTrue(s[0] > 0);
    }
}
