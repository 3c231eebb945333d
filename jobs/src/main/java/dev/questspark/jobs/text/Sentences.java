package dev.questspark.jobs.text;

/** Sentence boundaries in generated text. */
public final class Sentences {
    private Sentences() {
    }

    /**
     * The text up to its last complete sentence (ending in . ! or ?, optionally followed by a closing quote or
     * bracket) when it ends mid-sentence, as text cut by a token limit does; the text unchanged when it already ends
     * a sentence or when cutting would leave less than half of it.
     */
    public static String trimToLastComplete(String text) {
        String t = text.strip();
        if (t.isEmpty() || endsSentence(t, t.length())) {
            return t;
        }
        for (int end = t.length() - 1; end >= t.length() / 2; end--) {
            if (endsSentence(t, end) && (end == t.length() || Character.isWhitespace(t.charAt(end)))) {
                return t.substring(0, end).strip();
            }
        }
        return t;
    }

    /**
     * The text's first {@code n} sentences (0: all of it). A sentence ends at . ! or ? (optionally followed by a
     * closing quote or bracket) that white space follows: a period inside a number or a file name does not end one.
     */
    public static String first(String text, int n) {
        String t = text.strip();
        if (n <= 0) {
            return t;
        }
        int seen = 0;
        for (int end = 1; end < t.length(); end++) {
            if (Character.isWhitespace(t.charAt(end)) && endsSentence(t, end) && !Character.isWhitespace(t.charAt(end - 1))
                    && ++seen == n) {
                return t.substring(0, end);
            }
        }
        return t;
    }

    /** Whether the text's first end characters end a sentence. */
    private static boolean endsSentence(String t, int end) {
        int i = end - 1;
        while (i >= 0 && "\"')]\u201d\u2019".indexOf(t.charAt(i)) >= 0) {
            i--;
        }
        return i >= 0 && ".!?".indexOf(t.charAt(i)) >= 0;
    }
}
