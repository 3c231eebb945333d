package dev.questspark.jobs.qa;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Ranks the chunks of a long document for a question by Quest's own page score instead of their words. Each chunk
 * was prefilled as the prompt's head (prompt prefix, then the chunk) and exported its page metadata; the question's
 * query vectors meet every page's key bounds in the upper bound Quest selects pages by,
 * {@code sum_i max(q_i * min_i, q_i * max_i)}. Per chunk, layer and query head, the highest bound over its pages
 * (those holding chunk tokens: the prefix is the same in every chunk) and the question's tokens says how strongly
 * that head could attend to the chunk; a softmax over the chunks (at attention's 1/sqrt(headDim) scale) turns each
 * head's bounds into shares, and a chunk's score is its share summed over the heads of the layers Quest runs on
 * (from dense-layers up). Every head thus has one vote, whatever the scale of its queries.
 */
public final class QuestRouter {
    private QuestRouter() {
    }

    /**
     * (layers, heads) the highest upper bound any question token gives a page of the chunk holding a token at or
     * after firstChunkToken.
     */
    public static float[] chunkMaxima(ChunkPages pages, QuestionQueries q, int firstChunkToken) {
        check(pages, q);
        int group = q.heads() / q.kvHeads();
        int d = q.headDim();
        float[] out = new float[q.layers() * q.heads()];
        Arrays.fill(out, Float.NEGATIVE_INFINITY);
        for (int l = 0; l < q.layers(); l++) {
            for (int h = 0; h < q.heads(); h++) {
                float[] min = pages.keyMin(l, h / group);
                float[] max = pages.keyMax(l, h / group);
                float best = Float.NEGATIVE_INFINITY;
                for (int p = pages.firstPage(l); p < pages.pages(); p++) {
                    if (pages.pageEnd(p) <= firstChunkToken) {
                        continue;
                    }
                    for (int t = 0; t < q.tokens(); t++) {
                        best = Math.max(best, upperBound(q.q(), q.at(t, l, h), min, max, p * d, d));
                    }
                }
                out[l * q.heads() + h] = best;
            }
        }
        return out;
    }

    /** Quest's page score: sum_i max(q_i * min_i, q_i * max_i), accumulated in double. */
    static float upperBound(float[] q, int qOff, float[] min, float[] max, int pageOff, int d) {
        double s = 0;
        for (int i = 0; i < d; i++) {
            float qi = q[qOff + i];
            s += Math.max(qi * min[pageOff + i], qi * max[pageOff + i]);
        }
        return (float) s;
    }

    /**
     * Chunk scores from each chunk's {@link #chunkMaxima}: for every layer from denseLayers on and every head, a
     * softmax over the chunks of maxima / sqrt(headDim), summed per chunk.
     */
    public static double[] scores(List<float[]> maxima, int layers, int heads, int headDim, int denseLayers) {
        double[] scores = new double[maxima.size()];
        double scale = 1 / Math.sqrt(headDim);
        double[] e = new double[maxima.size()];
        for (int l = Math.min(denseLayers, layers - 1); l < layers; l++) {
            for (int h = 0; h < heads; h++) {
                int at = l * heads + h;
                double top = Double.NEGATIVE_INFINITY;
                for (float[] m : maxima) {
                    top = Math.max(top, m[at]);
                }
                double sum = 0;
                for (int c = 0; c < e.length; c++) {
                    e[c] = Math.exp((maxima.get(c)[at] - top) * scale);
                    sum += e[c];
                }
                for (int c = 0; c < e.length; c++) {
                    scores[c] += e[c] / sum;
                }
            }
        }
        return scores;
    }

    /** Chunk indices by descending score, ties in document order. */
    public static int[] rank(double[] scores) {
        return IntStream.range(0, scores.length).boxed()
                .sorted(Comparator.comparingDouble((Integer i) -> -scores[i]).thenComparingInt(i -> i))
                .mapToInt(Integer::intValue).toArray();
    }

    private static void check(ChunkPages pages, QuestionQueries q) {
        if (pages.layers() != q.layers() || pages.kvHeads() != q.kvHeads() || pages.headDim() != q.headDim()) {
            throw new IllegalArgumentException("page metadata of " + pages.layers() + " layers, " + pages.kvHeads()
                    + " KV heads of " + pages.headDim() + " does not match queries of " + q.layers() + " layers, " + q.kvHeads()
                    + " KV heads of " + q.headDim() + ": another model made them");
        }
    }
}
