package dev.questspark.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Cuts special token texts out of the input before the model's tokenizer runs on what remains. Following llama.cpp,
 * each special token in turn (longest UTF-8 text first) splits every still-raw fragment at all its occurrences;
 * user-defined tokens are always matched, control and unknown tokens only when special parsing is on.
 */
final class SpecialTokenSplitter {
    /** A piece of the input: a special token ({@code token >= 0}) or the raw text {@code [start, end)}. */
    record Fragment(int token, int start, int end) {
        boolean isToken() {
            return token >= 0;
        }

        static Fragment raw(int start, int end) {
            return new Fragment(-1, start, end);
        }
    }

    private final Vocabulary vocab;
    private final int[] candidates; // ids of control, user-defined and unknown tokens, longest text first

    SpecialTokenSplitter(Vocabulary vocab) {
        this.vocab = vocab;
        int mask = Vocabulary.ATTR_CONTROL | Vocabulary.ATTR_USER_DEFINED | Vocabulary.ATTR_UNKNOWN;
        this.candidates = IntStream.range(0, vocab.size())
                .filter(id -> (vocab.attrs(id) & mask) != 0)
                .boxed()
                .sorted(Comparator.comparingInt((Integer id) -> -vocab.text(id).getBytes(StandardCharsets.UTF_8).length)
                        .thenComparingInt(id -> id))
                .mapToInt(Integer::intValue)
                .toArray();
    }

    List<Fragment> split(String text, boolean parseSpecial) {
        List<Fragment> fragments = new ArrayList<>();
        if (text.isEmpty()) {
            return fragments;
        }
        fragments.add(Fragment.raw(0, text.length()));
        int skipped = parseSpecial ? 0 : (Vocabulary.ATTR_CONTROL | Vocabulary.ATTR_UNKNOWN);
        for (int id : candidates) {
            if ((vocab.attrs(id) & skipped) != 0) {
                continue;
            }
            String special = vocab.text(id);
            if (text.indexOf(special) < 0) {
                continue;
            }
            fragments = splitOn(text, fragments, id, special);
        }
        return fragments;
    }

    private static List<Fragment> splitOn(String text, List<Fragment> fragments, int id, String special) {
        IntList starts = occurrences(text, special);
        int len = special.length();
        int k = 0;
        List<Fragment> out = new ArrayList<>(fragments.size() + 4);
        for (Fragment f : fragments) {
            if (f.isToken()) {
                out.add(f);
                continue;
            }
            int pos = f.start();
            while (true) {
                while (k < starts.size() && starts.get(k) < pos) {
                    k++;
                }
                if (k == starts.size() || starts.get(k) + len > f.end()) {
                    break;
                }
                int match = starts.get(k);
                if (match > pos) {
                    out.add(Fragment.raw(pos, match));
                }
                out.add(new Fragment(id, match, match + len));
                pos = match + len;
            }
            if (pos < f.end()) {
                out.add(Fragment.raw(pos, f.end()));
            }
        }
        return out;
    }

    /** Every start of {@code special} in {@code text}, overlapping ones included, in increasing order. */
    private static IntList occurrences(String text, String special) {
        IntList starts = new IntList();
        for (int i = text.indexOf(special); i >= 0; i = text.indexOf(special, i + 1)) {
            starts.add(i);
        }
        return starts;
    }
}
