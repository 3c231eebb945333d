package dev.questspark.jobs.eval.quality;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Reference-free measures of one summary against its source, over the model's tokens (repetition and copying) and
 * over words (support).
 *
 * @param repeated4gramShare share of the summary's token 4-grams that already occurred earlier in the summary (a
 *                           looping summary is near 1, a clean one 0)
 * @param longestCopy        the longest run of consecutive summary tokens that appears verbatim in the source
 * @param lengthRatio        summary tokens / source tokens
 * @param support            faithfulness proxy: share of the summary's content words (lower-cased, stop words out)
 *                           that occur in the source; invented names, numbers and claims lower it, paraphrase with
 *                           the source's own vocabulary does not (see {@link #support})
 */
public record SummaryMetrics(int summaryTokens, int sourceTokens, double repeated4gramShare, int longestCopy,
                             double lengthRatio, double support) {
    public static SummaryMetrics of(int[] summary, int[] source, String summaryText, String sourceText) {
        return new SummaryMetrics(summary.length, source.length, repeatedNgramShare(summary, 4), longestCopy(summary, source),
                source.length == 0 ? 0 : (double) summary.length / source.length, support(summaryText, sourceText));
    }

    /** Share of n-grams of tokens equal to an earlier n-gram of the same sequence; 0 when there is none. */
    public static double repeatedNgramShare(int[] tokens, int n) {
        int count = tokens.length - n + 1;
        if (count <= 0) {
            return 0;
        }
        Set<List<Integer>> seen = new HashSet<>();
        int repeated = 0;
        for (int i = 0; i < count; i++) {
            if (!seen.add(gram(tokens, i, n))) {
                repeated++;
            }
        }
        return (double) repeated / count;
    }

    /** Length of the longest common substring of the two token sequences (dynamic programming, one row). */
    public static int longestCopy(int[] summary, int[] source) {
        int[] prev = new int[source.length + 1];
        int[] cur = new int[source.length + 1];
        int best = 0;
        for (int s : summary) {
            for (int j = 1; j <= source.length; j++) {
                cur[j] = s == source[j - 1] ? prev[j - 1] + 1 : 0;
                best = Math.max(best, cur[j]);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return best;
    }

    /**
     * Share of the summary's content words found among the source's words; a word also counts when its first five
     * letters start a source word (so "licensed" is supported by "license"). 1 for a summary without content words.
     */
    public static double support(String summary, String source) {
        List<String> words = Words.content(summary);
        if (words.isEmpty()) {
            return 1;
        }
        Set<String> sourceWords = new HashSet<>(Words.content(source));
        Set<String> stems = new HashSet<>();
        sourceWords.forEach(w -> stems.add(Words.stem(w)));
        long supported = words.stream().filter(w -> sourceWords.contains(w) || stems.contains(Words.stem(w))).count();
        return (double) supported / words.size();
    }

    private static List<Integer> gram(int[] t, int from, int n) {
        Integer[] g = new Integer[n];
        for (int k = 0; k < n; k++) {
            g[k] = t[from + k];
        }
        return List.of(g);
    }
}
