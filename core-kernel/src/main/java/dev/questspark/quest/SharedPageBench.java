package dev.questspark.quest;

import dev.questspark.kernel.Parallel;
import java.util.Locale;
import java.util.Random;

/**
 * The decode attention of one step (every layer) for N sequences continuing one shared document (forks of one prefilled cache, each
 * with a short question of its own), or N documents of their own: the batched pass ({@link SharedPageAttention})
 * against each sequence attending alone, dense and Quest, timed side by side in alternating rounds, with the KV pages
 * each reads.
 * {@code bin/quest bench-attention --sequences N} prints {@link Result#toJson()}. The cache has as many layers as
 * make the document's KV at least {@link #STEP_BYTES} (at most 30, SmolLM2's count), so a step streams it from memory
 * as the real model does instead of finding one layer in the last-level cache. Queries are one common direction
 * plus per-sequence noise (questions about one document look at related places), so Quest's selections overlap
 * partly, as real ones do.
 */
public final class SharedPageBench {
    private SharedPageBench() {}

    /**
     * One measurement; times are the median per step (all sequences, all layers), bytes are KV bytes read per step
     * (keys and values, and for Quest the page bounds it scores, all binary16), counted per sequence when alone and
     * once per shared page in the shared pass.
     */
    public record Result(String shape, int context, int layers, int sequences, boolean sharedDocument, int budget, int pageSize,
            int threads, String kernel,
            double denseAloneMs, double denseSharedMs, long denseAloneBytes, long denseSharedBytes, double questAloneMs,
            double questSharedMs, long questAloneBytes, long questSharedBytes) {
        public String toJson() {
            return String.format(Locale.ROOT,
                    "{\"shape\":\"%s\",\"context\":%d,\"layers\":%d,\"sequences\":%d,\"shared_document\":%b,\"token_budget\":%d,\"page_size\":%d,\"threads\":%d,"
                            + "\"kernel\":\"%s\",\"dense_alone_ms\":%.4f,\"dense_shared_ms\":%.4f,\"dense_alone_kv_bytes\":%d,"
                            + "\"dense_shared_kv_bytes\":%d,\"quest_alone_ms\":%.4f,\"quest_shared_ms\":%.4f,"
                            + "\"quest_alone_kv_bytes\":%d,\"quest_shared_kv_bytes\":%d}",
                    shape, context, layers, sequences, sharedDocument, budget, pageSize, threads, kernel, denseAloneMs, denseSharedMs, denseAloneBytes,
                    denseSharedBytes, questAloneMs, questSharedMs, questAloneBytes, questSharedBytes);
        }
    }

    /** Tokens of each sequence's own question after the document. */
    static final int QUESTION_TOKENS = 24;
    /** KV bytes of the document over all layers, at least: well past a last-level cache. */
    static final long STEP_BYTES = 128L << 20;

    /** N forks of one shared document. */
    public static Result run(String shape, int context, int sequences, int budget, int pageSize, int threads) {
        return run(shape, context, sequences, budget, pageSize, threads, true);
    }

    /** N forks of one shared document, or (sharedDocument false) N caches each holding a document of its own. */
    public static Result run(String shape, int context, int sequences, int budget, int pageSize, int threads, boolean sharedDocument) {
        AttentionShape s = AttentionShape.of(shape);
        if (sequences < 1 || sequences > AttentionKernel.MAX_SEQUENCES) {
            throw new IllegalArgumentException("sequences must be in [1, " + AttentionKernel.MAX_SEQUENCES + "], got " + sequences);
        }
        if (context < 2) {
            throw new IllegalArgumentException("context must be at least 2 tokens, got " + context);
        }
        QuestConfig quest = QuestConfig.quest().withTokenBudget(budget).withPageSize(pageSize).withDenseLayers(0);
        QuestConfig dense = QuestConfig.dense().withPageSize(pageSize);
        int kvDim = s.kvHeads() * s.headDim();
        int qDim = s.heads() * s.headDim();
        int layers = (int) Math.max(1, Math.min(30, (STEP_BYTES + (long) context * kvDim * 4 - 1) / ((long) context * kvDim * 4)));
        PagedKvCacheConfig cfg = new PagedKvCacheConfig(layers, s.heads(), s.kvHeads(), s.headDim(), context + QUESTION_TOKENS + 1, quest,
                Long.MAX_VALUE);
        try (Parallel pool = new Parallel(threads); PagedKvCache parent = new PagedKvCache(cfg, pool)) {
            AttentionBench.Fixture.fill(parent, context, kvDim);
            PagedKvCache[] caches = new PagedKvCache[sequences];
            int[] positions = new int[sequences];
            Random rnd = new Random(11);
            float[] common = gaussian(rnd, qDim, 1);
            float[] q = new float[sequences * qDim];
            try {
                for (int i = 0; i < sequences; i++) {
                    caches[i] = sharedDocument ? parent.fork(pool) : ownDocument(cfg, pool, context, kvDim);
                    float[] k = gaussian(rnd, QUESTION_TOKENS * kvDim, 1);
                    float[] v = gaussian(rnd, QUESTION_TOKENS * kvDim, 1);
                    for (int layer = 0; layer < layers; layer++) {
                        caches[i].store(layer, context, QUESTION_TOKENS, k, v);
                    }
                    caches[i].advance(QUESTION_TOKENS);
                    positions[i] = caches[i].length() - 1;
                    float[] noise = gaussian(rnd, qDim, 0.7);
                    for (int j = 0; j < qDim; j++) {
                        q[i * qDim + j] = common[j] + noise[j];
                    }
                }
                Timing d = time(caches, positions, q, qDim, dense, s.headDim(), pageSize);
                Timing t = time(caches, positions, q, qDim, quest, s.headDim(), pageSize);
                return new Result(s.id(), context, layers, sequences, sharedDocument, budget, pageSize, threads, parent.kernelName(),
                        d.aloneMs, d.sharedMs, d.aloneBytes, d.sharedBytes, t.aloneMs, t.sharedMs, t.aloneBytes, t.sharedBytes);
            } finally {
                for (PagedKvCache c : caches) {
                    if (c != null) {
                        c.close();
                    }
                }
            }
        }
    }

    /** A cache of its own holding the document (the same tokens as the parent's, in storage no other cache reads). */
    private static PagedKvCache ownDocument(PagedKvCacheConfig cfg, Parallel pool, int context, int kvDim) {
        PagedKvCache c = new PagedKvCache(cfg, pool);
        AttentionBench.Fixture.fill(c, context, kvDim);
        return c;
    }

    private record Timing(double aloneMs, double sharedMs, long aloneBytes, long sharedBytes) {}

    private static Timing time(PagedKvCache[] caches, int[] positions, float[] q, int qDim, QuestConfig setting, int headDim,
            int pageSize) {
        for (PagedKvCache c : caches) {
            c.setQuest(setting);
        }
        int n = caches.length;
        float[] qRow = new float[qDim];
        float[] out = new float[n * qDim];
        int layers = caches[0].config().layers();
        Runnable alone = () -> {
            for (int layer = 0; layer < layers; layer++) {
                for (int i = 0; i < n; i++) {
                    System.arraycopy(q, i * qDim, qRow, 0, qDim);
                    caches[i].attend(layer, positions[i], 1, qRow, out);
                }
            }
        };
        SharedPageAttention shared = new SharedPageAttention(qDim);
        Runnable together = () -> {
            for (int layer = 0; layer < layers; layer++) {
                shared.attend(layer, caches, positions, n, q, out);
            }
        };
        together.run();
        SharedPageAttention.Traffic traffic = shared.traffic();
        long pageBytes = (long) pageSize * headDim * 4;
        long boundBytes = (long) headDim * 4; // binary16 min and max rows
        double[] a = new double[AttentionBench.ROUNDS];
        double[] b = new double[AttentionBench.ROUNDS];
        for (int r = 0; r < AttentionBench.ROUNDS; r++) {
            a[r] = AttentionBench.medianMs(alone, AttentionBench.CALLS_PER_ROUND);
            b[r] = AttentionBench.medianMs(together, AttentionBench.CALLS_PER_ROUND);
        }
        return new Timing(AttentionBench.median(a), AttentionBench.median(b),
                traffic.pagesWanted() * pageBytes + traffic.boundsWanted() * boundBytes,
                traffic.pagesRead() * pageBytes + traffic.boundsRead() * boundBytes);
    }

    private static float[] gaussian(Random rnd, int n, double scale) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (rnd.nextGaussian() * scale);
        }
        return x;
    }
}
