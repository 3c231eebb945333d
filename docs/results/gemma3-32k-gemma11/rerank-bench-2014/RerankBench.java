import dev.questspark.quest.*;
import java.util.*;

/** gemma11: CPU time of AttentionKernel.pageMaxLogits at Gemma 3 270m's shape (1 KV head, 256 channels, 4 query rows),
 *  1,016 random whole pages of 8 out of a 32,704-token cache (one rerank of one global layer at 32K), one thread. */
public class RerankBench {
    public static void main(String[] a) {
        AttentionShape s = new AttentionShape("gemma3-270m", 4, 1, 256);
        int ctx = 32704, p = 8, pool = 1016, rows = 4, calls = Integer.parseInt(a[0]);
        try (AttentionBench.Fixture f = new AttentionBench.Fixture(s, ctx, 2048, p, 1)) {
            HeadPages hp = f.cache().pages(0, 0);
            AttentionKernel k = AttentionKernels.nativeOrNull();
            SplittableRandom rnd = new SplittableRandom(11);
            int[] ids = rnd.ints(0, ctx / p - 1).distinct().limit(pool).sorted().toArray();
            float[] q = new float[rows * 256];
            for (int i = 0; i < q.length; i++) q[i] = (float) rnd.nextGaussian();
            float[] out = new float[pool * rows];
            double[] ms = new double[calls];
            double sink = 0;
            boolean cold = a.length > 1 && a[1].equals("cold");
            long[] evict = new long[cold ? 16 << 20 : 1]; // 128 MB: a pass leaves no key page in the caches
            for (int c = 0; c < calls; c++) {
                for (int i = 0; i < evict.length; i += 8) {
                    evict[i] += c;
                }
                long t0 = System.nanoTime();
                for (int from = 0; from < pool; from += 128) {
                    k.pageMaxLogits(hp, ids, from, Math.min(128, pool - from), q, 0, rows, out, from * rows);
                }
                ms[c] = (System.nanoTime() - t0) / 1e6;
                sink += out[c % out.length];
            }
            double[] sorted = ms.clone();
            Arrays.sort(sorted);
            System.out.printf(Locale.ROOT, (cold ? "cold " : "warm ") + "median %.3f ms, p10 %.3f, p90 %.3f over %d calls (sink %.1f)%n", sorted[calls / 2],
                    sorted[calls / 10], sorted[calls * 9 / 10], calls, sink);
        }
    }
}
