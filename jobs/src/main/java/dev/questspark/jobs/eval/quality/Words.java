package dev.questspark.jobs.eval.quality;

import dev.questspark.jobs.text.Bm25;

import java.util.List;

/** Content words of a text for the support measure: BM25's terms (lower-cased letter/digit runs, stop words out). */
final class Words {
    private static final int STEM = 5;

    private Words() {
    }

    static List<String> content(String text) {
        return Bm25.terms(text == null ? "" : text);
    }

    /** A crude stem: the first five characters (numbers are kept whole, so 30 and 3000 differ). */
    static String stem(String word) {
        return word.chars().allMatch(Character::isDigit) || word.length() <= STEM ? word : word.substring(0, STEM);
    }
}
