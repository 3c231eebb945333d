package dev.questspark.quest;

/**
 * The KV of a {@link PagedKvCache}'s sliding-window layers, holding only what their attention can still read: per
 * sliding layer, every KV head keeps a run of pages [base, base + held) of the sequence that slides forward as tokens
 * arrive. Own storage row r holds token base * pageSize + r, so the kernels address a window exactly like a cache
 * whose first token is base * pageSize; pages stay aligned to the sequence's pages, so windowed attention reads the
 * same pages with the same tails and is bit-identical to attention over a cache that stores every token.
 *
 * <p>Storage is compacted lazily: only when a store would run past the storage's end are the pages no query can reach
 * any more dropped (those before the stored positions' window, less the headroom) and the rest moved to the front;
 * one copy of about window + headroom tokens per {@link #slackPages} pages stored. The headroom (property
 * {@code quest.kv.window-headroom}, default the window) is history kept beyond the window so that a session can
 * truncate back by that many tokens (a question and its answer, back to the document) and continue; a truncation
 * further back finds the window gone ({@link #resumable}). A layer's storage is thus bounded by window + headroom +
 * slack (+ one prefill block while it is stored), whatever the context.
 */
final class WindowRing {
    /** History kept beyond the window, in tokens; -1: as many as the window. */
    static final int HEADROOM = Integer.getInteger("quest.kv.window-headroom", -1);

    private final PagedKvCacheConfig config;
    private final KvMemoryBudget budget;
    private final HeadPages[] pages; // (layers * kvHeads) the cache's array; this class owns the sliding layers' slots
    private final int window;
    private final int headroom;
    private final int pageSize;
    private final int ringLayers;
    private final int[] base; // (layers) first page held by each sliding layer
    private int ringPages;    // own pages of storage per (sliding layer, KV head)
    private long reserved;    // bytes reserved in budget for that storage

    WindowRing(PagedKvCacheConfig config, KvMemoryBudget budget, HeadPages[] pages) {
        this.config = config;
        this.budget = budget;
        this.pages = pages;
        this.window = config.slidingWindow();
        this.headroom = headroom(config);
        this.pageSize = config.quest().pageSize();
        int n = 0;
        for (int l = 0; l < config.layers(); l++) {
            n += config.rings(l) ? 1 : 0;
        }
        this.ringLayers = n;
        this.base = new int[config.layers()];
        for (int l = 0; l < config.layers(); l++) {
            if (config.rings(l)) {
                for (int h = 0; h < config.kvHeads(); h++) {
                    pages[l * config.kvHeads() + h] = HeadPages.allocate(config.headDim(), pageSize, 0);
                }
            }
        }
    }

    private static int headroom(PagedKvCacheConfig config) {
        return HEADROOM >= 0 ? HEADROOM : config.slidingWindow();
    }

    /** Sliding layers keeping only their window. */
    int layers() {
        return ringLayers;
    }

    /** Pages a sliding layer keeps at most in steady state: window and headroom (any alignment), plus the slack. */
    static int steadyPages(PagedKvCacheConfig config) {
        int p = config.quest().pageSize();
        return ceilDiv(config.slidingWindow() + headroom(config) + p - 1, p) + slackPages(config);
    }

    /** Pages stored between two compactions: a quarter of the window, at least one page. */
    static int slackPages(PagedKvCacheConfig config) {
        int p = config.quest().pageSize();
        return Math.max(1, ceilDiv(config.slidingWindow(), p) / 4);
    }

    /** The first token layer holds (0 for a layer that is not a sliding ring). */
    int firstToken(int layer) {
        return base[layer] * pageSize;
    }

    int firstPage(int layer) {
        return base[layer];
    }

    long reservedBytes() {
        return reserved;
    }

    /** Own pages of storage per (sliding layer, KV head). */
    int ringPages() {
        return ringPages;
    }

    /** The first page a layer must keep so that positions from pos on can be attended (and truncated back to, headroom). */
    private int keepFrom(int pos) {
        return Math.max(0, pos - window + 1 - headroom) / pageSize;
    }

    /**
     * Makes room in layer for positions [pos, pos + n), where the layer holds tokens [firstToken, written) and
     * pos <= written: drops the pages no query from pos on reaches when the storage would overflow, then grows the
     * storage of every sliding layer within the budget if that is not enough.
     */
    void prepare(int layer, int pos, int n) {
        int end = ceilDiv(pos + n, pageSize);
        if (end - base[layer] <= ringPages) {
            return;
        }
        int keep = Math.max(base[layer], keepFrom(pos));
        int held = Math.max(0, ceilDiv(pos, pageSize) - keep);
        if (keep > base[layer]) {
            for (int h = 0; h < config.kvHeads(); h++) {
                HeadPages hp = pages[layer * config.kvHeads() + h];
                hp.copyPages(hp, keep - base[layer], held);
            }
            base[layer] = keep;
        }
        if (end - keep > ringPages) {
            grow(Math.max(end - keep, Math.min(steadyPages(config), ceilDiv(config.capacity(), pageSize))));
        }
    }

    /** Storage of target pages for every sliding layer and KV head, keeping what they hold. */
    private void grow(int target) {
        long bytes = (long) ringLayers * config.kvHeads() * HeadPages.bytesFor(config.headDim(), pageSize, target);
        if (!budget.tryReserve(bytes - reserved)) {
            throw new KvCacheBudgetException(String.format("the sliding-window layers' KV (%d layers x %d KV heads, %d tokens "
                    + "each: window %d, headroom %d) needs %,d more bytes but %s has %,d left; raise %s",
                    ringLayers, config.kvHeads(), target * pageSize, window, headroom, bytes - reserved,
                    PagedKvCacheConfig.MEMORY_BUDGET_SETTING, budget.available(), PagedKvCacheConfig.MEMORY_BUDGET_SETTING),
                    (long) target * pageSize, (long) ringPages * pageSize);
        }
        forEachHead(hp -> hp.resize(target, Math.min(ringPages, target)));
        reserved = bytes;
        ringPages = target;
    }

    /** Whether the layers hold the window a cache truncated to len continues from. */
    boolean resumable(int len) {
        int need = Math.max(0, len - window + 1) / pageSize;
        for (int l = 0; l < base.length; l++) {
            if (config.rings(l) && base[l] > need) {
                return false;
            }
        }
        return true;
    }

    /** Empties every sliding layer and gives its storage back to the budget. */
    void clear() {
        forEachHead(hp -> hp.resize(0, 0));
        budget.release(reserved);
        reserved = 0;
        ringPages = 0;
        java.util.Arrays.fill(base, 0);
    }

    /**
     * Sets layer to hold tokens [firstToken, tokens) given from firstToken on (a snapshot's pages or a parent's):
     * keeps the part from the window (and headroom) of position tokens, growing storage as needed; returns the first
     * token kept. firstToken must be page-aligned and no later than the window of position tokens starts.
     */
    int hold(int layer, int firstToken, int tokens) {
        if (firstToken % pageSize != 0 || firstToken > Math.max(0, tokens - window + 1) / pageSize * pageSize) {
            throw new IllegalArgumentException("sliding-window layer " + layer + " needs its window from token "
                    + Math.max(0, tokens - window + 1) + " of " + tokens + " (pages from " + firstToken + " given)");
        }
        int keep = Math.max(firstToken / pageSize, keepFrom(tokens));
        int need = ceilDiv(tokens, pageSize) - keep;
        if (need > ringPages) {
            grow(Math.max(need, Math.min(steadyPages(config), ceilDiv(config.capacity(), pageSize))));
        }
        base[layer] = keep;
        return keep * pageSize;
    }

    private void forEachHead(java.util.function.Consumer<HeadPages> body) {
        for (int l = 0; l < config.layers(); l++) {
            if (config.rings(l)) {
                for (int h = 0; h < config.kvHeads(); h++) {
                    body.accept(pages[l * config.kvHeads() + h]);
                }
            }
        }
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }
}
