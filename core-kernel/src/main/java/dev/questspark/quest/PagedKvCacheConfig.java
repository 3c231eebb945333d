package dev.questspark.quest;

/**
 * Shape and limits of a {@link PagedKvCache}.
 *
 * @param layers            transformer layers
 * @param heads             query heads
 * @param kvHeads           key/value heads (heads must be a multiple: query head h reads KV head h / (heads / kvHeads))
 * @param headDim           channels per head
 * @param capacity          most tokens the cache holds (the context length it is made for)
 * @param quest             attention settings
 * @param memoryBudgetBytes hard limit on the bytes the cache allocates (setting {@code kv-memory-budget})
 * @param slidingWindow     tokens a sliding-window layer attends, its own included (0: every layer attends all)
 * @param slidingLayers     (layers) true for the layers restricted to slidingWindow (Gemma 3's local layers)
 * @param windowRing        true: sliding-window layers keep only their window of KV (a run of pages that slides along
 *                          the sequence, {@link WindowRing}); false: they store every token (the slow twin)
 */
public record PagedKvCacheConfig(int layers, int heads, int kvHeads, int headDim, int capacity, QuestConfig quest,
        long memoryBudgetBytes, int slidingWindow, boolean[] slidingLayers, boolean windowRing) {
    /** The name of the memory budget setting, as error messages and config files spell it. */
    public static final String MEMORY_BUDGET_SETTING = "kv-memory-budget";
    /** Default budget: 4 GiB. */
    public static final long DEFAULT_MEMORY_BUDGET = 4L << 30;
    /** Most tokens a cache holds (2^30): page counts and (pages, page size) products stay in int range. */
    public static final int MAX_CAPACITY = 1 << 30;
    /**
     * Whether sliding-window layers keep only their window (property {@code quest.kv.window-ring}, default true);
     * false stores every token in every layer, as before the ring.
     */
    public static final boolean WINDOW_RING = Boolean.parseBoolean(System.getProperty("quest.kv.window-ring", "true"));

    /** A cache whose layers all attend the whole context. */
    public PagedKvCacheConfig(int layers, int heads, int kvHeads, int headDim, int capacity, QuestConfig quest,
            long memoryBudgetBytes) {
        this(layers, heads, kvHeads, headDim, capacity, quest, memoryBudgetBytes, 0, new boolean[Math.max(0, layers)], WINDOW_RING);
    }

    public PagedKvCacheConfig {
        if (layers < 1 || heads < 1 || kvHeads < 1 || headDim < 1 || capacity < 1) {
            throw new IllegalArgumentException("layers, heads, kvHeads, headDim and capacity must be positive, got layers="
                    + layers + " heads=" + heads + " kvHeads=" + kvHeads + " headDim=" + headDim + " capacity=" + capacity);
        }
        if (capacity > MAX_CAPACITY) {
            throw new IllegalArgumentException("capacity " + capacity + " tokens is above the " + MAX_CAPACITY
                    + " a KV cache can hold; lower the context");
        }
        if (heads % kvHeads != 0) {
            throw new IllegalArgumentException("heads (" + heads + ") must be a multiple of kvHeads (" + kvHeads + ")");
        }
        if (headDim > 1024) {
            throw new IllegalArgumentException("headDim " + headDim + " is above the supported 1024");
        }
        if (quest == null) {
            throw new IllegalArgumentException("quest config must be set (QuestConfig.dense() for dense attention)");
        }
        long scoreSlots = (long) heads * ((capacity + quest.pageSize() - 1L) / quest.pageSize());
        if (scoreSlots > Integer.MAX_VALUE - 8) { // Quest scores every page of the capacity for every query head
            throw new IllegalArgumentException("capacity " + capacity + " tokens in pages of " + quest.pageSize() + " for " + heads
                    + " query heads needs " + scoreSlots + " page scores, more than an array holds; lower the context");
        }
        if (memoryBudgetBytes <= 0) {
            throw new IllegalArgumentException(MEMORY_BUDGET_SETTING + " must be positive, got " + memoryBudgetBytes);
        }
        if (slidingWindow < 0 || slidingLayers == null || slidingLayers.length != layers) {
            throw new IllegalArgumentException("slidingWindow must be >= 0 with one sliding flag per layer, got " + slidingWindow
                    + " and " + (slidingLayers == null ? "none" : slidingLayers.length + " flags") + " for " + layers + " layers");
        }
        slidingLayers = slidingLayers.clone();
    }

    /** True when layer attends only its last {@link #slidingWindow} tokens. */
    public boolean slides(int layer) {
        return slidingWindow > 0 && slidingLayers[layer];
    }

    /** True when layer keeps only its window of KV ({@link WindowRing}). */
    public boolean rings(int layer) {
        return windowRing && slides(layer);
    }

    /** Query heads per KV head. */
    public int groupSize() {
        return heads / kvHeads;
    }

    public PagedKvCacheConfig withQuest(QuestConfig q) {
        return new PagedKvCacheConfig(layers, heads, kvHeads, headDim, capacity, q, memoryBudgetBytes, slidingWindow,
                slidingLayers, windowRing);
    }

    public PagedKvCacheConfig withCapacity(int c) {
        return new PagedKvCacheConfig(layers, heads, kvHeads, headDim, c, quest, memoryBudgetBytes, slidingWindow,
                slidingLayers, windowRing);
    }

    public PagedKvCacheConfig withMemoryBudget(long bytes) {
        return new PagedKvCacheConfig(layers, heads, kvHeads, headDim, capacity, quest, bytes, slidingWindow, slidingLayers, windowRing);
    }

    /** This shape with the given layers restricted to a sliding window of window tokens. */
    public PagedKvCacheConfig withSlidingWindow(int window, boolean[] sliding) {
        return new PagedKvCacheConfig(layers, heads, kvHeads, headDim, capacity, quest, memoryBudgetBytes, window, sliding, windowRing);
    }

    /** This shape with sliding-window layers keeping only their window (true) or every token (false, the slow twin). */
    public PagedKvCacheConfig withWindowRing(boolean ring) {
        return new PagedKvCacheConfig(layers, heads, kvHeads, headDim, capacity, quest, memoryBudgetBytes, slidingWindow,
                slidingLayers, ring);
    }
}
