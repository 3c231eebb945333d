package dev.questspark.quest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.questspark.kernel.NativeIsa;
import dev.questspark.kernel.Parallel;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The shared-page pass ({@link AttentionKernel#attendPagesMulti}) on random inputs: forks of one parent with their
 * own tokens, sequence counts that are not multiples of any block (1 to 64), random query rows, page lists and
 * ranges. Natively, at every ISA level, it is bit-identical to one attendPages call per sequence; against the Java
 * twin it agrees within {@link NativeJavaAttentionTest#TOLERANCE} (summation order and exp differ). Scores of a page
 * range (the shared scoring pass starts past the document's pages) equal those of a whole call in both kernels.
 */
class SharedPageKernelTest {
    private record Batch(HeadPages[] hps, int[] tokens, int[] ids, int[] idsOffs, int[] firsts, int[] counts, float[] q, int[] qOffs,
            int rows, int[] stateOffs, int stateLength) {}

    private static Batch batch(List<PagedKvCache> forks, int n, int rows, boolean lists, SplittableRandom rnd) {
        HeadPages[] hps = new HeadPages[n];
        int[] tokens = new int[n];
        int[] idsOffs = new int[n];
        int[] firsts = new int[n];
        int[] counts = new int[n];
        int[] qOffs = new int[n];
        int[] stateOffs = new int[n];
        List<Integer> ids = new ArrayList<>();
        int d = forks.get(0).config().headDim();
        int p = forks.get(0).config().quest().pageSize();
        int size = AttentionKernel.stateSize(rows, d);
        for (int i = 0; i < n; i++) {
            PagedKvCache f = forks.get(rnd.nextInt(forks.size()));
            hps[i] = f.pages(0, 0);
            tokens[i] = f.length() - rnd.nextInt(Math.min(3, f.length()));
            int pages = (tokens[i] + p - 1) / p;
            if (lists) {
                idsOffs[i] = ids.size();
                for (int page = 0; page < pages; page++) {
                    if (rnd.nextInt(3) > 0) {
                        ids.add(page);
                        counts[i]++;
                    }
                }
            } else {
                firsts[i] = rnd.nextInt(pages);
                counts[i] = rnd.nextInt(pages - firsts[i] + 1);
            }
            qOffs[i] = i * rows * d + rnd.nextInt(3);
            stateOffs[i] = i * size + 1;
        }
        float[] q = KvFixtures.random(rnd, n * rows * d + 3, 3);
        int[] idArray = lists ? ids.stream().mapToInt(Integer::intValue).toArray() : null;
        return new Batch(hps, tokens, idArray, idsOffs, firsts, counts, q, qOffs, rows, stateOffs, n * size + 1);
    }

    private static float[] multi(AttentionKernel k, Batch b, int n) {
        float[] state = new float[b.stateLength];
        k.attendPagesMulti(n, b.hps, b.tokens, b.ids, b.idsOffs, b.firsts, b.counts, b.q, b.qOffs, b.rows, state, b.stateOffs);
        return state;
    }

    private static float[] single(AttentionKernel k, Batch b, int n) {
        float[] state = new float[b.stateLength];
        for (int i = 0; i < n; i++) {
            k.attendPages(b.hps[i], b.tokens[i], b.ids, b.ids == null ? 0 : b.idsOffs[i], b.firsts[i], b.counts[i], b.q, b.qOffs[i],
                    b.rows, state, b.stateOffs[i]);
        }
        return state;
    }

    /** Largest difference of two states; equal entries (the -inf maximum of a row that read nothing) differ by 0. */
    private static double diff(float[] a, float[] b) {
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, a[i] == b[i] ? 0 : Math.abs((double) a[i] - b[i]));
        }
        return m;
    }

    /** Scores of a page range (across the split) equal those of a call over all pages, bit for bit, in both kernels. */
    private static void checkScoreRanges(HeadPages hp, AttentionKernel nat, AttentionKernel java, SplittableRandom rnd, String what) {
        int pages = hp.pages() - 1;
        int rows = 1 + rnd.nextInt(5);
        float[] q = KvFixtures.random(rnd, rows * hp.headDim(), 3);
        for (boolean max : new boolean[] {true, false}) {
            int width = max ? 1 : rows;
            float[] all = new float[width * pages];
            nat.score(hp, pages, q, 0, rows, max, all, 0);
            int first = rnd.nextInt(pages);
            int count = pages - first;
            for (AttentionKernel k : new AttentionKernel[] {nat, java}) {
                float[] part = new float[width * count];
                k.score(hp, first, count, q, 0, rows, max, part, 0);
                for (int r = 0; r < width; r++) {
                    for (int j = 0; j < count; j++) {
                        assertTrue(all[r * pages + first + j] == part[r * count + j], what + " " + k.name() + " score range from "
                                + first + " split " + hp.split() + " row " + r + " page " + (first + j));
                    }
                }
            }
        }
    }

    @Test
    void sharedPassMatchesSingleCallsAndTheJavaTwin() {
        AttentionKernel nat = AttentionKernels.nativeOrNull();
        Assumptions.assumeTrue(nat != null, "native kernel not built: " + NativeAttentionKernel.unavailableReason());
        AttentionKernel java = new JavaAttentionKernel();
        SplittableRandom rnd = new SplittableRandom(71);
        try (Parallel pool = new Parallel(1)) {
            for (int isa = NativeIsa.SCALAR; isa <= NativeIsa.best(); isa++) {
                NativeIsa.force(isa);
                for (int pageSize : new int[] {8, 16}) {
                    for (int d : new int[] {40, 64}) {
                        QuestConfig quest = QuestConfig.quest().withPageSize(pageSize);
                        PagedKvCacheConfig cfg = KvFixtures.config(1, 1, 1, d, 2000, quest);
                        try (PagedKvCache parent = new PagedKvCache(cfg, pool, nat)) {
                            KvFixtures.fill(parent, rnd, 300 + rnd.nextInt(200));
                            List<PagedKvCache> forks = new ArrayList<>();
                            for (int f = 0; f < 5; f++) {
                                PagedKvCache fork = parent.fork(pool);
                                KvFixtures.fill(fork, rnd, fork.length() + 1 + rnd.nextInt(40));
                                forks.add(fork);
                            }
                            for (PagedKvCache fork : forks) {
                                checkScoreRanges(fork.pages(0, 0), nat, java, rnd, "isa " + isa + " p" + pageSize + " d" + d);
                            }
                            for (int n : new int[] {1, 2, 3, 7, 13, 64}) {
                                for (boolean lists : new boolean[] {true, false}) {
                                    int rows = 1 + rnd.nextInt(9);
                                    Batch b = batch(forks, n, rows, lists, rnd);
                                    String what = "isa " + isa + " p" + pageSize + " d" + d + " n" + n + " rows " + rows
                                            + (lists ? " ids" : " ranges");
                                    float[] fast = multi(nat, b, n);
                                    assertArrayEquals(single(nat, b, n), fast, what);
                                    double diff = diff(multi(java, b, n), fast);
                                    assertTrue(diff < NativeJavaAttentionTest.TOLERANCE * 4, what + " diff " + diff);
                                }
                            }
                            forks.forEach(PagedKvCache::close);
                        }
                    }
                }
            }
        } finally {
            NativeIsa.force(NativeIsa.best());
        }
    }
}
