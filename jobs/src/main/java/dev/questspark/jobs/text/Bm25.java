package dev.questspark.jobs.text;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * Okapi BM25 over the words of a document's chunks, to choose the chunks of a long document that a question is
 * about. Words are lower-cased letter/digit runs without common English stop words.
 */
public final class Bm25 {
    private static final double K1 = 1.2;
    private static final double B = 0.75;
    private static final Set<String> STOP_WORDS = Set.of("a", "an", "and", "are", "as", "at", "be", "by", "did", "do",
            "does", "for", "from", "has", "have", "he", "her", "his", "how", "i", "in", "is", "it", "its", "of", "on",
            "or", "she", "that", "the", "their", "there", "they", "this", "to", "was", "were", "what", "when", "where",
            "which", "who", "whom", "why", "will", "with", "you");

    private Bm25() {
    }

    public static List<String> terms(String text) {
        List<String> out = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        text.codePoints().forEach(cp -> {
            if (Character.isLetterOrDigit(cp)) {
                word.appendCodePoint(Character.toLowerCase(cp));
            } else {
                flush(word, out);
            }
        });
        flush(word, out);
        return out;
    }

    private static void flush(StringBuilder word, List<String> out) {
        if (word.length() > 0) {
            String w = word.toString().toLowerCase(Locale.ROOT);
            if (!STOP_WORDS.contains(w)) {
                out.add(w);
            }
            word.setLength(0);
        }
    }

    /** The BM25 score of each chunk for the query terms. */
    public static double[] scores(List<List<String>> chunks, List<String> query) {
        int n = chunks.size();
        double avgLength = chunks.stream().mapToInt(List::size).average().orElse(0);
        Map<String, Integer> documentFrequency = new HashMap<>();
        List<Map<String, Integer>> termFrequencies = new ArrayList<>(n);
        for (List<String> chunk : chunks) {
            Map<String, Integer> tf = new HashMap<>();
            chunk.forEach(t -> tf.merge(t, 1, Integer::sum));
            tf.keySet().forEach(t -> documentFrequency.merge(t, 1, Integer::sum));
            termFrequencies.add(tf);
        }
        double[] scores = new double[n];
        for (String term : query.stream().distinct().toList()) {
            int df = documentFrequency.getOrDefault(term, 0);
            if (df == 0) {
                continue;
            }
            double idf = Math.log(1 + (n - df + 0.5) / (df + 0.5));
            for (int i = 0; i < n; i++) {
                int tf = termFrequencies.get(i).getOrDefault(term, 0);
                if (tf > 0) {
                    double norm = avgLength == 0 ? 1 : chunks.get(i).size() / avgLength;
                    scores[i] += idf * tf * (K1 + 1) / (tf + K1 * (1 - B + B * norm));
                }
            }
        }
        return scores;
    }

    /** Chunk indices from the highest score down; equal scores keep document order, so ranking is deterministic. */
    public static int[] rank(double[] scores) {
        return IntStream.range(0, scores.length).boxed()
                .sorted(Comparator.<Integer>comparingDouble(i -> -scores[i]).thenComparingInt(i -> i))
                .mapToInt(Integer::intValue).toArray();
    }

    /** Convenience for tests and logs: the scores of query text against chunk texts. */
    public static double[] scoreTexts(List<String> chunkTexts, String query) {
        return scores(chunkTexts.stream().map(Bm25::terms).toList(), terms(query));
    }
}
