package dev.questspark.quest;

import dev.questspark.kernel.Parallel;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * A quick measurement of one decode attention call (one layer, the last position of a random context), dense vs
 * Quest, next to a memory-bandwidth probe run in the same process. {@code bin/quest bench-attention} prints
 * {@link Result#toJson()}. Timings are medians of a few calls; the machine may be shared, so read them as such.
 */
public final class AttentionBench {
    /** Probe buffer: large enough to defeat every cache level. */
    static final long PROBE_BYTES = 512L << 20;

    private AttentionBench() {}

    /**
     * One measurement.
     *
     * @param denseMs             median time of a dense decode attention call
     * @param questMs             median time of a Quest decode attention call
     * @param speedup             denseMs / questMs
     * @param bandwidthGbps       the probe's bandwidth, GB/s
     * @param denseBandwidthRatio denseMs over the time the probe predicts for the dense call's KV bytes
     * @param denseBytes          KV bytes a dense call reads
     * @param questBytes          KV bytes a Quest call reads, page metadata included
     */
    public record Result(String shape, int context, int budget, int pageSize, int threads, String kernel, double denseMs,
            double questMs, double speedup, double bandwidthGbps, double denseBandwidthRatio, long denseBytes, long questBytes) {
        /** One line of JSON with every field. */
        public String toJson() {
            return String.format(Locale.ROOT,
                    "{\"shape\":\"%s\",\"context\":%d,\"token_budget\":%d,\"page_size\":%d,\"threads\":%d,\"kernel\":\"%s\","
                            + "\"dense_ms\":%.4f,\"quest_ms\":%.4f,\"speedup\":%.3f,\"bandwidth_gbps\":%.3f,"
                            + "\"dense_bandwidth_ratio\":%.3f,\"dense_kv_bytes\":%d,\"quest_kv_bytes\":%d}",
                    shape, context, budget, pageSize, threads, kernel, denseMs, questMs, speedup, bandwidthGbps,
                    denseBandwidthRatio, denseBytes, questBytes);
        }
    }

    /** A one-layer cache filled with a random context and a query for its last position. */
    public static final class Fixture implements AutoCloseable {
        private final Parallel pool;
        private final PagedKvCache cache;
        private final float[] q;
        private final float[] out;
        private final int pos;

        public Fixture(AttentionShape shape, int context, int budget, int pageSize, int threads) {
            if (context < 2) {
                throw new IllegalArgumentException("context must be at least 2 tokens, got " + context);
            }
            QuestConfig quest = QuestConfig.quest().withTokenBudget(budget).withPageSize(pageSize).withDenseLayers(0);
            PagedKvCacheConfig cfg = new PagedKvCacheConfig(1, shape.heads(), shape.kvHeads(), shape.headDim(), context, quest,
                    Long.MAX_VALUE);
            this.pool = new Parallel(threads);
            this.cache = new PagedKvCache(cfg, pool);
            fill(cache, context, shape.kvHeads() * shape.headDim());
            SplittableRandom rnd = new SplittableRandom(7);
            this.q = new float[shape.heads() * shape.headDim()];
            for (int i = 0; i < q.length; i++) {
                q[i] = (float) rnd.nextGaussian();
            }
            this.out = new float[q.length];
            this.pos = context - 1;
        }

        /** Random keys with a slowly drifting per-channel offset (so pages differ, as real keys do) and random values. */
        static void fill(PagedKvCache cache, int context, int kvDim) {
            int chunk = Math.max(1, Math.min(context, (1 << 22) / kvDim));
            float[] k = new float[chunk * kvDim];
            float[] v = new float[chunk * kvDim];
            long x = 0x9E3779B97F4A7C15L;
            for (int pos = 0; pos < context; pos += chunk) {
                int n = Math.min(chunk, context - pos);
                for (int i = 0; i < n * kvDim; i++) {
                    x ^= x << 13;
                    x ^= x >>> 7;
                    x ^= x << 17;
                    float u = (x >>> 40) * 0x1p-24f - 0.5f;
                    float drift = (float) Math.sin((pos + i / kvDim) * 0.001 + (i % kvDim));
                    k[i] = 2 * u + drift;
                    v[i] = u * (1 + ((int) (x >>> 20) & 3));
                }
                for (int layer = 0; layer < cache.config().layers(); layer++) {
                    cache.store(layer, pos, n, k, v);
                }
                cache.advance(n);
            }
        }

        public float[] dense() {
            cache.attend(0, pos, 1, q, out, QuestConfig.Attention.DENSE);
            return out;
        }

        public float[] quest() {
            cache.attend(0, pos, 1, q, out, QuestConfig.Attention.QUEST);
            return out;
        }

        public PagedKvCache cache() {
            return cache;
        }

        public Parallel pool() {
            return pool;
        }

        @Override
        public void close() {
            cache.close();
            pool.close();
        }
    }

    /** Rounds of (probe pass, dense calls, Quest calls); each figure is the median over rounds. */
    static final int ROUNDS = 7;
    static final int CALLS_PER_ROUND = 3;

    /**
     * Measures one shape ("smollm2-135m" or "llama2-7b"), context, budget, page size and thread count. Dense calls,
     * Quest calls and probe passes alternate in rounds so that all three see the same machine load; each reported
     * time is the median over rounds of the per-round median.
     */
    public static Result run(String shape, int context, int budget, int pageSize, int threads) {
        AttentionShape s = AttentionShape.of(shape);
        try (Fixture f = new Fixture(s, context, budget, pageSize, threads)) {
            BandwidthProbe probe = new BandwidthProbe(PROBE_BYTES, f.pool());
            probe.pass();
            f.dense();
            long denseBytes = f.cache().lastStepStats().kvBytesRead();
            f.quest();
            long questBytes = f.cache().lastStepStats().kvBytesRead();
            double[] dense = new double[ROUNDS];
            double[] quest = new double[ROUNDS];
            double[] gbps = new double[ROUNDS];
            for (int r = 0; r < ROUNDS; r++) {
                long start = System.nanoTime();
                probe.pass();
                gbps[r] = probe.bytes() / (double) (System.nanoTime() - start);
                dense[r] = medianMs(f::dense, CALLS_PER_ROUND);
                quest[r] = medianMs(f::quest, CALLS_PER_ROUND);
            }
            double denseMs = median(dense);
            double questMs = median(quest);
            double bandwidth = median(gbps);
            double predictedMs = denseBytes / (bandwidth * 1e9) * 1e3;
            return new Result(s.id(), context, budget, pageSize, threads, f.cache().kernelName(), denseMs, questMs, denseMs / questMs,
                    bandwidth, denseMs / predictedMs, denseBytes, questBytes);
        }
    }

    /** Median wall time of n calls after one warm-up call. */
    static double medianMs(Runnable call, int n) {
        call.run();
        double[] t = new double[n];
        for (int i = 0; i < n; i++) {
            long start = System.nanoTime();
            call.run();
            t[i] = (System.nanoTime() - start) / 1e6;
        }
        return median(t);
    }

    static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        return v[v.length / 2];
    }
}
