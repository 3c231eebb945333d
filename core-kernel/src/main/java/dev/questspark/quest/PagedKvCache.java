package dev.questspark.quest;

import dev.questspark.kernel.Parallel;
import dev.questspark.model.AttentionStats;
import dev.questspark.model.KvCache;
import java.nio.ByteBuffer;

/**
 * A KV cache stored off-heap in pages of {@code page-size} tokens per (layer, KV head), keys and values as binary16
 * (like llama.cpp's default f16 cache: half the bytes of f32 to stream), with per-page key bounds for Quest.
 * All storage for the configured capacity is allocated up front, after checking it against the memory budget;
 * nothing is allocated while decoding.
 *
 * <p>Decode steps (one query token) on layers from {@code dense-layers} on, with {@code attention = quest} and a
 * context longer than the step's token budget ({@link QuestConfig#budgetAt}), attend only to the pages Quest selects;
 * everything else is dense causal
 * attention. Work is split into fixed segments that do not depend on the thread count, so outputs are
 * bit-identical for any number of threads. One sequence per cache; calls must not overlap.
 */
public final class PagedKvCache implements KvCache {
    private final Parallel pool;
    private final int pagesPerHead;
    private PagedKvCacheConfig config;
    private AttentionExecutor executor;
    private final HeadPages[] pages; // (layers * kvHeads)
    private final int[] written;     // (layers): tokens stored per layer
    private int length;
    private boolean closed;

    /** A cache using the kernel chosen by {@link AttentionKernels#get()}. */
    public PagedKvCache(PagedKvCacheConfig config, Parallel pool) {
        this(config, pool, AttentionKernels.get());
    }

    public PagedKvCache(PagedKvCacheConfig config, Parallel pool, AttentionKernel kernel) {
        this.config = config;
        this.pool = pool;
        int pageSize = config.quest().pageSize();
        this.pagesPerHead = (config.capacity() + pageSize - 1) / pageSize;
        checkBudget(config, pagesPerHead);
        this.pages = new HeadPages[config.layers() * config.kvHeads()];
        for (int i = 0; i < pages.length; i++) {
            pages[i] = HeadPages.allocate(config.headDim(), pageSize, pagesPerHead);
        }
        this.written = new int[config.layers()];
        this.executor = new AttentionExecutor(config, pool, kernel, pages, pagesPerHead);
    }

    /** Bytes a cache with this configuration allocates. */
    public static long bytesRequired(PagedKvCacheConfig config) {
        int pageSize = config.quest().pageSize();
        int pagesPerHead = (config.capacity() + pageSize - 1) / pageSize;
        return (long) config.layers() * config.kvHeads() * HeadPages.bytesFor(config.headDim(), pageSize, pagesPerHead);
    }

    /** The most tokens a cache of this shape can hold within memoryBudgetBytes. */
    public static long tokensWithinBudget(PagedKvCacheConfig config) {
        long perPage = (long) config.layers() * config.kvHeads()
                * (HeadPages.bytesFor(config.headDim(), config.quest().pageSize(), 1024) - HeadPages.ALIGN) / 1024;
        long fixed = (long) config.layers() * config.kvHeads() * 4 * HeadPages.ALIGN;
        long budgetPages = Math.max(0, (config.memoryBudgetBytes() - fixed) / perPage);
        return budgetPages * config.quest().pageSize();
    }

    private static void checkBudget(PagedKvCacheConfig config, int pagesPerHead) {
        long need = bytesRequired(config);
        if (need > config.memoryBudgetBytes()) {
            throw new KvCacheBudgetException(String.format(
                    "KV cache for %d tokens needs %,d bytes (%d layers x %d KV heads x head dim %d, binary16, pages of %d) "
                            + "but %s is %,d bytes, room for about %d tokens; raise %s or lower the context",
                    config.capacity(), need, config.layers(), config.kvHeads(), config.headDim(), config.quest().pageSize(),
                    PagedKvCacheConfig.MEMORY_BUDGET_SETTING, config.memoryBudgetBytes(), tokensWithinBudget(config),
                    PagedKvCacheConfig.MEMORY_BUDGET_SETTING), config.capacity(), tokensWithinBudget(config));
        }
    }

    public PagedKvCacheConfig config() {
        return config;
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
        executor = new AttentionExecutor(config, pool, executor.kernel(), pages, pagesPerHead, executor.stats());
    }

    /** The kernel doing the work. */
    public String kernelName() {
        return executor.kernel().name();
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
        checkOpen();
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

    /**
     * {@link #attend(int, int, int, float[], float[])} with the attention mode of this call given explicitly
     * (benchmarks compare both on one cache).
     */
    public void attend(int layer, int pos, int n, float[] q, float[] out, QuestConfig.Attention mode) {
        checkOpen();
        checkLayer(layer);
        if (n < 1 || pos < 0 || (long) pos + n > written[layer]) {
            throw new IllegalArgumentException("attend of positions [" + pos + ", " + ((long) pos + n) + ") needs them stored; layer "
                    + layer + " holds " + written[layer] + " tokens");
        }
        long qDim = (long) config.heads() * config.headDim();
        if (n * qDim > q.length || n * qDim > out.length) {
            throw new IllegalArgumentException("q and out must hold n * heads * headDim = " + n * qDim + " floats, got "
                    + q.length + " and " + out.length);
        }
        executor.attend(layer, pos, n, q, out, mode);
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
        for (int layer = 0; layer < written.length; layer++) {
            if (written[layer] > len) {
                rewind(layer, len);
                written[layer] = len;
            }
        }
        length = len;
    }

    /** Restores the bounds of the page holding position len from its stored keys before len. */
    private void rewind(int layer, int len) {
        int p = config.quest().pageSize();
        if (len % p == 0) {
            return;
        }
        for (int h = 0; h < config.kvHeads(); h++) {
            executor.kernel().recomputeBounds(pages(layer, h), len / p, len % p);
        }
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
        HeadPages hp = pages(layer, kvHead);
        if (length != 0) {
            throw new IllegalStateException("load needs an empty cache (length is " + length + "); truncate(0) first");
        }
        long bytes = (long) tokens * config.headDim() * 2;
        if (tokens < 0 || tokens > config.capacity() || keys.remaining() < bytes || values.remaining() < bytes) {
            throw new IllegalArgumentException("load of " + tokens + " tokens needs " + bytes + " bytes of keys and values within capacity "
                    + config.capacity() + ", got " + keys.remaining() + " and " + values.remaining());
        }
        ByteBuffer k = hp.keys().duplicate();
        ByteBuffer v = hp.values().duplicate();
        k.put(keys.duplicate().limit(keys.position() + (int) bytes));
        v.put(values.duplicate().limit(values.position() + (int) bytes));
        int p = config.quest().pageSize();
        for (int page = 0; page * p < tokens; page++) {
            executor.kernel().recomputeBounds(hp, page, Math.min(p, tokens - page * p));
        }
        written[layer] = tokens;
    }

    @Override
    public void close() {
        closed = true;
        java.util.Arrays.fill(pages, null);
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("the KV cache is closed");
        }
    }

    private void checkLayer(int layer) {
        if (layer < 0 || layer >= config.layers()) {
            throw new IndexOutOfBoundsException("layer " + layer + " outside [0, " + config.layers() + ")");
        }
    }
}
