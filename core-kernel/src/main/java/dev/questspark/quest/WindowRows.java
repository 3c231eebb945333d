package dev.questspark.quest;

import dev.questspark.kernel.Parallel;
import dev.questspark.model.KvCache;

/**
 * The sliding-window layers of a batched decode step (Gemma 3's local layers): each row attends its own window, and
 * one row's window (one KV head of 512 tokens for Gemma 3 270M) is too small to split over threads, so the rows are
 * the units of one parallel section; a lone row splits its window's pages in halves instead (as a lone decode does).
 * Run one after another, a batch of 8 kept one of two threads waiting for a third of the step. Each row is computed
 * exactly as its cache's own {@link PagedKvCache#attend} computes it alone.
 */
final class WindowRows {
    private WindowRows() {
    }

    /**
     * Attends rows[0 .. count) (row indices of q and out, each qDim floats) of layer, row i over caches[i] at
     * positions[i]; every listed cache is a {@link PagedKvCache} that answered {@link PagedKvCache#windowStep} with true.
     */
    static void attend(Parallel pool, int layer, KvCache[] caches, int[] positions, int[] rows, int count, int qDim,
            float[] q, float[] out) {
        for (int j = 0; j < count; j++) {
            long end = (long) (rows[j] + 1) * qDim;
            if (end > q.length || end > out.length) {
                throw new IllegalArgumentException("row " + rows[j] + " needs q and out of " + end + " floats, got " + q.length
                        + " and " + out.length);
            }
        }
        if (count == 1) { // a lone row (a batch of one): its window's halves on the two threads, as a lone decode
            ((PagedKvCache) caches[rows[0]]).attendWindowSplit(layer, positions[rows[0]], q, rows[0] * qDim, out,
                    rows[0] * qDim);
            return;
        }
        pool.forRange(count, 1, (a, b) -> {
            for (int j = a; j < b; j++) {
                int row = rows[j];
                ((PagedKvCache) caches[row]).attendWindow(layer, positions[row], q, row * qDim, out, row * qDim);
            }
        });
    }
}
