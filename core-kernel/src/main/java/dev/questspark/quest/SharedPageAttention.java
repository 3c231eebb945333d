package dev.questspark.quest;

import dev.questspark.kernel.Parallel;
import dev.questspark.model.BatchAttention;
import dev.questspark.model.KvCache;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The attention of a batched decode step that reads a shared document once: rows whose caches are paged attend
 * together, each work unit (KV head or query head, segment, and the forks of one document or a sequence of its own)
 * handing the pages of its sequences to one {@link AttentionKernel#attendPagesMulti} call, which takes every query
 * that wants a page while that page is in cache. For forks of one parent ({@link PagedKvCache#fork}, questions or
 * samples continuing one prefilled document) dense steps read each shared page once per step, Quest steps (each sequence still selects its own pages) read a
 * page selected by several sequences once per unit and segment, and Quest scores the document's page bounds once
 * for all of them. Sequences of different documents gain one parallel section per phase for all of them instead of
 * a few per sequence. Each row's output is bit-identical to its cache's own {@link KvCache#attend}: the same units,
 * segments, tiles and merge order. Rows of sliding-window layers attend their own windows, one row per unit of one
 * parallel section ({@link WindowRows}); other rows attend alone.
 * One thread at a time.
 */
public final class SharedPageAttention implements BatchAttention {
    /** Page ranges per KV head of the shared scoring pass (work units: KV heads x ranges). */
    private static final int SCORE_CHUNKS = 4;

    private final int qDim;
    private final float[] qRow;   // (heads * headDim)
    private final float[] outRow; // (heads * headDim)
    private float[] states = new float[0];
    private int[] windowRows = new int[0]; // rows of a sliding-window layer that attend their windows at once
    private final AtomicLong pagesWanted = new AtomicLong();
    private final AtomicLong pagesRead = new AtomicLong();
    private final AtomicLong boundsWanted = new AtomicLong();
    private final AtomicLong boundsRead = new AtomicLong();
    private final SharedRerank rerank;

    /** For a model whose query rows are qDim = heads * headDim floats. */
    public SharedPageAttention(int qDim) {
        this.qDim = qDim;
        this.qRow = new float[qDim];
        this.outRow = new float[qDim];
        this.rerank = new SharedRerank(qDim);
    }

    /**
     * Reads of the grouped steps so far, in (KV head, page) pairs: pages of keys and values the sequences wanted
     * (counted once per sequence) and the shared pass read (a page wanted by several sequences of one call counted
     * once), and likewise the Quest page bounds scored; rerankShared counts the pages whose keys a shared rerank pass
     * read once for all the sequences of a document ({@link SharedRerank}).
     */
    public record Traffic(long pagesWanted, long pagesRead, long boundsWanted, long boundsRead, long rerankShared) {}

    public Traffic traffic() {
        return new Traffic(pagesWanted.get(), pagesRead.get(), boundsWanted.get(), boundsRead.get(), rerank.pagesRead());
    }

    @Override
    public void attend(int layer, KvCache[] caches, int[] positions, int rows, float[] q, float[] out) {
        // Every paged row attends in one pass per setting, forks of one document or not: the pass takes each
        // page once for every sequence that wants it, and spreads the work of all sequences over the pool at once
        // (one sequence after another would run a few small parallel sections per sequence and layer).
        Map<Integer, List<Integer>> groups = new LinkedHashMap<>(); // by page size (a cache's storage layout)
        int windowed = 0;
        Parallel pool = null;
        for (int i = 0; i < rows; i++) {
            // a sliding-window layer (Gemma 3) attends only its window, which its own cache knows: the rows at once
            if (caches[i] instanceof PagedKvCache c && !c.config().slides(layer)) {
                groups.computeIfAbsent(c.config().quest().pageSize(), k -> new ArrayList<>()).add(i);
            } else if (caches[i] instanceof PagedKvCache c && c.windowStep(layer, positions[i])) {
                windowRows = windowed < windowRows.length ? windowRows : Arrays.copyOf(windowRows, rows);
                windowRows[windowed++] = i;
                pool = c.executor().pool();
            } else {
                attendAlone(layer, caches[i], positions[i], i, q, out);
            }
        }
        if (windowed > 0) {
            WindowRows.attend(pool, layer, caches, positions, windowRows, windowed, qDim, q, out);
        }
        for (List<Integer> group : groups.values()) {
            if (group.size() == 1) {
                attendAlone(layer, caches[group.get(0)], positions[group.get(0)], group.get(0), q, out);
                continue;
            }
            List<Integer> dense = new ArrayList<>();
            Map<Integer, List<Integer>> sparse = new LinkedHashMap<>(); // by query rows per unit (GQA policy)
            for (int i : group) {
                PagedKvCache c = (PagedKvCache) caches[i];
                c.checkDecode(layer, positions[i]);
                AttentionExecutor e = c.executor();
                if (e.sparseAt(layer, positions[i] + 1, c.config().quest().attention())) {
                    sparse.computeIfAbsent(e.questRows(), k -> new ArrayList<>()).add(i);
                } else {
                    dense.add(i);
                }
            }
            for (List<Integer> chunk : chunks(dense)) {
                attendDense(layer, caches, positions, chunk, q, out);
            }
            for (List<Integer> part : sparse.values()) {
                for (List<Integer> chunk : chunks(part)) {
                    attendQuest(layer, caches, positions, chunk, q, out);
                }
            }
        }
    }

    private void attendAlone(int layer, KvCache cache, int pos, int row, float[] q, float[] out) {
        System.arraycopy(q, row * qDim, qRow, 0, qDim);
        cache.attend(layer, pos, 1, qRow, outRow);
        System.arraycopy(outRow, 0, out, row * qDim, qDim);
    }

    private static List<List<Integer>> chunks(List<Integer> rows) {
        List<List<Integer>> out = new ArrayList<>();
        for (int i = 0; i < rows.size(); i += AttentionKernel.MAX_SEQUENCES) {
            out.add(rows.subList(i, Math.min(rows.size(), i + AttentionKernel.MAX_SEQUENCES)));
        }
        return out;
    }

    /**
     * Dense steps: unit (KV head h, segment s, part g) attends pages [s * segmentPages, ...) of part g's sequences at
     * once (see {@link #parts}).
     */
    private void attendDense(int layer, KvCache[] caches, int[] positions, List<Integer> rows, float[] q, float[] out) {
        int n = rows.size();
        if (n == 0) {
            return;
        }
        AttentionExecutor[] ex = executors(caches, rows);
        PagedKvCacheConfig c = ((PagedKvCache) caches[rows.get(0)]).config();
        int d = c.headDim();
        int group = c.groupSize();
        int pageSize = c.quest().pageSize();
        int segmentPages = ex[0].densePagesPerSegment();
        int size = AttentionKernel.stateSize(group, d);
        int[] segments = new int[n];
        int[] statesOff = new int[n];
        int most = 0;
        int total = 0;
        for (int i = 0; i < n; i++) {
            segments[i] = ceilDiv(ceilDiv(positions[rows.get(i)] + 1, pageSize), segmentPages);
            most = Math.max(most, segments[i]);
            statesOff[i] = total;
            total += c.kvHeads() * segments[i] * size;
        }
        float[] st = states(total);
        int[][] parts = parts(caches, rows);
        int units = most * parts.length;
        ex[0].pool().forRangeBalanced(c.kvHeads() * units, (a, b) -> {
            HeadPages[] hps = new HeadPages[n];
            int[] tokens = new int[n];
            int[] firsts = new int[n];
            int[] counts = new int[n];
            int[] qOffs = new int[n];
            int[] stateOffs = new int[n];
            for (int w = a; w < b; w++) {
                int h = w / units;
                int s = w % units / parts.length;
                int m = 0;
                long wanted = 0;
                for (int i : parts[w % parts.length]) {
                    if (s >= segments[i]) {
                        continue;
                    }
                    int row = rows.get(i);
                    int context = positions[row] + 1;
                    hps[m] = ex[i].head(layer, h);
                    tokens[m] = context;
                    firsts[m] = s * segmentPages;
                    counts[m] = Math.min(segmentPages, ceilDiv(context, pageSize) - firsts[m]);
                    qOffs[m] = row * qDim + h * group * d;
                    stateOffs[m] = statesOff[i] + (h * segments[i] + s) * size;
                    wanted += counts[m];
                    m++;
                }
                if (m == 0) {
                    continue;
                }
                ex[0].kernel().attendPagesMulti(m, hps, tokens, null, null, firsts, counts, q, qOffs, group, st, stateOffs);
                count(wanted, distinct(hps, m, firsts, counts, null, null));
            }
        });
        for (int i = 0; i < n; i++) {
            ex[i].finishDense(positions[rows.get(i)] + 1, st, statesOff[i], out, rows.get(i) * qDim);
        }
    }

    /**
     * The sequences (positions in rows) that attend in one kernel call: the forks of one document together, whose
     * shared pages the call then reads once, every other sequence alone. Sequences of different documents share no
     * page, and a call each gives the pool units it can split evenly: SmolLM2 dense at 512 tokens, batch 8, was three
     * units (its KV heads) for two threads, one of them idle a third of the phase.
     */
    private static int[][] parts(KvCache[] caches, List<Integer> rows) {
        Map<Object, List<Integer>> byDocument = new LinkedHashMap<>();
        for (int i = 0; i < rows.size(); i++) {
            PagedKvCache parent = ((PagedKvCache) caches[rows.get(i)]).parent();
            byDocument.computeIfAbsent(parent != null ? parent : Integer.valueOf(i), k -> new ArrayList<>()).add(i);
        }
        int[][] parts = new int[byDocument.size()][];
        int g = 0;
        for (List<Integer> part : byDocument.values()) {
            parts[g++] = part.stream().mapToInt(Integer::intValue).toArray();
        }
        return parts;
    }

    /** Quest steps: each sequence selects its pages; unit (u, segment s, part g) attends the s-th slice of part g's sequences. */
    private void attendQuest(int layer, KvCache[] caches, int[] positions, List<Integer> rows, float[] q, float[] out) {
        int n = rows.size();
        AttentionExecutor[] ex = executors(caches, rows);
        PagedKvCacheConfig c = ((PagedKvCache) caches[rows.get(0)]).config();
        int d = c.headDim();
        int unitRows = ex[0].questRows();
        int units = ex[0].questUnits();
        int size = AttentionKernel.stateSize(unitRows, d);
        int[] segments = new int[n];
        int[] statesOff = new int[n];
        int most = 0;
        int total = 0;
        int[] scored = new int[n];
        Map<PagedKvCache, List<Integer>> forks = new LinkedHashMap<>(); // positions in rows, by the document they fork
        for (int i = 0; i < n; i++) {
            PagedKvCache parent = ((PagedKvCache) caches[rows.get(i)]).parent();
            if (parent != null) {
                forks.computeIfAbsent(parent, k -> new ArrayList<>()).add(i);
            }
        }
        selectAll(layer, caches, positions, rows, ex, q, scored, forks.values());
        for (int i = 0; i < n; i++) {
            int row = rows.get(i);
            segments[i] = ceilDiv(ex[i].quest().budgetPagesAt(positions[row] + 1), ex[i].questPagesPerSegment());
            most = Math.max(most, segments[i]);
            statesOff[i] = total;
            total += units * segments[i] * size;
        }
        float[] st = states(total);
        int[][] parts = parts(caches, rows);
        int slices = most * parts.length;
        ex[0].pool().forRangeBalanced(units * slices, (a, b) -> {
            HeadPages[] hps = new HeadPages[n];
            int[] tokens = new int[n];
            int[] idsOffs = new int[n];
            int[] firsts = new int[n];
            int[] counts = new int[n];
            int[] qOffs = new int[n];
            int[] stateOffs = new int[n];
            for (int w = a; w < b; w++) {
                int u = w / slices;
                int s = w % slices / parts.length;
                int[] part = parts[w % parts.length];
                int m = 0;
                int idCount = 0;
                for (int i : part) {
                    if (s < segments[i]) {
                        int first = s * ex[i].questPagesPerSegment();
                        idCount += Math.max(0, Math.min(ex[i].questPagesPerSegment(), ex[i].selectedCount(u) - first));
                    }
                }
                int[] ids = new int[Math.max(1, idCount)];
                int at = 0;
                long wanted = 0;
                for (int i : part) {
                    if (s >= segments[i]) {
                        continue;
                    }
                    int row = rows.get(i);
                    int per = ex[i].questPagesPerSegment();
                    int first = s * per;
                    int count = Math.max(0, Math.min(per, ex[i].selectedCount(u) - first));
                    System.arraycopy(ex[i].selected(), ex[i].selectedOffset(u) + first, ids, at, count);
                    hps[m] = ex[i].head(layer, ex[i].questKvHead(u));
                    tokens[m] = positions[row] + 1;
                    idsOffs[m] = at;
                    counts[m] = count;
                    qOffs[m] = row * qDim + u * unitRows * d;
                    stateOffs[m] = statesOff[i] + (u * segments[i] + s) * size;
                    at += count;
                    wanted += count;
                    m++;
                }
                if (m == 0) {
                    continue;
                }
                ex[0].kernel().attendPagesMulti(m, hps, tokens, ids, idsOffs, firsts, counts, q, qOffs, unitRows, st, stateOffs);
                count(wanted, distinct(hps, m, null, counts, ids, idsOffs));
            }
        });
        for (int i = 0; i < n; i++) {
            ex[i].finishQuest(positions[rows.get(i)] + 1, st, statesOff[i], out, rows.get(i) * qDim);
        }
    }

    /**
     * Each sequence selects its pages ({@link AttentionExecutor#selectHead}), units of (sequence, KV head) on the pool,
     * after the passes shared by the forks of one document (positions in rows, by document): their bounds scored
     * unless every one of them reranks all its pages, and their reranks' key pass.
     */
    private void selectAll(int layer, KvCache[] caches, int[] positions, List<Integer> rows, AttentionExecutor[] ex, float[] q,
            int[] scored, Iterable<List<Integer>> documents) {
        int kvHeads = ex[0].kvHeadCount();
        try {
            int slot = 0;
            for (List<Integer> doc : documents) {
                if (doc.size() > 1 && !ranksEveryPage(positions, rows, doc, ex)) {
                    scoreShared(layer, caches, positions, rows, doc, ex, q, scored);
                }
                if (doc.size() > 1 && rerank.pass(layer, positions, rows, doc, ex, q, slot)) {
                    slot++;
                }
            }
            ex[0].pool().forRangeBalanced(rows.size() * kvHeads, (a, b) -> {
                for (int w = a; w < b; w++) {
                    int i = w / kvHeads;
                    int row = rows.get(i);
                    ex[i].selectHead(layer, positions[row] + 1, q, row * qDim, scored[i], w % kvHeads);
                }
            });
        } finally {
            for (AttentionExecutor e : ex) {
                e.clearSharedMaxima();
            }
        }
    }

    /** Whether every sequence at positions doc of rows reranks all its pages, so that none needs their bounds. */
    private static boolean ranksEveryPage(int[] positions, List<Integer> rows, List<Integer> doc, AttentionExecutor[] ex) {
        for (int i : doc) {
            if (!ex[i].ranksEveryPage(positions[rows.get(i)] + 1)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Scores the document pages that the sequences at positions doc of rows (forks of one document) all rank (below
     * each one's split and candidates) in one pass over their bounds, all their query rows at once, puts each row's
     * scores where its own {@link AttentionExecutor#select} would have (per-row scores do not depend on the other
     * rows of a call; the max over a group's rows is taken as the kernels take it) and sets scored[i] to how many
     * leading pages are scored.
     */
    private void scoreShared(int layer, KvCache[] caches, int[] positions, List<Integer> rows, List<Integer> doc,
            AttentionExecutor[] ex, float[] q, int[] scored) {
        int n = doc.size();
        PagedKvCacheConfig c = ((PagedKvCache) caches[rows.get(doc.get(0))]).config();
        int d = c.headDim();
        int group = c.groupSize();
        int pageSize = c.quest().pageSize();
        int most = Integer.MAX_VALUE;
        long wanted = 0;
        for (int i : doc) {
            int candidates = positions[rows.get(i)] / pageSize;
            most = Math.min(most, Math.min(candidates, ex[i].head(layer, 0).split()));
            wanted += candidates;
        }
        int shared = most;
        boundsWanted.addAndGet(wanted * c.kvHeads());
        boundsRead.addAndGet((wanted - (long) (n - 1) * shared) * c.kvHeads());
        if (shared <= 0) {
            return;
        }
        AttentionExecutor first = ex[doc.get(0)];
        // units of (KV head, range of pages): three heads alone would leave one of two threads idle a third of the time
        int span = ceilDiv(shared, SCORE_CHUNKS);
        int chunks = ceilDiv(shared, span);
        // a shared selection (one per KV head) takes the max over the group's rows: the kernel takes it per sequence,
        // unless the selection combines the rows' bounds itself (a head-relative rerank)
        boolean perKvHead = ex[doc.get(0)].questRows() == group && ex[doc.get(0)].questUnits() == c.kvHeads()
                && !ex[doc.get(0)].rowBounds();
        int outRows = perKvHead ? n : n * group;
        first.pool().forRangeBalanced(c.kvHeads() * chunks, (a, b) -> {
            float[] qg = new float[n * group * d];
            float[] sg = new float[outRows * span];
            for (int w = a; w < b; w++) {
                int h = w / chunks;
                int from = (w % chunks) * span;
                int count = Math.min(span, shared - from);
                for (int k = 0; k < n; k++) {
                    System.arraycopy(q, rows.get(doc.get(k)) * qDim + h * group * d, qg, k * group * d, group * d);
                }
                first.kernel().scoreGroups(first.head(layer, h), from, count, qg, 0, n * group, perKvHead ? group : 1, sg, 0);
                for (int k = 0; k < n; k++) {
                    AttentionExecutor e = ex[doc.get(k)];
                    int candidates = positions[rows.get(doc.get(k))] / pageSize;
                    float[] scores = e.scores();
                    if (perKvHead) {
                        System.arraycopy(sg, k * count, scores, e.scoreIndex(h, 0, from, candidates), count);
                    } else {
                        for (int r = 0; r < group; r++) {
                            System.arraycopy(sg, (k * group + r) * count, scores, e.scoreIndex(h, r, from, candidates), count);
                        }
                    }
                }
            }
        });
        for (int i : doc) {
            scored[i] = shared;
        }
    }

    private static AttentionExecutor[] executors(KvCache[] caches, List<Integer> rows) {
        AttentionExecutor[] ex = new AttentionExecutor[rows.size()];
        for (int i = 0; i < ex.length; i++) {
            ex[i] = ((PagedKvCache) caches[rows.get(i)]).executor();
        }
        return ex;
    }

    /**
     * Pages one multi-sequence call reads from memory: each shared page (below the split of the sequences forked
     * from one parent) once per parent, each own page once per sequence.
     */
    private static long distinct(HeadPages[] hps, int m, int[] firsts, int[] counts, int[] ids, int[] idsOffs) {
        int limit = 0;
        for (int i = 0; i < m; i++) {
            limit = Math.max(limit, hps[i].split());
        }
        int pages = limit;
        Map<HeadPages, boolean[]> seen = new IdentityHashMap<>();
        long read = 0;
        for (int i = 0; i < m; i++) {
            boolean[] parentSeen = hps[i].parentHead() == null ? null
                    : seen.computeIfAbsent(hps[i].parentHead(), k -> new boolean[pages]);
            for (int j = 0; j < counts[i]; j++) {
                int page = ids != null ? ids[idsOffs[i] + j] : firsts[i] + j;
                if (page >= hps[i].split()) {
                    read++;
                } else if (!parentSeen[page]) {
                    parentSeen[page] = true;
                    read++;
                }
            }
        }
        return read;
    }

    private void count(long wanted, long read) {
        pagesWanted.addAndGet(wanted);
        pagesRead.addAndGet(read);
    }

    private float[] states(int floats) {
        if (states.length < floats) {
            states = new float[Math.max(floats, states.length * 2)];
        }
        return states;
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }
}
