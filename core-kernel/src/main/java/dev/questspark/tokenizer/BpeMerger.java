package dev.questspark.tokenizer;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * Byte-pair merging of one word with ranked merges ({@code tokenizer.ggml.merges}, lines "left right", earlier is
 * preferred). A priority queue holds candidate pairs by (rank, position); a pair whose sides changed since it was
 * queued is skipped, which gives the same result as repeatedly merging the best-ranked, leftmost pair.
 */
final class BpeMerger {
    private record Pair(String left, String right) {
    }

    private record Candidate(int left, int right, int rank, String text) {
    }

    private final Map<Pair, Integer> ranks;

    BpeMerger(String[] merges) {
        ranks = new HashMap<>(merges.length * 2);
        for (int i = 0; i < merges.length; i++) {
            String m = merges[i];
            // Split at the first space after the first character, so that a merge of a space itself still parses.
            int space = m.indexOf(' ', 1);
            Pair p = space < 0 ? new Pair("", "") : new Pair(m.substring(0, space), m.substring(space + 1));
            ranks.putIfAbsent(p, i);
        }
    }

    /** The rank of merging {@code left} and {@code right}, or -1 when there is no such merge. */
    int rank(String left, String right) {
        Integer r = ranks.get(new Pair(left, right));
        return r == null ? -1 : r;
    }

    /** Merges {@code word} (one symbol per code point to start with); returns the final symbols in order. */
    List<String> merge(String word) {
        int[] cps = word.codePoints().toArray();
        int n = cps.length;
        String[] text = new String[n];
        int[] prev = new int[n];
        int[] next = new int[n];
        for (int i = 0, off = 0; i < n; i++) {
            int len = Character.charCount(cps[i]);
            text[i] = word.substring(off, off + len);
            off += len;
            prev[i] = i - 1;
            next[i] = i + 1 < n ? i + 1 : -1;
        }
        PriorityQueue<Candidate> queue = new PriorityQueue<>(Math.max(1, n),
                (a, b) -> a.rank != b.rank ? Integer.compare(a.rank, b.rank) : Integer.compare(a.left, b.left));
        for (int i = 1; i < n; i++) {
            offer(queue, text, i - 1, i);
        }
        while (!queue.isEmpty()) {
            Candidate c = queue.poll();
            String l = text[c.left];
            String r = text[c.right];
            if (l == null || r == null || !c.text.equals(l + r)) {
                continue;
            }
            text[c.left] = c.text;
            text[c.right] = null;
            next[c.left] = next[c.right];
            if (next[c.right] >= 0) {
                prev[next[c.right]] = c.left;
            }
            offer(queue, text, prev[c.left], c.left);
            offer(queue, text, c.left, next[c.left]);
        }
        List<String> out = new ArrayList<>();
        for (int i = n == 0 ? -1 : 0; i >= 0; i = next[i]) {
            out.add(text[i]);
        }
        return out;
    }

    private void offer(PriorityQueue<Candidate> queue, String[] text, int left, int right) {
        if (left < 0 || right < 0) {
            return;
        }
        int rank = rank(text[left], text[right]);
        if (rank >= 0) {
            queue.add(new Candidate(left, right, rank, text[left] + text[right]));
        }
    }
}
