package dev.questspark.quest;

import dev.questspark.kernel.Parallel;
import dev.questspark.model.AttentionStats;

import java.util.Arrays;

/**
 * Runs a {@link PagedKvCache}'s attention on the thread pool: dense or Quest decode steps, dense causal prefill, and
 * the dense windowed attention of sliding-window layers ({@link WindowAttention}).
 * Work is cut into units fixed by the configuration and the context (never by the thread count), each unit writes
 * its own slot, and slots are merged in a fixed order: outputs are bit-identical for any number of threads.
 */
final class AttentionExecutor {
    /** Tokens per unit of dense decode work (split-K: each unit yields a partial softmax state). */
    static final int DENSE_SEGMENT_TOKENS = 2048;
    /** Tokens of selected pages per unit of Quest decode work (smaller: a few units per head balance two threads). */
    static final int QUEST_SEGMENT_TOKENS = 512;
    /**
     * Query rows (tokens x group heads) per prefill unit: each K/V page is converted to f32 once per block of rows
     * (measured on SmolLM2's shape at 8K context: 96 rows, 32 tokens of 3 heads, cost 15% less than 32 rows; more
     * rows gain nothing as the block's state outgrows L1).
     */
    static final int PREFILL_ROWS = 96;
    /**
     * Phases reading fewer KV bytes than this (property quest.attention.parallel-min-bytes) run on the calling
     * thread, where handing work to the pool would cost more than it saves. Units are the same either way, so
     * outputs do not change.
     */
    static final long PARALLEL_MIN_BYTES = Long.getLong("quest.attention.parallel-min-bytes", 1L << 18);
    /**
     * Pages per unit of a Quest step's scoring when one selection is shared by a KV head's query heads (property
     * quest.attention.score-chunk-pages; 0 scores each KV head's pages in one unit). A model with fewer KV heads than
     * threads (Gemma 3 270M: one) would otherwise score a long context's pages on one thread while the others wait:
     * 2,044 pages at 32K. Each page's score is computed exactly as in one call over all pages, so the chunking changes
     * no output.
     */
    static final int SCORE_CHUNK_PAGES = Integer.getInteger("quest.attention.score-chunk-pages", 256);
    /** Pages per unit of a rerank's exact logits when one KV head selects (Gemma 3 270M: 1,016 pages at 32K, factor 4). */
    static final int RERANK_CHUNK_PAGES = 128;

    private final Parallel pool;
    private final AttentionKernel kernel;
    private final HeadPages[] pages; // (layers * kvHeads)
    private final int heads;
    private final int kvHeads;
    private final int group;
    private final int headDim;
    private final int pageSize;
    private final QuestConfig quest;
    private final int densePagesPerSegment;
    private final int questPagesPerSegment;
    private final float[] scores;  // (kvHeads, group, maxPages)
    private final int maxPages;
    private final int[] selected;  // (heads, selectedRow): rows as long as the largest step's budget
    private final int selectedRow; // the largest step's budget in pages, at most maxPages
    private final int[] selectedCount; // (heads)
    private final int[] rerankRead; // (heads) pages whose keys the last step's rerank read, per unit
    private final RerankScratch[] rerankScratch; // (kvHeads)
    private final float[][] relative; // (kvHeads) head-relative bounds of a rerank's pre-selection
    private SharedMaxima sharedMaxima; // a shared-document pass's rerank maxima for this sequence, or null
    private final float[] states;  // (work units, state size)
    private final AttentionStats stats;
    private final AttentionStats lastStep = new AttentionStats();
    private final boolean[] sliding; // (layers) layers restricted to a window
    private final WindowAttention window; // null when no layer slides
    private final WindowRing ring; // where sliding layers that keep only their window start, or null

    AttentionExecutor(PagedKvCacheConfig config, Parallel pool, AttentionKernel kernel, HeadPages[] pages, int maxPages,
            WindowRing ring) {
        this(config, pool, kernel, pages, maxPages, ring, new AttentionStats());
    }

    /** An executor that adds its counters to stats (which a cache keeps when its settings change). */
    AttentionExecutor(PagedKvCacheConfig config, Parallel pool, AttentionKernel kernel, HeadPages[] pages, int maxPages,
            WindowRing ring, AttentionStats stats) {
        this.ring = ring;
        this.stats = stats;
        this.pool = pool;
        this.kernel = kernel;
        this.pages = pages;
        this.heads = config.heads();
        this.kvHeads = config.kvHeads();
        this.group = config.groupSize();
        this.headDim = config.headDim();
        this.quest = config.quest();
        this.pageSize = quest.pageSize();
        this.maxPages = maxPages;
        this.densePagesPerSegment = Math.max(1, DENSE_SEGMENT_TOKENS / pageSize);
        this.questPagesPerSegment = Math.max(1, QUEST_SEGMENT_TOKENS / pageSize);
        this.selectedRow = Math.min(quest.budgetPages(), maxPages); // a budget beyond the cache selects no more pages
        int budgetPages = selectedRow;
        this.scores = new float[heads * maxPages];
        this.selected = new int[heads * budgetPages];
        this.selectedCount = new int[heads];
        this.rerankRead = new int[heads];
        this.rerankScratch = new RerankScratch[kvHeads];
        this.relative = new float[kvHeads][];
        long dense = (long) kvHeads * ceilDiv(maxPages, densePagesPerSegment) * AttentionKernel.stateSize(group, headDim);
        long sparse = (long) heads * ceilDiv(budgetPages, questPagesPerSegment) * AttentionKernel.stateSize(group, headDim);
        this.states = new float[(int) Math.max(dense, sparse)];
        this.sliding = new boolean[config.layers()];
        for (int l = 0; l < sliding.length; l++) {
            sliding[l] = config.slides(l);
        }
        this.window = config.slidingWindow() > 0 ? new WindowAttention(kernel, config.slidingWindow(), group, headDim) : null;
    }

    AttentionKernel kernel() {
        return kernel;
    }

    AttentionStats stats() {
        return stats;
    }

    AttentionStats lastStep() {
        return lastStep.snapshot();
    }

    HeadPages head(int layer, int kvHead) {
        return pages[layer * kvHeads + kvHead];
    }

    /** The sequence position of own storage row 0 of layer's heads (a sliding layer keeping only its window: its first). */
    private int firstToken(int layer) {
        return ring != null && sliding[layer] ? ring.firstToken(layer) : 0;
    }

    void store(int layer, int pos, int n, float[] k, float[] v) {
        int stride = kvHeads * headDim;
        int row = pos - firstToken(layer);
        Parallel.RangeBody body = (a, b) -> {
            for (int h = a; h < b; h++) {
                kernel.store(head(layer, h), row, n, k, v, h * headDim, stride);
            }
        };
        if (n == 1) { // a decode step's token: a batch stores it from inside a pool part, which must not enter the pool
            body.run(0, kvHeads);
        } else {
            run(kvHeads, (long) n * kvHeads * headDim * 8, body);
        }
    }

    void attend(int layer, int pos, int n, float[] q, float[] out, QuestConfig.Attention mode) {
        if (sliding[layer] && window.needed(pos, n)) {
            windowed(layer, pos, n, q, out, true);
            return;
        }
        if (sliding[layer] && n == 1) { // the whole context is the window: dense, whatever the mode
            denseDecode(layer, pos + 1, q, 0, out, 0);
            return;
        }
        if (n > 1) {
            prefill(layer, pos, n, q, out);
            return;
        }
        int context = pos + 1;
        if (sparseAt(layer, context, mode)) {
            questDecode(layer, context, q, 0, out, 0);
        } else {
            denseDecode(layer, context, q, 0, out, 0);
        }
    }

    /**
     * Attention of n prompt tokens (prefill, which stays dense): never Quest and never counted in the statistics,
     * so a prompt block of one token is attended densely and left out of the counters, as inside a longer block.
     */
    void attendPrompt(int layer, int pos, int n, float[] q, float[] out) {
        if (sliding[layer] && window.needed(pos, n)) {
            windowed(layer, pos, n, q, out, false);
        } else if (n == 1) {
            denseAttend(layer, pos + 1, q, 0, out, 0); // a decode step's dense kernel, the same numbers as before
        } else {
            prefill(layer, pos, n, q, out);
        }
    }

    /** Whether a decode step over context tokens in layer attends Quest's selected pages only. */
    boolean sparseAt(int layer, int context, QuestConfig.Attention mode) {
        return mode == QuestConfig.Attention.QUEST && layer >= quest.denseLayers() && context > quest.budgetAt(context);
    }

    Parallel pool() {
        return pool;
    }

    int group() {
        return group;
    }

    int headDim() {
        return headDim;
    }

    int kvHeadCount() {
        return kvHeads;
    }

    QuestConfig quest() {
        return quest;
    }

    int densePagesPerSegment() {
        return densePagesPerSegment;
    }

    int questPagesPerSegment() {
        return questPagesPerSegment;
    }

    /** Runs body over [0, n) on the pool, or inline when the phase reads fewer than PARALLEL_MIN_BYTES. */
    private void run(int n, long bytes, Parallel.RangeBody body) {
        if (bytes < PARALLEL_MIN_BYTES) {
            body.run(0, n);
        } else {
            pool.forRange(n, 1, body);
        }
    }

    private void denseDecode(int layer, int context, float[] q, int qOff, float[] out, int outOff) {
        denseAttend(layer, context, q, qOff, out, outOff);
        countDense(context);
    }

    /** Dense attention of one query token over context tokens, not counted in the statistics. */
    private void denseAttend(int layer, int context, float[] q, int qOff, float[] out, int outOff) {
        int pageCount = ceilDiv(context, pageSize);
        int segments = ceilDiv(pageCount, densePagesPerSegment);
        int size = AttentionKernel.stateSize(group, headDim);
        run(kvHeads * segments, (long) kvHeads * context * headDim * 4, (a, b) -> {
            for (int u = a; u < b; u++) {
                int h = u / segments;
                int first = (u % segments) * densePagesPerSegment;
                int count = Math.min(densePagesPerSegment, pageCount - first);
                kernel.attendPages(head(layer, h), context, null, 0, first, count, q, qOff + h * group * headDim, group, states,
                        u * size);
            }
        });
        mergeDense(context, states, 0, out, outOff);
    }

    /** Merges the dense states of every KV head (head h's segments from statesOff + h * segments * size) and counts. */
    void finishDense(int context, float[] states, int statesOff, float[] out, int outOff) {
        mergeDense(context, states, statesOff, out, outOff);
        countDense(context);
    }

    private void mergeDense(int context, float[] states, int statesOff, float[] out, int outOff) {
        int pageCount = ceilDiv(context, pageSize);
        int segments = ceilDiv(pageCount, densePagesPerSegment);
        int size = AttentionKernel.stateSize(group, headDim);
        for (int h = 0; h < kvHeads; h++) {
            kernel.merge(states, statesOff + h * segments * size, segments, group, headDim, out, outOff + h * group * headDim);
        }
    }

    /** Counts a dense step over context tokens: every page read. */
    private void countDense(int context) {
        int pageCount = ceilDiv(context, pageSize);
        long bytes = (long) kvHeads * context * headDim * 4;
        record(0, (long) pageCount * kvHeads, (long) context * kvHeads, bytes, bytes);
    }

    private void questDecode(int layer, int context, float[] q, int qOff, float[] out, int outOff) {
        select(layer, context, q, qOff);
        int budgetPages = quest.budgetPagesAt(context);
        int stride = selectedRow;
        int units = questUnits();
        int rows = questRows();
        int segments = ceilDiv(budgetPages, questPagesPerSegment);
        int size = AttentionKernel.stateSize(rows, headDim);
        run(units * segments, (long) units * budgetPages * pageSize * headDim * 4, (a, b) -> {
            for (int w = a; w < b; w++) {
                int u = w / segments;
                int first = (w % segments) * questPagesPerSegment;
                int count = Math.max(0, Math.min(questPagesPerSegment, selectedCount[u] - first));
                kernel.attendPages(head(layer, questKvHead(u)), context, selected, u * stride + first, 0, count, q,
                        qOff + u * rows * headDim, rows, states, w * size);
            }
        });
        finishQuest(context, states, 0, out, outOff);
    }

    /** Scores the candidate pages of a Quest step and selects each unit's pages (selected, selectedCount). */
    void select(int layer, int context, float[] q, int qOff) {
        select(layer, context, q, qOff, 0);
    }

    /**
     * {@link #select} when the scores of pages [0, scored) are already in place ({@link #scores}, laid out as
     * {@link #scoreIndex} says; a shared-document pass scores them for several sequences at once).
     */
    void select(int layer, int context, float[] q, int qOff, int scored) {
        int candidates = (context - 1) / pageSize;
        int from = ranksEveryPage(context) ? candidates : scored; // the bounds would choose every page: not scored
        if (from == 0 && scoreChunks(candidates) > 1) {
            scoreChunked(layer, candidates, q, qOff);
            from = candidates; // every candidate scored: what is left is the selection
        }
        int already = from;
        if (kvHeads == 1) { // one head selects on this thread: its rerank can use the pool
            selectHead(layer, context, q, qOff, already, 0, true);
            return;
        }
        run(kvHeads, (long) kvHeads * (candidates - already) * headDim * 4, (a, b) -> {
            for (int h = a; h < b; h++) {
                selectHead(layer, context, q, qOff, already, h);
            }
        });
    }

    /**
     * Whether a Quest step over context tokens reranks every page it ranks (rerank-factor x k covers all n of them):
     * the bounds would pre-select them all, so they are neither scored nor read.
     */
    boolean ranksEveryPage(int context) {
        int n = rankedPagesAt(context);
        return n > 0 && rerankPool(n, rankedKeptAt(context)) == n;
    }

    /** Pages a rerank over context tokens reads the keys of: rerank-factor x k of the ranked pages, at most all. */
    int rerankPoolAt(int context) {
        return rerankPool(rankedPagesAt(context), rankedKeptAt(context));
    }

    /** Pages a Quest step over context tokens ranks: those between the sink pages and the recent ones. */
    private int rankedPagesAt(int context) {
        return (context - 1) / pageSize - quest.recentPagesUsedAt(context) - quest.sinkPagesUsedAt(context);
    }

    /** Ranked pages a Quest step over context tokens keeps: its budget less the sinks, the recent pages and the last. */
    private int rankedKeptAt(int context) {
        return quest.budgetPagesAt(context) - 1 - quest.sinkPagesUsedAt(context) - quest.recentPagesUsedAt(context);
    }

    /** Scoring units per KV head over the given candidate pages. */
    private int scoreChunks(int candidates) {
        if (SCORE_CHUNK_PAGES <= 0) {
            return 1;
        }
        return ceilDiv(candidates, SCORE_CHUNK_PAGES);
    }

    /** Scores pages [0, candidates) of every KV head into {@link #scores} in chunks of SCORE_CHUNK_PAGES, on the pool. */
    private void scoreChunked(int layer, int candidates, float[] q, int qOff) {
        int chunks = scoreChunks(candidates);
        boolean perRow = rowBounds();
        run(kvHeads * chunks, (long) kvHeads * candidates * headDim * 4, (a, b) -> {
            float[] part = perRow ? new float[group * SCORE_CHUNK_PAGES] : null;
            for (int u = a; u < b; u++) {
                int h = u / chunks;
                int first = (u % chunks) * SCORE_CHUNK_PAGES;
                int count = Math.min(SCORE_CHUNK_PAGES, candidates - first);
                if (perRow) {
                    kernel.score(head(layer, h), first, count, q, qOff + h * group * headDim, group, false, part, 0);
                    for (int r = 0; r < group; r++) {
                        System.arraycopy(part, r * count, scores, scoreIndex(h, r, first, candidates), count);
                    }
                } else {
                    kernel.score(head(layer, h), first, count, q, qOff + h * group * headDim, group, true, scores,
                            scoreIndex(h, 0, first, candidates));
                }
            }
        });
    }

    /** {@link #select}'s work for KV head h: scores its pages from scored on, selects its units' pages. */
    void selectHead(int layer, int context, float[] q, int qOff, int scored, int h) {
        selectHead(layer, context, q, qOff, scored, h, false);
    }

    /** {@link #selectHead}, a rerank's logits computed on the pool when parallel (the caller is not a pool task). */
    private void selectHead(int layer, int context, float[] q, int qOff, int scored, int h, boolean parallel) {
        int lastPage = (context - 1) / pageSize;
        int candidates = lastPage;
        int stride = selectedRow;
        int budgetPages = quest.budgetPagesAt(context);
        int sinks = quest.sinkPagesUsedAt(context);
        int recent = quest.recentPagesUsedAt(context);
        boolean shared = quest.gqaPolicy() == QuestConfig.GqaPolicy.SHARED;
        boolean perRow = rowBounds();
        int rest = candidates - scored;
        int scoreOff = h * group * maxPages;
        if (scored == 0) {
            kernel.score(head(layer, h), candidates, q, qOff + h * group * headDim, group, !perRow, scores, scoreOff);
        } else if (rest > 0) {
            float[] part = new float[(perRow ? group : 1) * rest];
            kernel.score(head(layer, h), scored, rest, q, qOff + h * group * headDim, group, !perRow, part, 0);
            for (int r = 0; r < (perRow ? group : 1); r++) {
                System.arraycopy(part, r * rest, scores, scoreIndex(h, r, scored, candidates), rest);
            }
        }
        for (int r = 0; r < (shared ? 1 : group); r++) {
            int u = shared ? h : h * group + r;
            int rows = shared ? group : 1;
            int unitQ = qOff + (h * group + (shared ? 0 : r)) * headDim;
            Unit unit = new Unit(u, h, shared ? 0 : r, rows);
            selectedCount[u] = selectPages(layer, unit, q, unitQ, scores, scoreOff + r * candidates, candidates, sinks, recent,
                    budgetPages, lastPage, parallel);
        }
    }

    /**
     * Whether the bounds are scored per query row rather than as the max over a KV head's group: with a per-head
     * selection, and with a shared one whose rerank pre-selects by head-relative bounds ({@link #relativeBounds}).
     */
    boolean rowBounds() {
        return quest.gqaPolicy() == QuestConfig.GqaPolicy.PER_HEAD || relativeBounds();
    }

    /**
     * Whether a shared selection's rerank takes its candidates by head-relative bounds (each row's bound less that
     * row's best over the ranked pages, the best over the rows), as it ranks them by head-relative logits: a
     * retrieval head's page must reach the exact pass before a head with large logits everywhere fills it.
     */
    private boolean relativeBounds() {
        return quest.gqaPolicy() == QuestConfig.GqaPolicy.SHARED && quest.rerankScore() == QuestConfig.RerankScore.HEAD_RELATIVE
                && quest.rerankFactor() > 0;
    }

    /** The scores {@link #select} ranks. */
    float[] scores() {
        return scores;
    }

    /** Where the score of page p for KV head h, query row r of its group (0 with a shared selection) goes. */
    int scoreIndex(int kvHead, int row, int page, int candidates) {
        return kvHead * group * maxPages + row * candidates + page;
    }

    /** Units of Quest attention: KV heads (shared selection) or query heads. */
    int questUnits() {
        return quest.gqaPolicy() == QuestConfig.GqaPolicy.SHARED ? kvHeads : heads;
    }

    /** Query rows per Quest unit. */
    int questRows() {
        return quest.gqaPolicy() == QuestConfig.GqaPolicy.SHARED ? group : 1;
    }

    int questKvHead(int unit) {
        return quest.gqaPolicy() == QuestConfig.GqaPolicy.SHARED ? unit : unit / group;
    }

    /** The page ids unit selected at the last {@link #select}: selected()[selectedOffset(u) ..], selectedCount(u) of them. */
    int[] selected() {
        return selected;
    }

    int selectedOffset(int unit) {
        return unit * selectedRow;
    }

    int selectedCount(int unit) {
        return selectedCount[unit];
    }

    /** Merges the Quest states of every unit (unit u's segments from statesOff + u * segments * size) and counts. */
    void finishQuest(int context, float[] states, int statesOff, float[] out, int outOff) {
        int lastPage = (context - 1) / pageSize;
        int candidates = lastPage;
        int units = questUnits();
        int rows = questRows();
        int segments = ceilDiv(quest.budgetPagesAt(context), questPagesPerSegment);
        int size = AttentionKernel.stateSize(rows, headDim);
        long tokens = 0;
        long pagesRead = 0;
        long rerankTokens = 0;
        for (int u = 0; u < units; u++) {
            rerankTokens += (long) rerankRead[u] * pageSize;
            kernel.merge(states, statesOff + u * segments * size, segments, rows, headDim, out, outOff + u * rows * headDim);
            tokens += (long) (selectedCount[u] - 1) * pageSize + (context - lastPage * pageSize);
            pagesRead += selectedCount[u];
        }
        long metaBytes = ranksEveryPage(context) ? 0 : (long) kvHeads * candidates * headDim * 4; // bounds unread then
        long dense = (long) kvHeads * context * headDim * 4;
        // a rerank reads its pool's keys (2 bytes a channel), not their values
        record((long) candidates * units, pagesRead, tokens, metaBytes + tokens * headDim * 4 + rerankTokens * headDim * 2, dense);
    }

    /**
     * Writes to unit's row of selected, in ascending order, the page ids it attends: the sinks leading pages, the
     * remaining pages of the step's budgetPages ranked by the scores of pages [sinks, candidates - recent)
     * (scores[off + p] for page p; with a rerank factor, reranked by {@link #rerank}), the recent pages before the one
     * being filled, and lastPage, the page being filled. Returns how many ids it wrote.
     */
    private int selectPages(int layer, Unit unit, float[] q, int qOff, float[] scores, int off, int candidates, int sinks,
            int recent, int budgetPages, int lastPage, boolean parallel) {
        int out = unit.index() * selectedRow;
        int h = unit.kvHead();
        int rows = unit.rows();
        for (int p = 0; p < sinks; p++) {
            selected[out + p] = p;
        }
        int n = candidates - recent - sinks;
        int k = budgetPages - 1 - sinks - recent;
        int pool = rerankPool(n, k);
        rerankRead[unit.index()] = pool;
        int ranked;
        if (pool > 0 && pool < n && rows > 1 && relativeBounds()) {
            float[] bounds = relativeScratch(h, n);
            combineHeads(scores, off + sinks, 1, candidates, n, rows, QuestConfig.RerankScore.HEAD_RELATIVE, bounds);
            ranked = rerank(layer, unit, q, qOff, bounds, 0, n, k, pool, sinks, out + sinks, parallel);
        } else if (pool > 0) {
            ranked = rerank(layer, unit, q, qOff, scores, off + sinks, n, k, pool, sinks, out + sinks, parallel);
        } else {
            ranked = kernel.select(scores, off + sinks, n, k, selected, out + sinks);
        }
        for (int i = sinks; i < sinks + ranked; i++) {
            selected[out + i] += sinks;
        }
        int w = out + sinks + ranked;
        for (int p = candidates - recent; p < candidates; p++) {
            selected[w++] = p;
        }
        selected[w++] = lastPage;
        return w - out;
    }

    /**
     * Pages a step reranks when k of n are to be ranked: rerank-factor x k of them, 0 when off (a factor of 0, or -1
     * left unresolved by {@link QuestConfig#forArchitecture}) or all n are kept.
     */
    private int rerankPool(int n, int k) {
        if (quest.rerankFactor() <= 0 || k <= 0 || k >= n) {
            return 0;
        }
        return (int) Math.min(n, (long) quest.rerankFactor() * k);
    }

    /**
     * Takes the pool pages of [0, n) with the best bound scores (scores[off + i] for page first + i), scores each
     * exactly, as the largest logit q.k of its tokens over the unit's rows, and writes the k best, ascending and
     * relative to first, to selected[out ..]; returns k. With pool = n every page is ranked by its exact score.
     * The kernel gives each page's largest logit per row; the page's score combines the rows ({@link #combineHeads}).
     * The maxima are computed in chunks of RERANK_CHUNK_PAGES on the pool when parallel (the caller is not a pool
     * task), each chunk writing its own pages' maxima, so the scores do not depend on the threads.
     */
    private int rerank(int layer, Unit unit, float[] q, int qOff, float[] scores, int off, int n, int k, int pool, int first,
            int out, boolean parallel) {
        int rows = unit.rows();
        RerankScratch s = rerankScratch(unit.kvHead(), pool, rows);
        if (pool == n) { // every page: the pages a selection of all n would give, unscored
            for (int i = 0; i < n; i++) {
                s.ids[i] = i;
            }
        } else {
            kernel.select(scores, off, n, pool, s.ids, 0);
        }
        for (int i = 0; i < pool; i++) {
            s.ids[i] += first;
        }
        int given = sharedMaxima == null ? 0 : sharedMaxima.copy(unit, s.ids, pool, s.rowMax);
        HeadPages hp = head(layer, unit.kvHead());
        int chunks = ceilDiv(pool - given, RERANK_CHUNK_PAGES);
        Parallel.RangeBody maxima = (a, b) -> {
            for (int c = a; c < b; c++) {
                int from = given + c * RERANK_CHUNK_PAGES;
                int count = Math.min(RERANK_CHUNK_PAGES, pool - from);
                kernel.pageMaxLogits(hp, s.ids, from, count, q, qOff, rows, s.rowMax, from * rows);
            }
        };
        if (parallel) {
            run(chunks, (long) (pool - given) * pageSize * headDim * 2, maxima);
        } else {
            maxima.run(0, chunks);
        }
        combineHeads(s.rowMax, 0, rows, 1, pool, rows, quest.rerankScore(), s.exact);
        int kept = kernel.select(s.exact, 0, pool, k, s.keep, 0);
        for (int i = 0; i < kept; i++) {
            selected[out + i] = s.ids[s.keep[i]] - first;
        }
        return kept;
    }

    /**
     * Writes to out[0, pages) one score per page from its rows' scores (page i, query row r at a[off + i * pageStride
     * + r * rowStride]: the largest logit of its tokens, or its bound, for that row): the largest over the rows
     * ({@link QuestConfig.RerankScore#MAX}), or the largest over the rows of the row's score less that row's largest
     * over the pages ({@link QuestConfig.RerankScore#HEAD_RELATIVE}). Each row is its own softmax, so only differences
     * within a row say how much attention a page takes; a subtraction of bit-identical inputs keeps it bit-identical.
     */
    static void combineHeads(float[] a, int off, int pageStride, int rowStride, int pages, int rows, QuestConfig.RerankScore score,
            float[] out) {
        float[] top = new float[rows]; // 0 for the max: x - 0 is x
        if (score == QuestConfig.RerankScore.HEAD_RELATIVE) {
            Arrays.fill(top, Float.NEGATIVE_INFINITY);
            for (int i = 0; i < pages; i++) {
                for (int r = 0; r < rows; r++) {
                    top[r] = Math.max(top[r], a[off + i * pageStride + r * rowStride]);
                }
            }
        }
        for (int i = 0; i < pages; i++) {
            float best = Float.NEGATIVE_INFINITY;
            for (int r = 0; r < rows; r++) {
                best = Math.max(best, a[off + i * pageStride + r * rowStride] - top[r]);
            }
            out[i] = best;
        }
    }

    /** A selection unit: its index, KV head, first query row within the head's group, and rows. */
    private record Unit(int index, int kvHead, int row0, int rows) {}

    /**
     * Has this sequence's reranks until {@link #clearSharedMaxima} take the largest logits of pages [0, pages) from a
     * shared-document pass (table[h][page * rowStride + row0 + r] for KV head h, row r of the head's group) instead of
     * reading their keys: the pass computed them with the same kernel, so they are the same bits.
     */
    void useSharedMaxima(float[][] table, int pages, int rowStride, int row0) {
        sharedMaxima = new SharedMaxima(table, pages, rowStride, row0);
    }

    void clearSharedMaxima() {
        sharedMaxima = null;
    }

    /** A shared-document pass's rerank maxima for one sequence (see {@link #useSharedMaxima}). */
    private record SharedMaxima(float[][] table, int pages, int rowStride, int row0) {
        /**
         * Copies the maxima of the leading ids (ascending) below pages into rowMax (page i's rows at i * rows) and
         * returns how many pages it gave; the rest are computed as before.
         */
        int copy(Unit unit, int[] ids, int pool, float[] rowMax) {
            float[] t = table[unit.kvHead()];
            int rows = unit.rows();
            int i = 0;
            for (; i < pool && ids[i] < pages; i++) {
                System.arraycopy(t, ids[i] * rowStride + row0 + unit.row0(), rowMax, i * rows, rows);
            }
            return i;
        }
    }

    /** KV head h's buffer of head-relative bounds, n pages long at least. */
    private float[] relativeScratch(int h, int n) {
        if (relative[h] == null || relative[h].length < n) {
            relative[h] = new float[Math.max(n, maxPages)];
        }
        return relative[h];
    }

    private RerankScratch rerankScratch(int h, int pool, int rows) {
        RerankScratch s = rerankScratch[h];
        if (s == null || s.ids.length < pool || s.rowMax.length < pool * rows) {
            s = new RerankScratch(pool, pool * rows);
            rerankScratch[h] = s;
        }
        return s;
    }

    /** One KV head's buffers of a rerank (heads select on separate threads). */
    private record RerankScratch(int[] ids, int[] keep, float[] exact, float[] rowMax) {
        RerankScratch(int pool, int maxima) {
            this(new int[pool], new int[pool], new float[pool], new float[maxima]);
        }
    }

    /** Windowed attention of a sliding layer; a decode step (n = 1, counted) is recorded in the statistics. */
    private void windowed(int layer, int pos, int n, float[] q, float[] out, boolean counted) {
        window.attend(pool, layerPages(layer), firstToken(layer), pos, n, q, out);
        if (counted && n == 1) {
            recordWindow(pos);
        }
    }

    /** Whether a decode step at pos in layer is a windowed one ({@link #windowDecode}). */
    boolean windowStep(int layer, int pos) {
        return sliding[layer] && window.needed(pos, 1);
    }

    /**
     * The decode step {@link #attend} runs at pos when {@link #windowStep}, on the calling thread, q and out at offsets:
     * the same result and counters. A batched step runs several sequences' steps at once ({@link WindowRows}).
     */
    void windowDecode(int layer, int pos, float[] q, int qOff, float[] out, int outOff) {
        window.attendOne(layerPages(layer), firstToken(layer), pos, q, qOff, out, outOff);
        recordWindow(pos);
    }

    /** {@link #windowDecode} over the pool (the caller runs no parallel section): the same result and counters. */
    void windowDecodeSplit(int layer, int pos, float[] q, int qOff, float[] out, int outOff) {
        window.attendSplit(pool, layerPages(layer), firstToken(layer), pos, q, qOff, out, outOff);
        recordWindow(pos);
    }

    private HeadPages[] layerPages(int layer) {
        HeadPages[] layerPages = new HeadPages[kvHeads];
        for (int h = 0; h < kvHeads; h++) {
            layerPages[h] = head(layer, h);
        }
        return layerPages;
    }

    private void recordWindow(int pos) {
        int context = pos + 1;
        long tokens = Math.min(context, window.size());
        long bytes = (long) kvHeads * tokens * headDim * 4;
        record(0, (long) kvHeads * ceilDiv((int) tokens, pageSize), tokens * kvHeads, bytes, (long) kvHeads * context * headDim * 4);
    }

    private void prefill(int layer, int pos, int n, float[] q, float[] out) {
        int block = Math.max(1, PREFILL_ROWS / group);
        int blocks = ceilDiv(n, block);
        int stride = heads * headDim;
        pool.forRange(kvHeads * blocks, 1, (a, b) -> {
            for (int v = a; v < b; v++) {
                int h = v % kvHeads;
                int i = v / kvHeads;
                // Zig-zag block order: consecutive units pair a short causal block with a long one, so the
                // pool's contiguous ranges carry similar work.
                int bi = (i & 1) == 0 ? i / 2 : blocks - 1 - i / 2;
                int t0 = bi * block;
                int tokens = Math.min(block, n - t0);
                int off = t0 * stride + h * group * headDim;
                kernel.attendCausal(head(layer, h), q, off, stride, tokens, group, pos + t0, out, off, stride);
            }
        });
    }

    private void record(long scored, long selectedPages, long tokens, long bytesRead, long bytesDense) {
        stats.add(1, scored, selectedPages, tokens, bytesRead, bytesDense);
        lastStep.reset();
        lastStep.add(1, scored, selectedPages, tokens, bytesRead, bytesDense);
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }
}
