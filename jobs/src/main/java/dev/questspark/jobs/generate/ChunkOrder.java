package dev.questspark.jobs.generate;

import java.io.Serializable;

/**
 * The chunks of a long document ranked for one question by an earlier stage (the split QA routing, see
 * {@code SplitQa}): used when the row's answer cuts the document into the same chunks, chunkTokens long.
 *
 * @param order chunk indices, best first
 */
public record ChunkOrder(int chunkTokens, int[] order) implements Serializable {
    /** Whether this ranks the given number of chunks of size chunkTokens: every index once. */
    boolean ranks(int chunks, int size) {
        if (size != chunkTokens || order.length != chunks) {
            return false;
        }
        boolean[] seen = new boolean[chunks];
        for (int i : order) {
            if (i < 0 || i >= chunks || seen[i]) {
                return false;
            }
            seen[i] = true;
        }
        return true;
    }
}
