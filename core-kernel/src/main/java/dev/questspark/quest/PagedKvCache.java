package dev.questspark.quest;

import dev.questspark.kernel.Parallel;
import dev.questspark.model.AttentionStats;
import dev.questspark.model.KvCache;
import java.nio.ByteBuffer;

/**
 * A KV cache stored off-heap in pages of {@code page-size} tokens per (layer, KV head), keys and values as binary16
 * (like llama.cpp's default f16 cache: half the bytes of f32 to stream), with per-page key bounds for Quest.
 * Storage grows with the sequence (per (layer, KV head) one contiguous buffer, doubled and copied when full), and
 * every byte of it is reserved first in a {@link KvMemoryBudget}, which several caches (an executor's batch) can
 * share; only a sequence that does not fit in what the budget has left fails, with a {@link KvCacheBudgetException}.
 *
 * <p>Decode steps (one query token) on layers from {@code dense-layers} on, with {@code attention = quest} and a
 * context longer than the step's token budget ({@link QuestConfig#budgetAt}), attend only to the pages Quest selects;
 * everything else is dense causal
 * attention. Work is split into fixed segments that do not depend on the thread count, so outputs are
 * bit-identical for any number of threads. One sequence per cache; calls must not overlap.
 *
 * <p>{@link #fork} makes a child cache that continues this one's sequence: it reads this cache's whole pages
 * read-only (this cache refuses writes while children live) and keeps only its own tokens, from the partially
 * filled last page on. Attention over a child is bit-identical to attention over one cache holding the same tokens.
 *
 * <p>Sliding-window layers ({@link PagedKvCacheConfig#rings}) keep only their window (and a headroom) of KV in a
 * {@link WindowRing}, so their memory does not grow with the context; their exports start at {@link #firstPage}.
 */
public final class PagedKvCache implements KvCache {
    /** Own pages a growing cache allocates at least (while the budget allows). */
    static final int MIN_GROWTH_PAGES = 4;

    private final Parallel pool;
    private final KvMemoryBudget budget;
    private final PagedKvCache parent; // the cache whose pages [0, split) this one reads, or null
    private PagedKvCacheConfig config;
    private AttentionExecutor executor;
    private final HeadPages[] pages; // (layers * kvHeads)
    private final WindowRing ring;   // the sliding-window layers' storage, or null when no layer keeps only its window
    private final int[] written;     // (layers): tokens stored per layer
    private int split;               // pages read from parent
    private int ownPages;            // pages of own storage per (layer, KV head)
    private long reserved;           // bytes of own storage reserved in budget
    private int length;
    private int children;            // live forks reading this cache's pages
    private boolean closed;

    /** A cache using the kernel chosen by {@link AttentionKernels#get()} and a budget of its own. */
    public PagedKvCache(PagedKvCacheConfig config, Parallel pool) {
        this(config, pool, AttentionKernels.get());
    }

    /** A cache with a budget of its own ({@link PagedKvCacheConfig#memoryBudgetBytes()}). */
    public PagedKvCache(PagedKvCacheConfig config, Parallel pool, AttentionKernel kernel) {
        this(config, pool, kernel, new KvMemoryBudget(config.memoryBudgetBytes()));
    }

    /** A cache reserving its storage in budget, which other caches (of the same batch) may share. */
    public PagedKvCache(PagedKvCacheConfig config, Parallel pool, AttentionKernel kernel, KvMemoryBudget budget) {
        this.config = config;
        this.pool = pool;
        this.budget = budget;
        this.parent = null;
        checkHeadBuffer(config);
        this.pages = new HeadPages[config.layers() * config.kvHeads()];
        for (int i = 0; i < pages.length; i++) {
            pages[i] = HeadPages.allocate(config.headDim(), config.quest().pageSize(), 0);
        }
        this.ring = ringOf(config, budget, pages);
        this.reserved = reserve(bytesOwned(0), 0);
        this.written = new int[config.layers()];
        this.executor = new AttentionExecutor(config, pool, kernel, pages, maxPages(), ring);
    }

    private PagedKvCache(PagedKvCache parent, Parallel pool) {
        this.config = parent.config;
        this.pool = pool;
        this.budget = parent.budget;
        this.parent = parent;
        this.pages = new HeadPages[parent.pages.length];
        this.ring = ringOf(config, budget, pages);
        this.written = new int[config.layers()];
        attach(parent.length);
        this.executor = new AttentionExecutor(config, pool, parent.executor.kernel(), pages, maxPages(), ring);
    }

    private static WindowRing ringOf(PagedKvCacheConfig config, KvMemoryBudget budget, HeadPages[] pages) {
        for (int l = 0; l < config.layers(); l++) {
            if (config.rings(l)) {
                return new WindowRing(config, budget, pages);
            }
        }
        return null;
    }

    /** Layers keeping only their window ({@link WindowRing}). */
    private static int ringLayers(PagedKvCacheConfig config) {
        int n = 0;
        for (int l = 0; l < config.layers(); l++) {
            n += config.rings(l) ? 1 : 0;
        }
        return n;
    }

    /** Bytes a cache with this configuration allocates when it holds {@code capacity} tokens. */
    public static long bytesRequired(PagedKvCacheConfig config) {
        return bytesFor(config, config.capacity());
    }

    /** Bytes a cache with this configuration allocates to hold the given tokens (no growth slack). */
    public static long bytesFor(PagedKvCacheConfig config, int tokens) {
        int pageSize = config.quest().pageSize();
        int pages = (int) (((long) tokens + pageSize - 1) / pageSize);
        int rings = ringLayers(config);
        long windowed = rings == 0 ? 0 : (long) rings * config.kvHeads()
                * HeadPages.bytesFor(config.headDim(), pageSize, Math.min(pages, WindowRing.steadyPages(config)));
        return (long) (config.layers() - rings) * config.kvHeads() * HeadPages.bytesFor(config.headDim(), pageSize, pages) + windowed;
    }

    /** The most tokens a cache of this shape can hold within memoryBudgetBytes. */
    public static long tokensWithinBudget(PagedKvCacheConfig config) {
        return tokensWithin(config, config.memoryBudgetBytes());
    }

    private static long tokensWithin(PagedKvCacheConfig config, long bytes) {
        int rings = ringLayers(config);
        if (rings > 0) { // the window layers' bounded storage first, the rest grows with the context
            bytes -= (long) rings * config.kvHeads() * HeadPages.bytesFor(config.headDim(), config.quest().pageSize(),
                    WindowRing.steadyPages(config));
            if (rings == config.layers()) {
                return bytes >= 0 ? config.capacity() : 0;
            }
        }
        long perPage = (long) (config.layers() - rings) * config.kvHeads()
                * (HeadPages.bytesFor(config.headDim(), config.quest().pageSize(), 1024) - HeadPages.ALIGN) / 1024;
        long fixed = (long) (config.layers() - rings) * config.kvHeads() * 4 * HeadPages.ALIGN;
        long budgetPages = Math.max(0, (bytes - fixed) / perPage);
        return budgetPages * config.quest().pageSize();
    }

    /** One (layer, KV head) at full capacity must fit one direct buffer: checked up front, not mid-document. */
    private static void checkHeadBuffer(PagedKvCacheConfig config) {
        int p = config.quest().pageSize();
        long bytes = HeadPages.bytesFor(config.headDim(), p, (config.capacity() + p - 1) / p);
        if (bytes > Integer.MAX_VALUE) {
            throw new KvCacheBudgetException("one KV head of one layer would need " + bytes + " bytes for " + config.capacity()
                    + " tokens, above the 2 GiB a buffer can hold; lower the context capacity", config.capacity(),
                    (Integer.MAX_VALUE - 4096L) / (bytes / config.capacity()));
        }
    }

    public PagedKvCacheConfig config() {
        return config;
    }

    /** The budget this cache reserves its storage in. */
    public KvMemoryBudget budget() {
        return budget;
    }

    /** Bytes of storage this cache holds itself (a fork's shared pages are counted by its parent). */
    public long allocatedBytes() {
        return reserved + (ring == null ? 0 : ring.reservedBytes());
    }

    /** Bytes of storage held by the sliding-window layers that keep only their window (0 when none does). */
    public long windowBytes() {
        return ring == null ? 0 : ring.reservedBytes();
    }

    /**
     * The first page layer holds: 0, except for a sliding-window layer keeping only its window, whose
     * {@link #pages(int, int)} storage starts at this page of the sequence (own row r is token firstPage * pageSize + r).
     */
    public int firstPage(int layer) {
        checkLayer(layer);
        return ring != null && config.rings(layer) ? ring.firstPage(layer) : 0;
    }

    /** {@link #firstPage} in tokens. */
    public int firstToken(int layer) {
        return firstPage(layer) * config.quest().pageSize();
    }

    /** Whether {@link #truncate} to len keeps what continuing from len needs (a sliding window may have dropped it). */
    public boolean resumable(int len) {
        return len == 0 || ring == null || ring.resumable(len);
    }

    /**
     * Changes the attention settings of the following attend calls, keeping the stored tokens and the statistics:
     * one dense prefill can then be decoded under several budgets (evaluation grids). The page size is the layout
     * of the stored pages, so it cannot change.
     */
    public void setQuest(QuestConfig quest) {
        checkOpen();
        if (quest.pageSize() != config.quest().pageSize()) {
            throw new IllegalArgumentException("setQuest cannot change the page size of a filled cache (" + config.quest().pageSize()
                    + " -> " + quest.pageSize() + "); create a cache with page-size " + quest.pageSize() + " instead");
        }
        config = config.withQuest(quest);
        executor = new AttentionExecutor(config, pool, executor.kernel(), pages, maxPages(), ring, executor.stats());
    }

    /** The kernel doing the work. */
    public String kernelName() {
        return executor.kernel().name();
    }

    AttentionKernel kernel() {
        return executor.kernel();
    }

    AttentionExecutor executor() {
        return executor;
    }

    /** The checks of a one-token {@link #attend} at pos in layer, for callers driving the executor directly. */
    void checkDecode(int layer, int pos) {
        checkOpen();
        checkLayer(layer);
        if (pos < 0 || pos >= written[layer]) {
            throw new IllegalArgumentException("attend of position " + pos + " needs it stored; layer " + layer + " holds "
                    + written[layer] + " tokens");
        }
    }

    /**
     * Whether a one-token {@link #attend} at pos in layer is a sliding layer's windowed step, which
     * {@link #attendWindow} then runs; checks what attend checks (position stored, window inside the ring).
     */
    boolean windowStep(int layer, int pos) {
        checkDecode(layer, pos);
        if (rings(layer) && Math.max(0, pos - config.slidingWindow() + 1) < ring.firstToken(layer)) {
            throw new IllegalStateException("sliding-window layer " + layer + " holds tokens from " + ring.firstToken(layer)
                    + " on; the window of position " + pos + " starts before them");
        }
        return executor.windowStep(layer, pos);
    }

    /**
     * The windowed step {@link #windowStep} announced, on the calling thread, the query at q[qOff ..] and the output at
     * out[outOff ..] (heads * headDim floats each): what {@link #attend} of that one token gives, counters included.
     */
    void attendWindow(int layer, int pos, float[] q, int qOff, float[] out, int outOff) {
        executor.windowDecode(layer, pos, q, qOff, out, outOff);
    }

    /** {@link #attendWindow} split over this cache's pool; only outside any of the pool's parallel sections. */
    void attendWindowSplit(int layer, int pos, float[] q, int qOff, float[] out, int outOff) {
        executor.windowDecodeSplit(layer, pos, q, qOff, out, outOff);
    }

    @Override
    public int length() {
        return length;
    }

    @Override
    public int capacity() {
        return config.capacity();
    }

    @Override
    public void store(int layer, int pos, int n, float[] k, float[] v) {
        checkWritable();
        checkLayer(layer);
        int kvDim = config.kvHeads() * config.headDim();
        if (n < 0 || pos < 0) {
            throw new IllegalArgumentException("store needs pos >= 0 and n >= 0, got pos=" + pos + " n=" + n);
        }
        if ((long) pos + n > config.capacity()) {
            throw new KvCacheBudgetException("storing positions [" + pos + ", " + (pos + n) + ") exceeds the KV cache capacity of "
                    + config.capacity() + " tokens; create the cache with a larger capacity (context), within "
                    + PagedKvCacheConfig.MEMORY_BUDGET_SETTING, (long) pos + n, config.capacity());
        }
        if (pos > written[layer]) {
            throw new IllegalArgumentException("layer " + layer + " holds " + written[layer] + " tokens; store at position "
                    + pos + " would leave a gap");
        }
        if ((long) n * kvDim > k.length || (long) n * kvDim > v.length) {
            throw new IllegalArgumentException("k and v must hold n * kvHeads * headDim = " + (long) n * kvDim + " floats, got "
                    + k.length + " and " + v.length);
        }
        if (n == 0) {
            return;
        }
        if (pos < split * config.quest().pageSize()) {
            throw new IllegalStateException("this forked cache reads positions [0, " + split * config.quest().pageSize()
                    + ") from its parent; truncate it below " + pos + " before storing there");
        }
        if (rings(layer)) {
            ring.prepare(layer, pos, n);
        } else {
            ensureTokens(pos + n);
        }
        if (pos < written[layer]) {
            rewind(layer, pos);
        }
        executor.store(layer, pos, n, k, v);
        written[layer] = pos + n;
    }

    @Override
    public void attend(int layer, int pos, int n, float[] q, float[] out) {
        attend(layer, pos, n, q, out, config.quest().attention());
    }

    @Override
    public void attendPrompt(int layer, int pos, int n, float[] q, float[] out) {
        checkOpen();
        checkLayer(layer);
        checkAttend(layer, pos, n, q, out);
        executor.attendPrompt(layer, pos, n, q, out);
    }

    /**
     * {@link #attend(int, int, int, float[], float[])} with the attention mode of this call given explicitly
     * (benchmarks compare both on one cache).
     */
    public void attend(int layer, int pos, int n, float[] q, float[] out, QuestConfig.Attention mode) {
        checkOpen();
        checkLayer(layer);
        checkAttend(layer, pos, n, q, out);
        executor.attend(layer, pos, n, q, out, mode);
    }

    /** The checks of an attend call: positions stored (and inside a sliding layer's ring), q and out large enough. */
    private void checkAttend(int layer, int pos, int n, float[] q, float[] out) {
        if (n < 1 || pos < 0 || (long) pos + n > written[layer]) {
            throw new IllegalArgumentException("attend of positions [" + pos + ", " + ((long) pos + n) + ") needs them stored; layer "
                    + layer + " holds " + written[layer] + " tokens");
        }
        if (rings(layer) && Math.max(0, pos - config.slidingWindow() + 1) < ring.firstToken(layer)) {
            throw new IllegalStateException("sliding-window layer " + layer + " holds tokens from " + ring.firstToken(layer)
                    + " on; the window of position " + pos + " starts before them");
        }
        long qDim = (long) config.heads() * config.headDim();
        if (n * qDim > q.length || n * qDim > out.length) {
            throw new IllegalArgumentException("q and out must hold n * heads * headDim = " + n * qDim + " floats, got "
                    + q.length + " and " + out.length);
        }
    }

    @Override
    public void advance(int n) {
        checkOpen();
        if (n < 0 || (long) length + n > config.capacity()) {
            throw new IllegalArgumentException("advance(" + n + ") from length " + length + " is outside capacity " + config.capacity());
        }
        for (int layer = 0; layer < written.length; layer++) {
            if (written[layer] < length + n) {
                throw new IllegalStateException("advance(" + n + ") to " + (length + n) + " but layer " + layer + " holds only "
                        + written[layer] + " tokens; store every layer first");
            }
        }
        length += n;
    }

    @Override
    public void truncate(int len) {
        checkOpen();
        if (len < 0 || len > length) {
            throw new IllegalArgumentException("truncate(" + len + ") must be within [0, length=" + length + "]");
        }
        boolean change = len < length || (len == 0 && ownPages > 0 && parent == null);
        for (int layer = 0; layer < written.length; layer++) {
            change |= written[layer] > len;
        }
        if (!change) {
            return;
        }
        checkWritable();
        if (!resumable(len) && !(parent != null && len < split * config.quest().pageSize())) {
            throw new IllegalStateException("cannot truncate to " + len + " tokens: the sliding-window layers kept tokens from "
                    + firstTokenOfRings() + " on, and continuing from " + len + " needs its window from " + Math.max(0, len
                    - config.slidingWindow() + 1) + " (check resumable first, or prefill again)");
        }
        if (parent != null && len < split * config.quest().pageSize()) {
            attach(len);
            return;
        }
        if (len == 0 && parent == null) {
            resizeOwn(0, 0); // an emptied cache gives its memory back to the budget
            if (ring != null) {
                ring.clear();
            }
        } else {
            for (int layer = 0; layer < written.length; layer++) {
                if (written[layer] > len) {
                    rewind(layer, len);
                }
            }
        }
        java.util.Arrays.fill(written, 0, written.length, len);
        length = len;
    }

    /** Restores the bounds of the page holding position len from its stored keys before len. */
    private void rewind(int layer, int len) {
        int p = config.quest().pageSize();
        if (len % p == 0) {
            return;
        }
        for (int h = 0; h < config.kvHeads(); h++) {
            executor.kernel().recomputeBounds(pages(layer, h), len / p - firstPage(layer), len % p);
        }
    }

    private boolean rings(int layer) {
        return ring != null && config.rings(layer);
    }

    private int firstTokenOfRings() {
        int first = 0;
        for (int l = 0; l < config.layers(); l++) {
            first = Math.max(first, rings(l) ? ring.firstToken(l) : 0);
        }
        return first;
    }

    @Override
    public AttentionStats stats() {
        return executor.stats();
    }

    /** The counters of the most recent decode step (one attend of one token in one layer). */
    public AttentionStats lastStepStats() {
        return executor.lastStep();
    }

    /** The paged storage of (layer, kvHead), for export; read through its views. */
    public HeadPages pages(int layer, int kvHead) {
        checkOpen();
        checkLayer(layer);
        if (kvHead < 0 || kvHead >= config.kvHeads()) {
            throw new IndexOutOfBoundsException("kvHead " + kvHead + " outside [0, " + config.kvHeads() + ")");
        }
        return pages[layer * config.kvHeads() + kvHead];
    }

    /** Pages holding the first length() tokens (the last may be partial). */
    public int pageCount() {
        int p = config.quest().pageSize();
        return (length + p - 1) / p;
    }

    /**
     * Loads tokens [0, tokens) of (layer, kvHead) from binary16 keys and values ((tokens, headDim) little-endian, as
     * {@link HeadPages#keysView()} exports them) and recomputes that head's page bounds from the keys, so imported
     * metadata can never disagree with the keys. Only on an empty cache; call {@link #advance} once every layer and
     * head is loaded.
     */
    public void load(int layer, int kvHead, ByteBuffer keys, ByteBuffer values, int tokens) {
        load(layer, kvHead, 0, keys, values, tokens);
    }

    /**
     * {@link #load(int, int, ByteBuffer, ByteBuffer, int)} of tokens [firstToken, tokens) (keys and values hold those):
     * firstToken is 0 except for a sliding-window layer keeping only its window, whose window (from position tokens)
     * must be among them; it keeps the part its window and headroom need.
     */
    public void load(int layer, int kvHead, int firstToken, ByteBuffer keys, ByteBuffer values, int tokens) {
        checkWritable();
        if (firstToken != 0 && !rings(layer)) {
            throw new IllegalArgumentException("layer " + layer + " keeps every token; load it from token 0, not " + firstToken);
        }
        pages(layer, kvHead);
        if (length != 0 || parent != null) {
            throw new IllegalStateException("load needs an empty cache that is not a fork (length is " + length + "); truncate(0) first");
        }
        long given = (long) (tokens - firstToken) * config.headDim() * 2;
        if (tokens < 0 || tokens > config.capacity() || firstToken < 0 || firstToken > tokens || keys.remaining() < given
                || values.remaining() < given) {
            throw new IllegalArgumentException("load of tokens [" + firstToken + ", " + tokens + ") needs " + given
                    + " bytes of keys and values within capacity " + config.capacity() + ", got " + keys.remaining() + " and "
                    + values.remaining());
        }
        int first = firstToken;
        if (rings(layer)) {
            first = ring.hold(layer, firstToken, tokens);
        } else {
            ensureTokens(tokens);
        }
        long skip = (long) (first - firstToken) * config.headDim() * 2;
        long bytes = (long) (tokens - first) * config.headDim() * 2;
        HeadPages hp = pages(layer, kvHead);
        ByteBuffer k = hp.keys().duplicate();
        ByteBuffer v = hp.values().duplicate();
        k.put(keys.duplicate().limit(keys.position() + (int) (skip + bytes)).position(keys.position() + (int) skip));
        v.put(values.duplicate().limit(values.position() + (int) (skip + bytes)).position(values.position() + (int) skip));
        int p = config.quest().pageSize();
        for (int page = first / p; page * p < tokens; page++) {
            executor.kernel().recomputeBounds(hp, page - first / p, Math.min(p, tokens - page * p));
        }
        written[layer] = tokens;
    }

    /**
     * A cache continuing this one's sequence (its first length() tokens) for another continuation: it reads this
     * cache's whole pages in place and copies only the partially filled last page, then stores its own tokens in
     * storage of its own, reserved in the same budget. This cache refuses writes until every fork is closed. The
     * fork attends with the same settings and kernel, on the given pool.
     */
    public synchronized PagedKvCache fork(Parallel pool) {
        checkOpen();
        if (parent != null) {
            throw new IllegalStateException("a forked cache cannot be forked again; fork its parent instead");
        }
        for (int layer = 0; layer < written.length; layer++) {
            if (written[layer] != length) {
                throw new IllegalStateException("fork needs every layer committed (layer " + layer + " holds " + written[layer]
                        + " tokens, length is " + length + "); advance or truncate first");
            }
        }
        PagedKvCache child = new PagedKvCache(this, pool);
        children++;
        return child;
    }

    /** Live forks of this cache. */
    public synchronized int forks() {
        return children;
    }

    /** The cache this one was forked from, or null. */
    public PagedKvCache parent() {
        return parent;
    }

    /** Pages read from the parent (0 unless forked). */
    public int sharedPages() {
        return split;
    }

    /** (Re)points this fork at the parent's first len tokens: whole pages shared, the partial one copied. */
    private void attach(int len) {
        int p = config.quest().pageSize();
        int newSplit = len / p;
        int rest = len - newSplit * p;
        long bytes = bytesOwned(rest > 0 ? 1 : 0);
        long old = reserved;
        reserved = reserve(bytes, len);
        if (old > 0) {
            budget.release(old);
        }
        for (int layer = 0; layer < config.layers(); layer++) {
            if (rings(layer)) {
                copyWindow(layer, len);
                continue;
            }
            for (int h = 0; h < config.kvHeads(); h++) {
                HeadPages from = parent.pages[layer * config.kvHeads() + h];
                HeadPages hp = HeadPages.fork(from, newSplit, rest > 0 ? 1 : 0);
                if (rest > 0) {
                    long off = (long) newSplit * p * config.headDim() * 2;
                    int n = rest * config.headDim() * 2;
                    hp.keys().duplicate().put(from.keys().duplicate().limit((int) off + n).position((int) off));
                    hp.values().duplicate().put(from.values().duplicate().limit((int) off + n).position((int) off));
                    parent.executor.kernel().recomputeBounds(hp, newSplit, rest);
                }
                pages[layer * config.kvHeads() + h] = hp;
            }
        }
        split = newSplit;
        ownPages = rest > 0 ? 1 : 0;
        java.util.Arrays.fill(written, len);
        length = len;
    }

    /** A fork's sliding-window layer: a copy of the parent's window pages for its first len tokens. */
    private void copyWindow(int layer, int len) {
        int p = config.quest().pageSize();
        int parentFirst = parent.firstPage(layer);
        int first = ring.hold(layer, parentFirst * p, len) / p;
        int count = (len + p - 1) / p - first;
        for (int h = 0; h < config.kvHeads(); h++) {
            HeadPages hp = pages[layer * config.kvHeads() + h];
            hp.copyPages(parent.pages[layer * config.kvHeads() + h], first - parentFirst, count);
            if (len % p != 0) {
                parent.executor.kernel().recomputeBounds(hp, count - 1, len % p);
            }
        }
    }

    /**
     * Allocates storage for at least tokens tokens now (exactly, when the budget cannot give the usual growth
     * slack), so a caller that knows a sequence's length can claim its memory before starting it. Throws
     * {@link KvCacheBudgetException}, changing nothing, when the budget has not enough left.
     */
    public void ensureCapacity(int tokens) {
        checkWritable();
        if (tokens < 0 || tokens > config.capacity()) {
            throw new KvCacheBudgetException("a KV cache for " + tokens + " tokens exceeds the capacity of " + config.capacity()
                    + " tokens (the context); create the cache with a larger capacity", tokens, config.capacity());
        }
        ensureTokens(tokens);
    }

    /** Tokens the allocated storage holds without growing. */
    public int allocatedTokens() {
        return (split + ownPages) * config.quest().pageSize();
    }

    /** Grows own storage so that every (layer, KV head) holds at least tokens tokens, within the budget. */
    private void ensureTokens(int tokens) {
        int p = config.quest().pageSize();
        int need = (tokens + p - 1) / p - split;
        if (need <= ownPages) {
            return;
        }
        int most = (config.capacity() + p - 1) / p - split;
        int roomy = Math.min(most, Math.max(need, Math.max(2 * ownPages, MIN_GROWTH_PAGES)));
        for (int target : new int[] {roomy, need}) {
            long delta = bytesOwned(target) - reserved;
            if (budget.tryReserve(delta)) {
                int used = 0;
                for (int w : written) {
                    used = Math.max(used, Math.min(ownPages, (w + p - 1) / p - split));
                }
                for (int i = 0; i < pages.length; i++) {
                    if (!rings(i / config.kvHeads())) {
                        pages[i].resize(target, used);
                    }
                }
                ownPages = target;
                reserved += delta;
                return;
            }
        }
        throw overBudget(tokens, bytesOwned(need) - reserved);
    }

    /** Replaces own storage by one of target pages keeping the first keep, adjusting the reservation. */
    private void resizeOwn(int target, int keep) {
        long bytes = bytesOwned(target);
        if (bytes > reserved && !budget.tryReserve(bytes - reserved)) {
            throw overBudget(target * config.quest().pageSize(), bytes - reserved);
        }
        for (int i = 0; i < pages.length; i++) {
            if (!rings(i / config.kvHeads())) {
                pages[i].resize(target, keep);
            }
        }
        if (bytes < reserved) {
            budget.release(reserved - bytes);
        }
        reserved = bytes;
        ownPages = target;
    }

    private long bytesOwned(int ownPagesPerHead) {
        return (long) (config.layers() - (ring == null ? 0 : ring.layers())) * config.kvHeads()
                * HeadPages.bytesFor(config.headDim(), config.quest().pageSize(), ownPagesPerHead);
    }

    private long reserve(long bytes, int tokens) {
        if (!budget.tryReserve(bytes)) {
            throw overBudget(tokens, bytes);
        }
        return bytes;
    }

    private KvCacheBudgetException overBudget(int tokens, long more) {
        long allowed = (long) split * config.quest().pageSize() + tokensWithin(config, reserved + budget.available());
        return new KvCacheBudgetException(String.format(
                "KV cache for %d tokens needs %,d more bytes (%d layers x %d KV heads x head dim %d, binary16, pages of %d) "
                        + "but %s has %,d of its %,d bytes left (the rest held by this and the other sequences sharing it), "
                        + "room for about %d tokens here; raise %s or shorten the document",
                tokens, more, config.layers(), config.kvHeads(), config.headDim(), config.quest().pageSize(),
                PagedKvCacheConfig.MEMORY_BUDGET_SETTING, budget.available(), budget.limit(), Math.min(allowed, config.capacity()),
                PagedKvCacheConfig.MEMORY_BUDGET_SETTING), tokens, Math.min(allowed, config.capacity()));
    }

    private int maxPages() {
        int p = config.quest().pageSize();
        return (config.capacity() + p - 1) / p;
    }

    /** Gives the storage back to the budget; a parent's storage stays while its forks read it. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            if (children > 0) {
                return; // released by the last fork's close
            }
        }
        release();
    }

    private void release() {
        budget.release(reserved + (ring == null ? 0 : ring.reservedBytes()));
        reserved = 0;
        java.util.Arrays.fill(pages, null);
        if (parent != null) {
            parent.forkClosed();
        }
    }

    private void forkClosed() {
        boolean last;
        synchronized (this) {
            children--;
            last = children == 0 && closed;
        }
        if (last) {
            release();
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("the KV cache is closed");
        }
    }

    private void checkWritable() {
        checkOpen();
        synchronized (this) {
            if (children > 0) {
                throw new IllegalStateException("this KV cache is shared read-only by " + children
                        + " forked caches; close them before storing, truncating or loading");
            }
        }
    }

    private void checkLayer(int layer) {
        if (layer < 0 || layer >= config.layers()) {
            throw new IndexOutOfBoundsException("layer " + layer + " outside [0, " + config.layers() + ")");
        }
    }
}
