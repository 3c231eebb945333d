package dev.questspark.tokenizer;

/** Unicode classes used by the pre-tokenizers, with the meanings of \p{L}, \p{N} and \s in llama.cpp. */
final class Codepoints {
    private Codepoints() {
    }

    /** \p{L}: general categories Lu, Ll, Lt, Lm, Lo. */
    static boolean isLetter(int cp) {
        return Character.isLetter(cp);
    }

    /** \p{N}: general categories Nd, Nl, No. */
    static boolean isNumber(int cp) {
        int t = Character.getType(cp);
        return t == Character.DECIMAL_DIGIT_NUMBER || t == Character.LETTER_NUMBER || t == Character.OTHER_NUMBER;
    }

    /** \s: the Unicode White_Space property (not Java's isWhitespace, which differs on U+00A0 and U+001C..1F). */
    static boolean isWhitespace(int cp) {
        if (cp <= 0x20) {
            return cp == 0x20 || (cp >= 0x09 && cp <= 0x0D);
        }
        if (cp < 0x85) {
            return false;
        }
        return cp == 0x85 || cp == 0xA0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028
                || cp == 0x2029 || cp == 0x202F || cp == 0x205F || cp == 0x3000;
    }

    /** \p{P}: general categories Pc, Pd, Ps, Pe, Pi, Pf, Po. */
    static boolean isPunctuation(int cp) {
        switch (Character.getType(cp)) {
            case Character.CONNECTOR_PUNCTUATION:
            case Character.DASH_PUNCTUATION:
            case Character.START_PUNCTUATION:
            case Character.END_PUNCTUATION:
            case Character.INITIAL_QUOTE_PUNCTUATION:
            case Character.FINAL_QUOTE_PUNCTUATION:
            case Character.OTHER_PUNCTUATION:
                return true;
            default:
                return false;
        }
    }

    /**
     * The code points of {@code s}. An unpaired surrogate becomes U+FFFD, as invalid UTF-8 does in llama.cpp, so
     * that every code point has a UTF-8 encoding.
     */
    static int[] of(String s) {
        int[] out = new int[s.length()];
        int n = 0;
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            i += Character.charCount(cp);
            out[n++] = Character.isSurrogate((char) cp) && cp < 0x10000 ? 0xFFFD : cp;
        }
        return n == out.length ? out : java.util.Arrays.copyOf(out, n);
    }
}
