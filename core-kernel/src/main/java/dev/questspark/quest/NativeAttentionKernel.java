package dev.questspark.quest;

import dev.questspark.kernel.NativeLibrary;
import java.nio.ByteBuffer;

/**
 * The C attention kernel (core-kernel/src/main/c/attention*.c, AVX-512 / AVX2+FMA+F16C / scalar, chosen at run
 * time). Every entry point re-validates the buffers, offsets and page indices it receives against the buffers'
 * capacities and the arrays' lengths, and throws instead of reading outside them.
 */
public final class NativeAttentionKernel implements AttentionKernel {
    private static final String REASON = probe();

    private static String probe() {
        if (!NativeLibrary.isLoaded()) {
            return "native library not loaded: " + NativeLibrary.failure();
        }
        try {
            return abiVersion() == ABI_VERSION ? null : "native attention ABI " + abiVersion() + " != " + ABI_VERSION + " (stale library)";
        } catch (UnsatisfiedLinkError e) {
            return "the loaded native library has no attention kernel (" + e.getMessage() + ")";
        }
    }

    static final int ABI_VERSION = 4;

    /** Null when the kernel can be used, otherwise why not. */
    public static String unavailableReason() {
        return REASON;
    }

    NativeAttentionKernel() {
        if (REASON != null) {
            throw new IllegalStateException(REASON);
        }
    }

    @Override
    public String name() {
        return "native-" + NativeLibrary.isa();
    }

    @Override
    public void store(HeadPages hp, int pos, int n, float[] k, float[] v, int off, int stride) {
        store(hp.keys(), hp.values(), hp.keyMin(), hp.keyMax(), hp.bounds(), hp.headDim(), hp.pageSize(),
                pos - hp.split() * hp.pageSize(), n, k, v, off, stride);
    }

    @Override
    public void recomputeBounds(HeadPages hp, int page, int tokens) {
        recomputeBounds(hp.keys(), hp.keyMin(), hp.keyMax(), hp.bounds(), hp.headDim(), hp.pageSize(), page - hp.split(), tokens);
    }

    @Override
    public void score(HeadPages hp, int pageCount, float[] q, int qOff, int rows, boolean maxOverRows, float[] scores, int off) {
        score(hp.sharedBounds(), hp.split(), hp.bounds(), hp.headDim(), pageCount, q, qOff, rows, maxOverRows ? rows : 1, scores, off);
    }

    @Override
    public void score(HeadPages hp, int firstPage, int pageCount, float[] q, int qOff, int rows, boolean maxOverRows, float[] scores,
            int off) {
        scoreRange(hp.sharedBounds(), hp.split(), hp.bounds(), hp.headDim(), firstPage, pageCount, q, qOff, rows, maxOverRows ? rows : 1, scores,
                off);
    }

    /** One native call for all groups: each group's max is taken as the kernel takes maxOverRows (see qk_attn_score). */
    @Override
    public void scoreGroups(HeadPages hp, int firstPage, int pageCount, float[] q, int qOff, int rows, int group, float[] scores,
            int off) {
        scoreRange(hp.sharedBounds(), hp.split(), hp.bounds(), hp.headDim(), firstPage, pageCount, q, qOff, rows, group, scores, off);
    }

    @Override
    public void pageMaxLogits(HeadPages hp, int[] pageIds, int idsOff, int count, float[] q, int qOff, int rows, float[] out,
            int outOff) {
        pageMaxLogits(hp.sharedKeys(), hp.sharedValues(), hp.split(), hp.keys(), hp.values(), hp.headDim(), hp.pageSize(),
                hp.tokenCapacity(), pageIds, idsOff, count, q, qOff, rows, out, outOff);
    }

    @Override
    public int select(float[] scores, int off, int n, int k, int[] out, int outOff) {
        return selectTop(scores, off, n, k, out, outOff);
    }

    @Override
    public void attendPages(HeadPages hp, int tokens, int[] pageIds, int idsOff, int firstPage, int count, float[] q, int qOff,
            int rows, float[] state, int stateOff) {
        attendPages(hp.sharedKeys(), hp.sharedValues(), hp.split(), hp.keys(), hp.values(), hp.headDim(), hp.pageSize(), hp.scale(),
                tokens, pageIds, idsOff, firstPage, count, q, qOff, rows, state, stateOff);
    }

    @Override
    public void attendPagesMulti(int n, HeadPages[] hps, int[] tokens, int[] pageIds, int[] idsOffs, int[] firsts, int[] counts,
            float[] q, int[] qOffs, int rows, float[] state, int[] stateOffs) {
        if (n < 1 || n > MAX_SEQUENCES || hps.length < n) {
            throw new IllegalArgumentException("attendPagesMulti takes 1.." + MAX_SEQUENCES + " sequences, got " + n + " of " + hps.length);
        }
        ByteBuffer[] sk = new ByteBuffer[n];
        ByteBuffer[] sv = new ByteBuffer[n];
        ByteBuffer[] ok = new ByteBuffer[n];
        ByteBuffer[] ov = new ByteBuffer[n];
        int[] splits = new int[n];
        HeadPages h0 = hps[0];
        for (int i = 0; i < n; i++) {
            HeadPages hp = hps[i];
            if (hp.headDim() != h0.headDim() || hp.pageSize() != h0.pageSize()) {
                throw new IllegalArgumentException("attendPagesMulti needs one head dim and page size for all sequences");
            }
            sk[i] = hp.sharedKeys();
            sv[i] = hp.sharedValues();
            ok[i] = hp.keys();
            ov[i] = hp.values();
            splits[i] = hp.split();
        }
        attendPagesMulti(n, sk, sv, splits, ok, ov, h0.headDim(), h0.pageSize(), h0.scale(), tokens, pageIds, idsOffs, firsts,
                counts, q, qOffs, rows, state, stateOffs);
    }

    @Override
    public void merge(float[] states, int off, int segments, int rows, int headDim, float[] out, int outOff) {
        mergeStates(states, off, segments, rows, headDim, out, outOff);
    }

    @Override
    public void attendCausal(HeadPages hp, float[] q, int qOff, int qStride, int tokens, int rows, int firstPos, float[] out,
            int outOff, int outStride) {
        attendCausal(hp.sharedKeys(), hp.sharedValues(), hp.split(), hp.keys(), hp.values(), hp.headDim(), hp.pageSize(), hp.scale(),
                q, qOff, qStride, tokens, rows, firstPos, out, outOff, outStride);
    }

    /**
     * Sums a direct buffer of floats [0, count) with the widest vectors: the memory-bandwidth probe. Returns the sum
     * so the work cannot be optimized away.
     */
    public static float sum(ByteBuffer floats, long from, long count) {
        return sumFloats(floats, from, count);
    }

    /**
     * Asks Linux to back the 2 MiB-aligned interior of a freshly allocated, still all-zero direct buffer with
     * transparent huge pages (Quest's scattered page reads otherwise miss the TLB on almost every page). Returns
     * the bytes advised, 0 when the buffer is too small or the kernel refuses.
     */
    static long adviseHugePages(ByteBuffer fresh) {
        return adviseHugePagesNative(fresh);
    }

    private static native int abiVersion();

    private static native long adviseHugePagesNative(ByteBuffer fresh);

    private static native void store(ByteBuffer keys, ByteBuffer values, ByteBuffer keyMin, ByteBuffer keyMax, ByteBuffer bounds,
            int headDim, int pageSize, int pos, int n, float[] k, float[] v, int off, int stride);

    private static native void recomputeBounds(ByteBuffer keys, ByteBuffer keyMin, ByteBuffer keyMax, ByteBuffer bounds, int headDim,
            int pageSize, int page, int tokens);

    private static native void score(ByteBuffer sharedBounds, int split, ByteBuffer bounds, int headDim, int pageCount, float[] q,
            int qOff, int rows, int group, float[] scores, int off);

    private static native void scoreRange(ByteBuffer sharedBounds, int split, ByteBuffer bounds, int headDim, int firstPage,
            int pageCount, float[] q, int qOff, int rows, int group, float[] scores, int off);

    private static native void pageMaxLogits(ByteBuffer sharedKeys, ByteBuffer sharedValues, int split, ByteBuffer keys,
            ByteBuffer values, int headDim, int pageSize, int tokens, int[] pageIds, int idsOff, int count, float[] q, int qOff,
            int rows, float[] out, int outOff);

    private static native int selectTop(float[] scores, int off, int n, int k, int[] out, int outOff);

    private static native void attendPages(ByteBuffer sharedKeys, ByteBuffer sharedValues, int split, ByteBuffer keys,
            ByteBuffer values, int headDim, int pageSize, float scale, int tokens, int[] pageIds, int idsOff, int firstPage, int count,
            float[] q, int qOff, int rows, float[] state, int stateOff);

    private static native void attendPagesMulti(int n, ByteBuffer[] sharedKeys, ByteBuffer[] sharedValues, int[] splits,
            ByteBuffer[] keys, ByteBuffer[] values, int headDim, int pageSize, float scale, int[] tokens, int[] pageIds, int[] idsOffs,
            int[] firsts, int[] counts, float[] q, int[] qOffs, int rows, float[] state, int[] stateOffs);

    private static native void mergeStates(float[] states, int off, int segments, int rows, int headDim, float[] out, int outOff);

    private static native void attendCausal(ByteBuffer sharedKeys, ByteBuffer sharedValues, int split, ByteBuffer keys,
            ByteBuffer values, int headDim, int pageSize, float scale, float[] q, int qOff, int qStride, int tokens, int rows,
            int firstPos, float[] out, int outOff, int outStride);

    private static native float sumFloats(ByteBuffer floats, long from, long count);
}
