package dev.questspark.quest;

import java.util.Arrays;

/**
 * Top-k page selection in O(n) expected time (quickselect with a median-of-three pivot, falling back to a sort
 * after too many rounds so the worst case stays O(n log n)). Scores become 64-bit keys (sortable score bits
 * above, the complement of the index below), so every key is distinct, larger keys win, and equal scores go to the
 * lower page index: the selected set is unique, whatever algorithm finds it. NaN scores rank below every number.
 * The native kernel implements the same keys and the same algorithm.
 */
final class PageSelector {
    private PageSelector() {}

    static int select(float[] scores, int off, int n, int k, int[] out, int outOff) {
        if (k <= 0 || n <= 0) {
            return 0;
        }
        if (k >= n) {
            for (int i = 0; i < n; i++) {
                out[outOff + i] = i;
            }
            return n;
        }
        long[] keys = new long[n];
        for (int i = 0; i < n; i++) {
            keys[i] = key(scores[off + i], i);
        }
        partitionLargest(keys, k);
        boolean[] chosen = new boolean[n];
        for (int i = 0; i < k; i++) {
            chosen[indexOf(keys[i])] = true;
        }
        int w = outOff;
        for (int i = 0; i < n; i++) {
            if (chosen[i]) {
                out[w++] = i;
            }
        }
        return k;
    }

    /** The ordering key of page i with score s. */
    static long key(float s, int i) {
        float f = Float.isNaN(s) ? Float.NEGATIVE_INFINITY : s + 0.0f;
        int bits = Float.floatToRawIntBits(f);
        int sortable = bits < 0 ? bits ^ 0x7fffffff : bits;
        return ((long) sortable << 32) | (0xffffffffL - i);
    }

    static int indexOf(long key) {
        return (int) (0xffffffffL - (key & 0xffffffffL));
    }

    /** Rearranges keys so that keys[0, k) are the k largest (in no particular order). */
    static void partitionLargest(long[] keys, int k) {
        int lo = 0;
        int hi = keys.length - 1;
        int target = k - 1;
        int rounds = 2 * (32 - Integer.numberOfLeadingZeros(keys.length)) + 8;
        while (hi > lo) {
            if (rounds-- == 0) {
                sortDescending(keys, lo, hi + 1);
                return;
            }
            long pivot = medianOfThree(keys[lo], keys[(lo + hi) >>> 1], keys[hi]);
            int i = lo;
            int j = hi;
            while (i <= j) {
                while (keys[i] > pivot) {
                    i++;
                }
                while (keys[j] < pivot) {
                    j--;
                }
                if (i <= j) {
                    long t = keys[i];
                    keys[i] = keys[j];
                    keys[j] = t;
                    i++;
                    j--;
                }
            }
            if (target <= j) {
                hi = j;
            } else if (target >= i) {
                lo = i;
            } else {
                return;
            }
        }
    }

    private static long medianOfThree(long a, long b, long c) {
        if (a > b) {
            long t = a;
            a = b;
            b = t;
        }
        return c <= a ? a : Math.min(b, c);
    }

    private static void sortDescending(long[] keys, int from, int to) {
        Arrays.sort(keys, from, to);
        for (int i = from, j = to - 1; i < j; i++, j--) {
            long t = keys[i];
            keys[i] = keys[j];
            keys[j] = t;
        }
    }
}
