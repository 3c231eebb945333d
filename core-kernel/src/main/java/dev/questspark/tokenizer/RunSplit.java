package dev.questspark.tokenizer;

import java.util.function.IntPredicate;

/**
 * Isolates runs of code points matching a class, cut into pieces of at most {@code maxRun}; the text between runs is
 * kept as one piece. With maxRun 1 this is the regex {@code \p{N}}; with {@code [0-9]} and 3 it is
 * {@code [0-9][0-9][0-9]} (a shorter leftover run is a gap, which is kept whole just the same).
 */
final class RunSplit implements PreTokenizer {
    private final IntPredicate member;
    private final int maxRun;

    RunSplit(IntPredicate member, int maxRun) {
        this.member = member;
        this.maxRun = maxRun;
    }

    @Override
    public void split(int[] cps, int from, int to, IntList lengths) {
        int pos = from;
        while (pos < to) {
            int start = pos;
            if (member.test(cps[pos])) {
                while (pos < to && pos - start < maxRun && member.test(cps[pos])) {
                    pos++;
                }
            } else {
                while (pos < to && !member.test(cps[pos])) {
                    pos++;
                }
            }
            lengths.add(pos - start);
        }
    }
}
