package dev.questspark.engine;

import java.util.Arrays;

/**
 * The k largest logits without sorting the vocabulary: a bounded min-heap, O(V log k). Order: descending logit,
 * equal logits by ascending id (so sampling is deterministic).
 */
final class TopK {
    private TopK() {
    }

    /** Ids of the k largest logits, best first. */
    static int[] select(float[] logits, int k) {
        if (k < 1 || k > logits.length) {
            throw new IllegalArgumentException("k must be in [1, " + logits.length + "], got " + k);
        }
        int[] heap = new int[k]; // (k) ids, the worst kept candidate at the root
        int size = 0;
        for (int id = 0; id < logits.length; id++) {
            if (size < k) {
                heap[size] = id;
                up(heap, size++, logits);
            } else if (better(id, heap[0], logits)) {
                heap[0] = id;
                down(heap, k, logits);
            }
        }
        // Pop worst-first into the back of the result.
        int[] out = new int[k];
        for (int i = k - 1; i >= 0; i--) {
            out[i] = heap[0];
            heap[0] = heap[--size];
            down(heap, size, logits);
        }
        return out;
    }

    /** Whether token a ranks before token b. */
    static boolean better(int a, int b, float[] logits) {
        return logits[a] > logits[b] || logits[a] == logits[b] && a < b;
    }

    private static void up(int[] heap, int i, float[] logits) {
        while (i > 0) {
            int parent = (i - 1) / 2;
            if (!better(heap[parent], heap[i], logits)) {
                return;
            }
            swap(heap, i, parent);
            i = parent;
        }
    }

    private static void down(int[] heap, int size, float[] logits) {
        int i = 0;
        while (true) {
            int worst = i;
            int l = 2 * i + 1;
            int r = l + 1;
            if (l < size && better(heap[worst], heap[l], logits)) {
                worst = l;
            }
            if (r < size && better(heap[worst], heap[r], logits)) {
                worst = r;
            }
            if (worst == i) {
                return;
            }
            swap(heap, i, worst);
            i = worst;
        }
    }

    private static void swap(int[] a, int i, int j) {
        int t = a[i];
        a[i] = a[j];
        a[j] = t;
    }

    /** The slow twin: every id sorted. */
    static int[] sortAll(float[] logits, int k) {
        Integer[] ids = new Integer[logits.length];
        Arrays.setAll(ids, i -> i);
        Arrays.sort(ids, (a, b) -> better(a, b, logits) ? -1 : better(b, a, logits) ? 1 : 0);
        return Arrays.stream(ids, 0, k).mapToInt(Integer::intValue).toArray();
    }
}
