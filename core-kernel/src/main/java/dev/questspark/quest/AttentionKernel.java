package dev.questspark.quest;

/**
 * The operations of paged attention over one (layer, KV head), implemented natively ({@link NativeAttentionKernel})
 * and in Java ({@link JavaAttentionKernel}). Query rows are headDim floats; a "rows" argument counts query heads
 * (of one token, contiguous) that share the KV head.
 *
 * <p>Partial attention states (one per segment of pages, merged by {@link #merge}) are laid out per call as
 * {@code [m (rows)] [l (rows)] [acc (rows, headDim)]}: the running max of scaled scores, the sum of
 * exp(score - m), and the sum of exp(score - m) * value. {@link #stateSize} gives the length.
 */
public interface AttentionKernel {
    /** A short name for logs ("native-avx512", "java"). */
    String name();

    /**
     * Writes n tokens' keys and values (rows at src[off + i * stride], headDim floats each) at positions
     * [pos, pos + n) as binary16 and updates the key bounds of the pages they fall in. The bounds of the page
     * holding pos must already describe its tokens before pos.
     */
    void store(HeadPages hp, int pos, int n, float[] k, float[] v, int off, int stride);

    /** Recomputes page's bounds from its first {@code tokens} stored keys (1 <= tokens <= pageSize). */
    void recomputeBounds(HeadPages hp, int page, int tokens);

    /**
     * Criticality of pages [0, pageCount): for query row r, {@code sum_i max(q_i * min_i, q_i * max_i)}. With
     * {@code maxOverRows} one score per page (the max over the rows) goes to scores[off + p]; otherwise row r's
     * score goes to scores[off + r * pageCount + p]. Every kernel sums in the same order, so scores are
     * bit-identical across kernels and instruction sets.
     */
    void score(HeadPages hp, int pageCount, float[] q, int qOff, int rows, boolean maxOverRows, float[] scores, int off);

    /**
     * {@link #score} of pages [firstPage, firstPage + pageCount): page firstPage + j is scored as in a call over all
     * pages (bit for bit) and goes where page j would ({@code scores[off + j]} or {@code scores[off + r * pageCount + j]}).
     */
    void score(HeadPages hp, int firstPage, int pageCount, float[] q, int qOff, int rows, boolean maxOverRows, float[] scores,
            int off);

    /**
     * {@link #score} of pages [firstPage, firstPage + pageCount) for rows in groups of {@code group} consecutive rows
     * (rows a multiple of group; a shared-document batch scores every sequence's query heads in one call): group
     * g's score of page firstPage + j, the max over its rows as {@code maxOverRows} takes it, goes to
     * scores[off + g * pageCount + j]. This default is the reference: one {@code maxOverRows} call per group.
     */
    default void scoreGroups(HeadPages hp, int firstPage, int pageCount, float[] q, int qOff, int rows, int group, float[] scores,
            int off) {
        if (group < 1 || rows % group != 0) {
            throw new IllegalArgumentException("rows (" + rows + ") must be a multiple of group (" + group + ")");
        }
        for (int g = 0; g < rows / group; g++) {
            score(hp, firstPage, pageCount, q, qOff + g * group * hp.headDim(), group, true, scores, off + g * pageCount);
        }
    }

    /**
     * Writes to out[outOff ..] in ascending order the indices of the k largest of scores[off, off + n), ties going
     * to the lower index; returns min(k, n). Runs in O(n) expected time.
     */
    int select(float[] scores, int off, int n, int k, int[] out, int outOff);

    /**
     * The largest exact logit, unscaled q.k, of each of rows query rows (q[qOff ..]) over the tokens of each whole page
     * pageIds[idsOff, idsOff + count): page i, row r at out[outOff + i * rows + r]. Each dot product is summed as the
     * bounds are scored (16 lanes, channel c into lane c % 16 by fused multiply-adds in channel order, then the fixed
     * tree) and the maximum is taken in token order as {@code m = l > m ? l : m} from -infinity (a NaN logit is passed
     * over), so the maxima are bit-identical across kernels and instruction sets. Per row rather than over all rows:
     * a ranking may weigh the query heads of a group separately.
     */
    void pageMaxLogits(HeadPages hp, int[] pageIds, int idsOff, int count, float[] q, int qOff, int rows, float[] out, int outOff);

    /**
     * Partial attention of rows query rows (q[qOff ..], unscaled) over count pages: the pages pageIds[idsOff ..]
     * or, when pageIds is null, pages [firstPage, firstPage + count). Only tokens below {@code tokens} are read.
     * Writes a state of {@link #stateSize}(rows, headDim) floats at state[stateOff].
     */
    void attendPages(HeadPages hp, int tokens, int[] pageIds, int idsOff, int firstPage, int count, float[] q, int qOff,
            int rows, float[] state, int stateOff);

    /** Most sequences of one {@link #attendPagesMulti} call. */
    int MAX_SEQUENCES = 64;

    /**
     * {@link #attendPages} for n sequences in one pass, giving bit for bit the states of n separate calls: sequence i
     * reads hps[i] below tokens[i], pages pageIds[idsOffs[i] ..] (ascending) or, when pageIds is null, pages
     * [firsts[i], firsts[i] + counts[i]); its rows query rows are at q[qOffs[i]] and its state goes to
     * state[stateOffs[i]]. Sequences forked from one parent read their shared pages once: every sequence wanting a
     * page takes it while it is in cache. At most {@link #MAX_SEQUENCES} sequences.
     */
    void attendPagesMulti(int n, HeadPages[] hps, int[] tokens, int[] pageIds, int[] idsOffs, int[] firsts, int[] counts,
            float[] q, int[] qOffs, int rows, float[] state, int[] stateOffs);

    /** Combines segments consecutive states (each stateSize(rows, headDim)) and writes rows normalized outputs to out[outOff ..]. */
    void merge(float[] states, int off, int segments, int rows, int headDim, float[] out, int outOff);

    /**
     * Causal attention for a block of {@code tokens} query tokens at positions firstPos .. firstPos + tokens - 1,
     * each with rows query heads (token t, head j at q[qOff + t * qStride + j * headDim]); token t attends to
     * positions [0, firstPos + t]. Normalized outputs go to out at the same layout (outOff, outStride).
     */
    void attendCausal(HeadPages hp, float[] q, int qOff, int qStride, int tokens, int rows, int firstPos, float[] out,
            int outOff, int outStride);

    /** Length of one partial attention state. */
    static int stateSize(int rows, int headDim) {
        return rows * (headDim + 2);
    }
}
