package dev.questspark.tokenizer;

/**
 * The Llama 3 split {@code (?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}|
 * ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+}, scanned by hand. With {@code maxDigits} 1 it is Qwen2's split
 * (digits one by one).
 */
final class Llama3Split implements PreTokenizer {
    private final int maxDigits;

    Llama3Split(int maxDigits) {
        this.maxDigits = maxDigits;
    }

    @Override
    public void split(int[] cps, int from, int to, IntList lengths) {
        PreTokenizer.splitPieces(cps, from, to, lengths, this::next);
    }

    private int next(int[] cps, int pos, int to) {
        int contraction = Gpt2Split.contractionEnd(cps, pos, to, true);
        if (contraction > 0) {
            return contraction;
        }
        int cp = cps[pos];
        int cls = Gpt2Split.classOf(cps, pos, to);
        // [^\r\n\p{L}\p{N}]?\p{L}+
        if (cp != '\r' && cp != '\n' && cls != Gpt2Split.NUMBER
                && (cls == Gpt2Split.LETTER || Gpt2Split.classOf(cps, pos + 1, to) == Gpt2Split.LETTER)) {
            int end = pos + 1;
            while (Gpt2Split.classOf(cps, end, to) == Gpt2Split.LETTER) {
                end++;
            }
            return end;
        }
        // \p{N}{1,maxDigits}
        if (cls == Gpt2Split.NUMBER) {
            int end = pos;
            while (end - pos < maxDigits && Gpt2Split.classOf(cps, end, to) == Gpt2Split.NUMBER) {
                end++;
            }
            return end;
        }
        // ' ?[^\s\p{L}\p{N}]+[\r\n]*'; a lone space at the end of the piece also ends here.
        int start = cp == ' ' ? pos + 1 : pos;
        int cls2 = Gpt2Split.classOf(cps, start, to);
        if (cls2 == Gpt2Split.OTHER || cls2 == Gpt2Split.NONE) {
            int end = start;
            while (Gpt2Split.classOf(cps, end, to) == Gpt2Split.OTHER) {
                end++;
            }
            while (end < to && (cps[end] == '\r' || cps[end] == '\n')) {
                end++;
            }
            return end;
        }
        // \s*[\r\n]+ : the whitespace run up to its last line break
        int end = pos;
        int afterLastBreak = -1;
        while (end < to && Codepoints.isWhitespace(cps[end])) {
            if (cps[end] == '\r' || cps[end] == '\n') {
                afterLastBreak = end + 1;
            }
            end++;
        }
        if (afterLastBreak > 0) {
            return afterLastBreak;
        }
        return Gpt2Split.whitespaceEnd(cps, pos, to);
    }
}
