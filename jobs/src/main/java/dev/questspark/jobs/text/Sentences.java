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

    /** Whether the text's first end characters end a sentence. */
    private static boolean endsSentence(String t, int end) {
        int i = end - 1;
        while (i >= 0 && "\"')]\u201d\u2019".indexOf(t.charAt(i)) >= 0) {
            i--;
        }
        return i >= 0 && ".!?".indexOf(t.charAt(i)) >= 0;
    }
}
