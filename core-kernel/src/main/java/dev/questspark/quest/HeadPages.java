package dev.questspark.quest;

import dev.questspark.kernel.Float16;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The paged storage of one (layer, KV head): keys and values as binary16, token-major (page p holds tokens
 * [p*P, (p+1)*P), each headDim channels), and per page the channel-wise min and max of its keys. All regions are
 * little-endian, 64-byte aligned slices of one direct buffer.
 *
 * <p>The f32 {@code keyMin}/{@code keyMax} are the metadata of record (exported to Arrow as they are). Because
 * they are min/max of binary16 keys they are binary16 values, so {@code bounds} holds the same numbers as
 * binary16 exactly, interleaved per page (min row, then max row): the scoring kernel reads half the bytes.
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
    private final int pages;
    private final float scale;
    private final ByteBuffer keys;   // (pages * pageSize, headDim) f16
    private final ByteBuffer values; // (pages * pageSize, headDim) f16
    private final ByteBuffer keyMin; // (pages, headDim) f32
    private final ByteBuffer keyMax; // (pages, headDim) f32
    private final ByteBuffer bounds; // (pages, 2, headDim) f16: min row then max row

    private HeadPages(int headDim, int pageSize, int pages, ByteBuffer slab) {
        this.headDim = headDim;
        this.pageSize = pageSize;
        this.pages = pages;
        this.scale = (float) (1.0 / Math.sqrt(headDim));
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

    /** Bytes one (layer, KV head) needs for the given number of pages, alignment slack included. */
    static long bytesFor(int headDim, int pageSize, int pages) {
        long kv = align((long) pages * pageSize * headDim * 2);
        long meta = align((long) pages * headDim * 4);
        return 2 * kv + 3 * meta + ALIGN;
    }

    /** Allocates storage for the given pages; the caller has checked the size against its budget. */
    static HeadPages allocate(int headDim, int pageSize, int pages) {
        long bytes = bytesFor(headDim, pageSize, pages);
        if (bytes > Integer.MAX_VALUE) {
            throw new KvCacheBudgetException("one KV head of one layer would need " + bytes + " bytes for " + (long) pages * pageSize
                    + " tokens, above the 2 GiB a buffer can hold; lower the context capacity",
                    (long) pages * pageSize, (Integer.MAX_VALUE - 4096L) / (bytes / ((long) pages * pageSize)));
        }
        ByteBuffer slab;
        try {
            ByteBuffer raw = ByteBuffer.allocateDirect((int) bytes);
            if (bytes >= HUGE_PAGE_MIN_BYTES && USE_HUGE_PAGES) {
                NativeAttentionKernel.adviseHugePages(raw);
            }
            slab = raw.alignedSlice(ALIGN);
        } catch (OutOfMemoryError e) {
            throw new KvCacheBudgetException("the JVM has no direct memory left for " + bytes + " more bytes of KV cache ("
                    + (long) pages * pageSize + " tokens); raise -XX:MaxDirectMemorySize or lower kv-memory-budget / the context",
                    (long) pages * pageSize, 0);
        }
        return new HeadPages(headDim, pageSize, pages, slab);
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

    /** Pages of storage (capacity in tokens = pages * pageSize). */
    public int pages() {
        return pages;
    }

    /** Tokens of storage. */
    public int tokenCapacity() {
        return pages * pageSize;
    }

    /** The softmax scale 1/sqrt(headDim), computed once so every kernel uses the same float. */
    float scale() {
        return scale;
    }

    /** Keys, binary16, (tokens, headDim) little-endian; the kernels' own buffer (do not write). */
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

    /** Read-only little-endian view of the keys (binary16, (tokens, headDim)); positions past the cache length are stale. */
    public ByteBuffer keysView() {
        return keys.asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Read-only little-endian view of the values (binary16, (tokens, headDim)). */
    public ByteBuffer valuesView() {
        return values.asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Read-only little-endian view of the per-page key minimum (f32, (pages, headDim)). */
    public ByteBuffer keyMinView() {
        return keyMin.asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Read-only little-endian view of the per-page key maximum (f32, (pages, headDim)). */
    public ByteBuffer keyMaxView() {
        return keyMax.asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
    }

    /** The key of token t, channel c, as a float. */
    public float key(int t, int c) {
        return Float16.toFloat(keys.getShort(((t * headDim) + c) * 2));
    }

    /** The value of token t, channel c, as a float. */
    public float value(int t, int c) {
        return Float16.toFloat(values.getShort(((t * headDim) + c) * 2));
    }

    /** The stored minimum of channel c over page p's keys. */
    public float min(int page, int c) {
        return keyMin.getFloat((page * headDim + c) * 4);
    }

    /** The stored maximum of channel c over page p's keys. */
    public float max(int page, int c) {
        return keyMax.getFloat((page * headDim + c) * 4);
    }
}
