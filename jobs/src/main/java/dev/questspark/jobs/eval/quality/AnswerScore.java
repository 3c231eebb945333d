package dev.questspark.jobs.eval.quality;

import java.text.Normalizer;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Scores of a generated answer against gold answer spans, as in SQuAD: both sides are normalized (lower case,
 * punctuation and the articles a/an/the removed, whitespace collapsed); exact match wants the normalized answer equal
 * to a normalized gold span, containment wants a normalized gold span inside the normalized answer (a correct fact
 * in a longer sentence still counts, a wrong one does not).
 */
public final class AnswerScore {
    private static final Pattern PUNCTUATION = Pattern.compile("[\\p{P}\\p{S}]");
    private static final Pattern ARTICLES = Pattern.compile("\\b(a|an|the)\\b");
    private static final Pattern SPACES = Pattern.compile("\\s+");

    private AnswerScore() {
    }

    public static String normalize(String s) {
        String t = Normalizer.normalize(s, Normalizer.Form.NFKC).toLowerCase(Locale.ROOT);
        t = PUNCTUATION.matcher(t).replaceAll(" ");
        t = ARTICLES.matcher(t).replaceAll(" ");
        return SPACES.matcher(t).replaceAll(" ").strip();
    }

    public static boolean exactMatch(String answer, List<String> gold) {
        String a = normalize(answer == null ? "" : answer);
        return gold.stream().anyMatch(g -> normalize(g).equals(a));
    }

    public static boolean contains(String answer, List<String> gold) {
        String a = " " + normalize(answer == null ? "" : answer) + " ";
        return gold.stream().map(AnswerScore::normalize).filter(g -> !g.isEmpty())
                .anyMatch(g -> a.contains(" " + g + " "));
    }
}
