package dev.questspark.quest;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The key pass of a rerank shared by the forks of one document in a batched step ({@link SharedPageAttention}): the
 * largest logit of each document page for every query row of every fork at once, one read of a page's keys instead
 * of one per fork. At 32K a rerank of 16 x the budget's pages reads nearly every page, 16 MB of keys per global layer
 * and sequence. Each fork's rerank then takes its pages' maxima from this table ({@link AttentionExecutor#useSharedMaxima});
 * the kernel computes each query row alone, so they are the bits its own pass would give. One thread at a time.
 */
final class SharedRerank {
    private final int qDim;
    private final List<float[][]> maxima = new ArrayList<>(); // per document of a step (slot): (kvHeads, pages x rows)
    private int[] pageIds = new int[0]; // 0, 1, 2, ...
    private final AtomicLong pagesRead = new AtomicLong();

    SharedRerank(int qDim) {
        this.qDim = qDim;
    }

    /** (KV head, page) pairs whose keys the passes read so far. */
    long pagesRead() {
        return pagesRead.get();
    }

    /**
     * Computes the maxima of the document pages below every fork's split and candidates for the forks at positions doc
     * of rows and hands them to the forks' executors (until their clearSharedMaxima), as the slot-th document of the
     * step. Only when the forks' reranks read at least half of those pages between them: else the pass would compute
     * more logits than they do (a rerank of 4 x k reads a quarter of the pages at 32K). Returns whether it ran.
     */
    boolean pass(int layer, int[] positions, List<Integer> rows, List<Integer> doc, AttentionExecutor[] ex, float[] q, int slot) {
        AttentionExecutor first = ex[doc.get(0)];
        int pages = sharedPages(layer, positions, rows, doc, ex);
        long wanted = 0;
        for (int i : doc) {
            wanted += ex[i].rerankPoolAt(positions[rows.get(i)] + 1);
        }
        if (pages <= 0 || wanted * 2 < (long) pages * doc.size()) {
            return false;
        }
        int group = first.group();
        int stride = doc.size() * group;
        float[][] table = table(slot, first.kvHeadCount(), pages * stride);
        float[][] qg = gather(q, rows, doc, first, stride);
        int[] ids = pageIds(pages);
        int chunk = AttentionExecutor.RERANK_CHUNK_PAGES;
        int chunks = (pages + chunk - 1) / chunk;
        first.pool().forRangeBalanced(table.length * chunks, (a, b) -> {
            for (int w = a; w < b; w++) {
                int h = w / chunks;
                int from = (w % chunks) * chunk;
                int count = Math.min(chunk, pages - from);
                first.kernel().pageMaxLogits(first.head(layer, h), ids, from, count, qg[h], 0, stride, table[h], from * stride);
            }
        });
        for (int k = 0; k < doc.size(); k++) {
            ex[doc.get(k)].useSharedMaxima(table, pages, stride, k * group);
        }
        pagesRead.addAndGet((long) pages * table.length);
        return true;
    }

    /** Pages below the split and the candidates of every fork at positions doc of rows: the document's, all ranked. */
    private static int sharedPages(int layer, int[] positions, List<Integer> rows, List<Integer> doc, AttentionExecutor[] ex) {
        int pages = Integer.MAX_VALUE;
        for (int i : doc) {
            int candidates = positions[rows.get(i)] / ex[i].quest().pageSize(); // (context - 1) / pageSize
            pages = Math.min(pages, Math.min(candidates, ex[i].head(layer, 0).split()));
        }
        return pages;
    }

    /** Each KV head's query rows of the forks at positions doc of rows, fork after fork (stride rows). */
    private float[][] gather(float[] q, List<Integer> rows, List<Integer> doc, AttentionExecutor first, int stride) {
        int d = first.headDim();
        int group = first.group();
        float[][] qg = new float[first.kvHeadCount()][stride * d];
        for (int h = 0; h < qg.length; h++) {
            for (int k = 0; k < doc.size(); k++) {
                System.arraycopy(q, rows.get(doc.get(k)) * qDim + h * group * d, qg[h], k * group * d, group * d);
            }
        }
        return qg;
    }

    /** The slot-th document's table, kvHeads x floats at least, kept from step to step. */
    private float[][] table(int slot, int kvHeads, int floats) {
        while (maxima.size() <= slot) {
            maxima.add(new float[0][]);
        }
        float[][] t = maxima.get(slot);
        if (t.length != kvHeads || t[0].length < floats) {
            t = new float[kvHeads][floats];
            maxima.set(slot, t);
        }
        return t;
    }

    private int[] pageIds(int pages) {
        if (pageIds.length < pages) {
            pageIds = new int[Math.max(pages, 2 * pageIds.length)];
            for (int i = 0; i < pageIds.length; i++) {
                pageIds[i] = i;
            }
        }
        return pageIds;
    }
}
