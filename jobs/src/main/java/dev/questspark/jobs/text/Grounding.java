package dev.questspark.jobs.text;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Keeps a short answer to a factual question grounded in its document. A small model often repeats the question or
 * states a name or date the text does not hold; such an answer is replaced by the document's sentence that BM25 ranks
 * best for the question, which holds the fact far more often than the model's guess (docs/RESULTS.md, QA).
 */
public final class Grounding {
    /** Share of an answer's content words that must occur in the document for it to count as found there. */
    static final double SUPPORT = 0.8;
    private static final Pattern SENTENCE_END = Pattern.compile("(?<=[.;:!?])\\s+|\\n\\s*\\n");

    /** The answer given, and when it is the document's sentence, why. */
    public record Answer(String text, String note) {
    }

    private Grounding() {
    }

    /** The short answer when it is grounded; otherwise the best sentence of the document, with a note. */
    public static Answer check(String question, String answer, String document) {
        if (grounded(question, answer, document)) {
            return new Answer(answer, null);
        }
        String sentence = bestSentence(question, document);
        if (sentence == null) {
            return new Answer(answer, null);
        }
        return new Answer(sentence, "the model's answer '" + abbreviate(answer) + "' was not found in the document or only"
                + " repeated the question; the answer is the document's sentence that BM25 ranks best for the question");
    }

    /** Whether most of the answer's content words occur in the document and not all of them come from the question. */
    static boolean grounded(String question, String answer, String document) {
        List<String> words = Bm25.terms(answer);
        if (words.isEmpty()) {
            return false;
        }
        Set<String> asked = new HashSet<>(Bm25.terms(question));
        if (asked.containsAll(words)) {
            return false;
        }
        Set<String> text = new HashSet<>(Bm25.terms(document));
        long found = words.stream().filter(text::contains).count();
        return found >= SUPPORT * words.size();
    }

    /** The document's sentence with the highest BM25 score for the question, whitespace collapsed; null if none scores. */
    static String bestSentence(String question, String document) {
        List<String> sentences = new ArrayList<>();
        for (String s : SENTENCE_END.split(document)) {
            String t = s.strip().replaceAll("\\s+", " ");
            if (!t.isEmpty()) {
                sentences.add(t);
            }
        }
        if (sentences.isEmpty()) {
            return null;
        }
        double[] scores = Bm25.scoreTexts(sentences, question);
        int best = Bm25.rank(scores)[0];
        return scores[best] > 0 ? sentences.get(best) : null;
    }

    private static String abbreviate(String s) {
        String t = s.replaceAll("\\s+", " ").strip();
        return t.length() <= 80 ? t : t.substring(0, 77) + "...";
    }
}
