package dev.questspark.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

/** The queue-based merge loop against the textbook loop (merge the best-ranked, leftmost pair until none is left). */
class ByteLevelBpeMergeTokenizerTest {

    @Test
    void mergesInRankOrder() {
        BpeMerger m = new BpeMerger(new String[] {"a b", "b c", "ab c", "c c"});
        assertEquals(List.of("abc"), m.merge("abc"));
        assertEquals(List.of("abc", "c"), m.merge("abcc"));
        assertEquals(List.of("b", "cc"), new BpeMerger(new String[] {"c c", "b c"}).merge("bcc"));
        assertEquals(List.of("x"), m.merge("x"));
        assertEquals(List.of(), m.merge(""));
    }

    @Test
    void equalPairsMergeLeftToRight() {
        BpeMerger m = new BpeMerger(new String[] {"a a"});
        assertEquals(List.of("aa", "aa", "a"), m.merge("aaaaa"));
    }

    @Test
    void mergeOfASpaceSymbolParses() {
        // Only the first space after the first character separates the sides.
        BpeMerger m = new BpeMerger(new String[] {"  x"});
        assertEquals(List.of(" x"), m.merge(" x"));
    }

    @Test
    void queueLoopEqualsTextbookLoop() {
        Random rnd = new Random(7);
        for (int trial = 0; trial < 200; trial++) {
            String[] merges = randomMerges(rnd, 60);
            BpeMerger m = new BpeMerger(merges);
            for (int w = 0; w < 200; w++) {
                StringBuilder sb = new StringBuilder();
                int len = 1 + rnd.nextInt(16);
                for (int i = 0; i < len; i++) {
                    sb.append("abcdé".charAt(rnd.nextInt(5)));
                }
                String word = sb.toString();
                assertEquals(textbook(m, word), m.merge(word), () -> "merge of " + word);
            }
        }
    }

    /** Random merges over a small alphabet, each joining two symbols that exist by then. */
    private static String[] randomMerges(Random rnd, int n) {
        List<String> symbols = new ArrayList<>(List.of("a", "b", "c", "d", "é"));
        String[] merges = new String[n];
        for (int i = 0; i < n; i++) {
            String l = symbols.get(rnd.nextInt(symbols.size()));
            String r = symbols.get(rnd.nextInt(symbols.size()));
            merges[i] = l + " " + r;
            symbols.add(l + r);
        }
        return merges;
    }

    private static List<String> textbook(BpeMerger m, String word) {
        List<String> s = new ArrayList<>();
        word.codePoints().forEach(cp -> s.add(new String(Character.toChars(cp))));
        while (true) {
            int best = -1;
            int bestRank = Integer.MAX_VALUE;
            for (int i = 0; i + 1 < s.size(); i++) {
                int r = m.rank(s.get(i), s.get(i + 1));
                if (r >= 0 && r < bestRank) {
                    bestRank = r;
                    best = i;
                }
            }
            if (best < 0) {
                return s;
            }
            s.set(best, s.get(best) + s.remove(best + 1));
        }
    }
}
