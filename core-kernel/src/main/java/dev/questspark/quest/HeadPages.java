package dev.questspark.quest;

import dev.questspark.kernel.Float16;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The paged storage of one (layer, KV head): keys and values as binary16, token-major (page p holds tokens
 * [p*P, (p+1)*P), each headDim channels), and per page the channel-wise min and max of its keys. All regions are
 * little-endian, 64-byte aligned slices of one direct buffer, which grows (doubling, then copy) as tokens arrive.
 *
 * <p>The f32 {@code keyMin}/{@code keyMax} are the metadata of record (exported to Arrow as they are). Because
 * they are min/max of binary16 keys they are binary16 values, so {@code bounds} holds the same numbers as
 * binary16 exactly, interleaved per page (min row, then max row): the scoring kernel reads half the bytes.
 *
 * <p>A forked head ({@link #fork}) reads pages [0, split) from its parent's storage, read-only, and holds pages
 * from split on in its own buffers, where global page g is own page g - split. The kernels resolve every page
 * through {@link #split()}, so a forked head is attended exactly like one holding all its tokens contiguously.
 */
public final class HeadPages {
    static final int ALIGN = 64;
    /** Slabs from this size on ask for transparent huge pages (see NativeAttentionKernel#adviseHugePages). */
    static final long HUGE_PAGE_MIN_BYTES = 4L << 20;
    /** {@code -Dquest.kv.hugepages=false} keeps 4 KiB pages. */
    static final boolean USE_HUGE_PAGES = Boolean.parseBoolean(System.getProperty("quest.kv.hugepages", "true"))
            && NativeAttentionKernel.unavailableReason() == null;

    private final int headDim;
    private final int pageSize;
    private final float scale;
    private final HeadPages shared; // the parent's storage of pages [0, split), or null
    private final int split;
    private int pages;          // own pages of storage
    private ByteBuffer keys;    // (pages * pageSize, headDim) f16, own
    private ByteBuffer values;  // (pages * pageSize, headDim) f16, own
    private ByteBuffer keyMin;  // (pages, headDim) f32, own
    private ByteBuffer keyMax;  // (pages, headDim) f32, own
    private ByteBuffer bounds;  // (pages, 2, headDim) f16: min row then max row, own

    private HeadPages(int headDim, int pageSize, HeadPages shared, int split) {
        this.headDim = headDim;
        this.pageSize = pageSize;
        this.scale = (float) (1.0 / Math.sqrt(headDim));
        this.shared = shared;
        this.split = split;
    }

    /** Bytes one (layer, KV head) needs for the given number of pages, alignment slack included. */
    static long bytesFor(int headDim, int pageSize, int pages) {
        long kv = align((long) pages * pageSize * headDim * 2);
        long meta = align((long) pages * headDim * 4);
        return 2 * kv + 3 * meta + ALIGN;
    }

    /** Storage for the given pages; the caller has reserved {@link #bytesFor} them in its budget. */
    static HeadPages allocate(int headDim, int pageSize, int pages) {
        HeadPages hp = new HeadPages(headDim, pageSize, null, 0);
        hp.setStorage(pages, slab(headDim, pageSize, pages));
        return hp;
    }

    /**
     * A head reading pages [0, split) from parent (which must not change while the fork lives) and holding pages
     * from split on in its own storage of ownPages pages (reserved by the caller).
     */
    static HeadPages fork(HeadPages parent, int split, int ownPages) {
        if (parent.shared != null) {
            throw new IllegalArgumentException("a forked head cannot be forked again");
        }
        if (split < 0 || split > parent.pages) {
            throw new IllegalArgumentException("split " + split + " outside the parent's " + parent.pages + " pages");
        }
        HeadPages hp = new HeadPages(parent.headDim, parent.pageSize, split == 0 ? null : parent, split);
        hp.setStorage(ownPages, slab(parent.headDim, parent.pageSize, ownPages));
        return hp;
    }

    /**
     * Replaces the own storage with one of newPages pages holding a copy of the first keep own pages (the caller has
     * reserved the difference in bytes).
     */
    void resize(int newPages, int keep) {
        if (keep > Math.min(pages, newPages)) {
            throw new IllegalArgumentException("cannot keep " + keep + " of " + pages + " pages in " + newPages);
        }
        ByteBuffer slab = slab(headDim, pageSize, newPages);
        ByteBuffer oldKeys = keys;
        ByteBuffer oldValues = values;
        ByteBuffer oldMin = keyMin;
        ByteBuffer oldMax = keyMax;
        ByteBuffer oldBounds = bounds;
        setStorage(newPages, slab);
        long kv = (long) keep * pageSize * headDim * 2;
        long meta = (long) keep * headDim * 4;
        copy(oldKeys, keys, kv);
        copy(oldValues, values, kv);
        copy(oldMin, keyMin, meta);
        copy(oldMax, keyMax, meta);
        copy(oldBounds, bounds, meta);
    }

    /**
     * Copies own pages [from, from + count) of src to own pages [0, count) of this head (src may be this head: the
     * pages move to the front, a forward copy that never overwrites what it still has to read).
     */
    void copyPages(HeadPages src, int from, int count) {
        if (from < 0 || count < 0 || from + count > src.pages || count > pages) {
            throw new IllegalArgumentException("cannot copy pages [" + from + ", " + (from + count) + ") of " + src.pages + " into " + pages);
        }
        long kv = (long) pageSize * headDim * 2;
        long meta = (long) headDim * 4;
        move(src.keys, keys, from * kv, count * kv);
        move(src.values, values, from * kv, count * kv);
        move(src.keyMin, keyMin, from * meta, count * meta);
        move(src.keyMax, keyMax, from * meta, count * meta);
        move(src.bounds, bounds, from * meta, count * meta);
    }

    private static void move(ByteBuffer from, ByteBuffer to, long offset, long bytes) {
        if (bytes == 0 || from == to && offset == 0) {
            return;
        }
        int chunk = from == to ? (int) Math.min(offset, bytes) : (int) bytes; // same buffer: no chunk overlaps its source
        for (long done = 0; done < bytes; done += chunk) {
            int n = (int) Math.min(chunk, bytes - done);
            to.duplicate().position((int) done).put(from.duplicate().limit((int) (offset + done + n)).position((int) (offset + done)));
        }
    }

    private static void copy(ByteBuffer from, ByteBuffer to, long bytes) {
        to.duplicate().put(from.duplicate().limit((int) bytes));
    }

    private static ByteBuffer slab(int headDim, int pageSize, int pages) {
        long bytes = bytesFor(headDim, pageSize, pages);
        if (bytes > Integer.MAX_VALUE) {
            throw new KvCacheBudgetException("one KV head of one layer would need " + bytes + " bytes for " + (long) pages * pageSize
                    + " tokens, above the 2 GiB a buffer can hold; lower the context capacity",
                    (long) pages * pageSize, (Integer.MAX_VALUE - 4096L) / (bytes / ((long) pages * pageSize)));
        }
        try {
            ByteBuffer raw = ByteBuffer.allocateDirect((int) bytes);
            if (bytes >= HUGE_PAGE_MIN_BYTES && USE_HUGE_PAGES) {
                NativeAttentionKernel.adviseHugePages(raw);
            }
            return raw.alignedSlice(ALIGN);
        } catch (OutOfMemoryError e) {
            throw new KvCacheBudgetException("the JVM has no direct memory left for " + bytes + " more bytes of KV cache ("
                    + (long) pages * pageSize + " tokens); raise -XX:MaxDirectMemorySize or lower "
                    + PagedKvCacheConfig.MEMORY_BUDGET_SETTING + " / the context", (long) pages * pageSize, 0);
        }
    }

    private void setStorage(int pages, ByteBuffer slab) {
        this.pages = pages;
        long kv = (long) pages * pageSize * headDim * 2;
        long meta = (long) pages * headDim * 4;
        long offset = 0;
        keys = region(slab, offset, kv);
        offset += align(kv);
        values = region(slab, offset, kv);
        offset += align(kv);
        keyMin = region(slab, offset, meta);
        offset += align(meta);
        keyMax = region(slab, offset, meta);
        offset += align(meta);
        bounds = region(slab, offset, meta);
    }

    private static long align(long n) {
        return (n + ALIGN - 1) & -ALIGN;
    }

    private static ByteBuffer region(ByteBuffer slab, long offset, long length) {
        ByteBuffer b = slab.duplicate();
        b.position((int) offset).limit((int) (offset + length));
        return b.slice().order(ByteOrder.LITTLE_ENDIAN);
    }

    public int headDim() {
        return headDim;
    }

    public int pageSize() {
        return pageSize;
    }

    /** Pages readable: the shared ones and the own storage (capacity in tokens = pages * pageSize). */
    public int pages() {
        return split + pages;
    }

    /** Tokens readable without growing. */
    public int tokenCapacity() {
        return pages() * pageSize;
    }

    /** Pages of own storage. */
    int ownPages() {
        return pages;
    }

    /** The parent head whose storage holds pages [0, split()), or null when not forked. */
    HeadPages parentHead() {
        return shared;
    }

    /** Pages [0, split()) are read from the parent's storage ({@link #sharedKeys()} ...); 0 when not forked. */
    int split() {
        return split;
    }

    /** The softmax scale 1/sqrt(headDim), computed once so every kernel uses the same float. */
    float scale() {
        return scale;
    }

    /** Own keys, binary16, (own tokens, headDim) little-endian: global token t at row t - split * pageSize. */
    ByteBuffer keys() {
        return keys;
    }

    ByteBuffer values() {
        return values;
    }

    ByteBuffer keyMin() {
        return keyMin;
    }

    ByteBuffer keyMax() {
        return keyMax;
    }

    ByteBuffer bounds() {
        return bounds;
    }

    /** Keys of pages [0, split) (the own keys when not forked). */
    ByteBuffer sharedKeys() {
        return shared != null ? shared.keys : keys;
    }

    ByteBuffer sharedValues() {
        return shared != null ? shared.values : values;
    }

    ByteBuffer sharedBounds() {
        return shared != null ? shared.bounds : bounds;
    }

    /** Read-only little-endian view of the keys (binary16, (tokens, headDim)); positions past the cache length are stale. */
    public ByteBuffer keysView() {
        return view(shared == null ? null : shared.keys, keys, (long) pageSize * headDim * 2);
    }

    /** Read-only little-endian view of the values (binary16, (tokens, headDim)). */
    public ByteBuffer valuesView() {
        return view(shared == null ? null : shared.values, values, (long) pageSize * headDim * 2);
    }

    /** Read-only little-endian view of the per-page key minimum (f32, (pages, headDim)). */
    public ByteBuffer keyMinView() {
        return view(shared == null ? null : shared.keyMin, keyMin, (long) headDim * 4);
    }

    /** Read-only little-endian view of the per-page key maximum (f32, (pages, headDim)). */
    public ByteBuffer keyMaxView() {
        return view(shared == null ? null : shared.keyMax, keyMax, (long) headDim * 4);
    }

    /** The own region, or for a fork a direct copy of the shared pages followed by the own ones. */
    private ByteBuffer view(ByteBuffer sharedRegion, ByteBuffer own, long bytesPerPage) {
        if (sharedRegion == null) {
            return own.asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
        }
        long head = split * bytesPerPage;
        ByteBuffer joined = ByteBuffer.allocateDirect((int) (head + own.capacity()));
        joined.put(sharedRegion.duplicate().position(0).limit((int) head)).put(own.duplicate().clear()).clear();
        return joined.asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
    }

    /** The key of token t, channel c, as a float. */
    public float key(int t, int c) {
        return Float16.toFloat(t < split * pageSize ? shared.keys.getShort((t * headDim + c) * 2)
                : keys.getShort(((t - split * pageSize) * headDim + c) * 2));
    }

    /** The value of token t, channel c, as a float. */
    public float value(int t, int c) {
        return Float16.toFloat(t < split * pageSize ? shared.values.getShort((t * headDim + c) * 2)
                : values.getShort(((t - split * pageSize) * headDim + c) * 2));
    }

    /** The stored minimum of channel c over page p's keys. */
    public float min(int page, int c) {
        return page < split ? shared.min(page, c) : keyMin.getFloat(((page - split) * headDim + c) * 4);
    }

    /** The stored maximum of channel c over page p's keys. */
    public float max(int page, int c) {
        return page < split ? shared.max(page, c) : keyMax.getFloat(((page - split) * headDim + c) * 4);
    }

    /** The binary16 scoring copy of page's bounds, channel c: the minimum row, or the maximum row when upper. */
    short bound(int page, boolean upper, int c) {
        ByteBuffer b = page < split ? shared.bounds : bounds;
        int local = page < split ? page : page - split;
        return b.getShort((local * 2 * headDim + (upper ? headDim : 0) + c) * 2);
    }
}
