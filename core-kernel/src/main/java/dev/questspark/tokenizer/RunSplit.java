package dev.questspark.tokenizer;

import java.util.function.IntPredicate;

/**
 * The regex {@code [class]{min,max}} as a split: matches are found left to right (greedy, at most {@code max} long),
 * and the text between matches is kept as one piece. {@code \p{N}} is (1, 1), {@code \p{N}+} is (1, unbounded) and
 * {@code [0-9][0-9][0-9]} is (3, 3), where a shorter digit run stays part of the gap around it.
 */
final class RunSplit implements PreTokenizer {
    private final IntPredicate member;
    private final int min;
    private final int max;

    RunSplit(IntPredicate member, int min, int max) {
        this.member = member;
        this.min = min;
        this.max = max;
    }

    @Override
    public void split(int[] cps, int from, int to, IntList lengths) {
        int gapStart = from;
        int pos = from;
        while (pos < to) {
            int run = 0;
            while (pos + run < to && run < max && member.test(cps[pos + run])) {
                run++;
            }
            if (run < min) {
                pos++;
                continue;
            }
            if (pos > gapStart) {
                lengths.add(pos - gapStart);
            }
            lengths.add(run);
            pos += run;
            gapStart = pos;
        }
        if (to > gapStart) {
            lengths.add(to - gapStart);
        }
    }
}
