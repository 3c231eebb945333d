package dev.questspark.tokenizer;

/**
 * One stage of splitting text into words before byte-pair merging. A stage covers its whole input: the pieces it
 * matches and the gaps between them are all emitted, as llama.cpp keeps the unmatched text between regex matches.
 */
interface PreTokenizer {
    /** Splits the code points {@code cps[from, to)} and appends each piece's length (in code points), in order. */
    void split(int[] cps, int from, int to, IntList lengths);
}
