package dev.questspark.tokenizer;

/**
 * One stage of splitting text into words before byte-pair merging. A stage covers its whole input: the pieces it
 * matches and the gaps between them are all emitted, as llama.cpp keeps the unmatched text between regex matches.
 */
interface PreTokenizer {
    /** Splits the code points {@code cps[from, to)} and appends each piece's length (in code points), in order. */
    void split(int[] cps, int from, int to, IntList lengths);

    /** Where the piece starting at pos ends (exclusive, after pos), within cps[pos, to). */
    interface PieceEnd {
        int end(int[] cps, int pos, int to);
    }

    /** Splits cps[from, to) into consecutive pieces, each ending where pieceEnd says, and appends their lengths. */
    static void splitPieces(int[] cps, int from, int to, IntList lengths, PieceEnd pieceEnd) {
        int pos = from;
        while (pos < to) {
            int end = pieceEnd.end(cps, pos, to);
            lengths.add(end - pos);
            pos = end;
        }
    }
}
