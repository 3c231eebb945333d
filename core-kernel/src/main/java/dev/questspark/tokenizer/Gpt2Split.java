package dev.questspark.tokenizer;

/**
 * The GPT-2 split {@code 's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+}, scanned by
 * hand. The lookahead sees only this piece: whitespace at its end is kept whole, as in llama.cpp where each earlier
 * stage's piece is split on its own.
 */
final class Gpt2Split implements PreTokenizer {
    static final int LETTER = 1;
    static final int NUMBER = 2;
    static final int SPACE = 3;
    static final int OTHER = 4;
    static final int NONE = 0;

    static int classOf(int[] cps, int pos, int to) {
        if (pos >= to) {
            return NONE;
        }
        int cp = cps[pos];
        if (Codepoints.isWhitespace(cp)) {
            return SPACE;
        }
        if (Codepoints.isLetter(cp)) {
            return LETTER;
        }
        if (Codepoints.isNumber(cp)) {
            return NUMBER;
        }
        return OTHER;
    }

    @Override
    public void split(int[] cps, int from, int to, IntList lengths) {
        PreTokenizer.splitPieces(cps, from, to, lengths, Gpt2Split::next);
    }

    private static int next(int[] cps, int pos, int to) {
        int contraction = contractionEnd(cps, pos, to, false);
        if (contraction > 0) {
            return contraction;
        }
        int cp = cps[pos];
        int start = cp == ' ' ? pos + 1 : pos;
        int cls = classOf(cps, start, to);
        if (cls == LETTER || cls == NUMBER || cls == OTHER) {
            int end = start;
            while (classOf(cps, end, to) == cls) {
                end++;
            }
            return end;
        }
        return whitespaceEnd(cps, pos, to);
    }

    /**
     * End of {@code 's|'t|'re|'ve|'m|'ll|'d} at {@code pos}, or 0. With {@code anyCase} the letters match in either
     * case, as in {@code (?i:...)}.
     */
    static int contractionEnd(int[] cps, int pos, int to, boolean anyCase) {
        if (cps[pos] != '\'' || pos + 1 >= to) {
            return 0;
        }
        int a = anyCase ? Character.toLowerCase(cps[pos + 1]) : cps[pos + 1];
        if (a == 's' || a == 't' || a == 'm' || a == 'd') {
            return pos + 2;
        }
        if (pos + 2 < to) {
            int b = anyCase ? Character.toLowerCase(cps[pos + 2]) : cps[pos + 2];
            if ((a == 'r' && b == 'e') || (a == 'v' && b == 'e') || (a == 'l' && b == 'l')) {
                return pos + 3;
            }
        }
        return 0;
    }

    /**
     * {@code \s+(?!\S)|\s+} at {@code pos}: a whitespace run followed by more text gives back its last character
     * (which then starts the next word); at the end of the piece the run is taken whole. A non-whitespace character
     * that no other branch took is a piece by itself.
     */
    static int whitespaceEnd(int[] cps, int pos, int to) {
        int end = pos;
        while (end < to && Codepoints.isWhitespace(cps[end])) {
            end++;
        }
        int run = end - pos;
        if (run > 1 && end < to) {
            return end - 1;
        }
        return run > 0 ? end : pos + 1;
    }
}
