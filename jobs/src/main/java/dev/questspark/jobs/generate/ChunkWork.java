package dev.questspark.jobs.generate;

import java.io.Serializable;

/**
 * One model call of the split summarize (see {@link ChunkGenerator}), or a document's error when no call is left
 * to make. A document's calls are numbered as one task would make them (level 0's chunks first), so each call
 * gets the same sampling seed wherever it runs.
 *
 * @param key        the document's row key
 * @param level      0 for the document's own chunks, n for the summaries of level n - 1
 * @param index      the chunk's place in its level
 * @param count      chunks of the level
 * @param last       whether this call's output is the document's summary (its level fits in one call)
 * @param tokens     the chunk's tokens (the document part of the prompt); empty for an error
 * @param rowSeed    the document's seed ({@link Seeds#forRow})
 * @param call       the call's number in the document's sequence of calls
 * @param textLength tokens of the whole text this level summarizes
 * @param chunks     chunks of level 0 (the row's chunks statistic)
 * @param error      why the document has no summary, or null
 */
public record ChunkWork(long key, int level, int index, int count, boolean last, int[] tokens, long rowSeed, int call,
                        int textLength, int chunks, String error) implements Serializable {
    static ChunkWork error(long key, int level, int call, int chunks, String error) {
        return new ChunkWork(key, level, 0, 1, true, new int[0], 0L, call, 0, chunks, error);
    }

    public boolean failed() {
        return error != null;
    }
}
