package dev.questspark.quest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.questspark.kernel.NativeIsa;
import dev.questspark.kernel.Parallel;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Forks share their parent's whole pages read-only and keep only their own tokens; attention over a fork (dense
 * decode, Quest decode with both GQA policies, causal prefill of its own tokens) is bit-identical to attention over
 * one cache holding the same tokens contiguously, with every kernel and ISA level, at page sizes whose runs cross the
 * split (8) and whose do not (16).
 */
class ForkedKvCacheTest {
    /** Keys and values of a whole sequence, (layers, tokens * kvDim) each. */
    private record Tokens(float[][] k, float[][] v) {
        static Tokens random(PagedKvCacheConfig c, SplittableRandom rnd, int n) {
            int kvDim = c.kvHeads() * c.headDim();
            float[][] k = new float[c.layers()][];
            float[][] v = new float[c.layers()][];
            for (int l = 0; l < c.layers(); l++) {
                k[l] = KvFixtures.random(rnd, n * kvDim, 1.5);
                v[l] = KvFixtures.random(rnd, n * kvDim, 1.0);
            }
            return new Tokens(k, v);
        }

        /** Stores tokens [from, to) at positions offset + from .. in chunks of at most chunk tokens. */
        void storeInto(PagedKvCache cache, int offset, int from, int to, int chunk) {
            PagedKvCacheConfig c = cache.config();
            int kvDim = c.kvHeads() * c.headDim();
            for (int t = from; t < to; t += chunk) {
                int n = Math.min(chunk, to - t);
                for (int l = 0; l < c.layers(); l++) {
                    cache.store(l, offset + t, n, java.util.Arrays.copyOfRange(k[l], t * kvDim, (t + n) * kvDim),
                            java.util.Arrays.copyOfRange(v[l], t * kvDim, (t + n) * kvDim));
                }
                cache.advance(n);
            }
        }
    }

    private static void assertSameAttention(PagedKvCache fork, PagedKvCache whole, SplittableRandom rnd, int own, String what) {
        PagedKvCacheConfig c = whole.config();
        int qDim = c.heads() * c.headDim();
        int last = whole.length() - 1;
        for (QuestConfig.Attention mode : QuestConfig.Attention.values()) {
            float[] q = KvFixtures.random(rnd, qDim, 3);
            float[] a = new float[qDim];
            float[] b = new float[qDim];
            for (int layer = 0; layer < c.layers(); layer++) {
                fork.attend(layer, last, 1, q, a, mode);
                whole.attend(layer, last, 1, q, b, mode);
                assertArrayEquals(b, a, what + " " + mode + " decode, layer " + layer);
            }
            assertEquals(whole.lastStepStats().tokensAttended(), fork.lastStepStats().tokensAttended(), what);
        }
        int n = Math.max(1, own);
        float[] q = KvFixtures.random(rnd, n * qDim, 2);
        float[] a = new float[q.length];
        float[] b = new float[q.length];
        fork.attend(1, whole.length() - n, n, q, a);
        whole.attend(1, whole.length() - n, n, q, b);
        assertArrayEquals(b, a, what + " prefill of " + n);
    }

    private static List<Integer> isaLevels() {
        List<Integer> levels = new ArrayList<>();
        if (AttentionKernels.nativeOrNull() != null) {
            for (int isa = NativeIsa.SCALAR; isa <= NativeIsa.best(); isa++) {
                levels.add(isa);
            }
        }
        return levels;
    }

    @Test
    void forkAttendsLikeAContiguousCache() {
        List<Integer> levels = isaLevels();
        levels.add(-1); // the Java kernel
        try (Parallel pool = new Parallel(2)) {
            for (int isa : levels) {
                AttentionKernel kernel = isa < 0 ? new JavaAttentionKernel() : AttentionKernels.nativeOrNull();
                if (isa >= 0) {
                    NativeIsa.force(isa);
                }
                try {
                    int seed = 0;
                    for (int pageSize : new int[] {8, 16}) {
                        for (QuestConfig.GqaPolicy policy : QuestConfig.GqaPolicy.values()) {
                            for (int document : new int[] {1, 8 * 37, 8 * 37 + 5, 200 + pageSize / 2}) {
                                QuestConfig quest = QuestConfig.quest().withPageSize(pageSize).withTokenBudget(4 * pageSize)
                                        .withDenseLayers(0).withGqaPolicy(policy).withSinkPages(1).withRerankFactor(document % 2 == 0 ? 2 : 0);
                                PagedKvCacheConfig cfg = KvFixtures.config(2, 6, 2, 64, 1000, quest);
                                check(cfg, kernel, pool, document, 1 + (seed * 7) % 70, seed++, kernel.name() + " p" + pageSize
                                        + " " + policy + " document " + document);
                            }
                        }
                    }
                } finally {
                    if (isa >= 0) {
                        NativeIsa.force(NativeIsa.best());
                    }
                }
            }
        }
    }

    private static void check(PagedKvCacheConfig cfg, AttentionKernel kernel, Parallel pool, int document, int own, long seed,
            String what) {
        SplittableRandom rnd = new SplittableRandom(seed);
        Tokens doc = Tokens.random(cfg, rnd, document);
        try (PagedKvCache parent = new PagedKvCache(cfg, pool, kernel)) {
            doc.storeInto(parent, 0, 0, document, 97);
            for (int child = 0; child < 2; child++) {
                Tokens mine = Tokens.random(cfg, rnd, own + child);
                try (PagedKvCache fork = parent.fork(pool); PagedKvCache whole = new PagedKvCache(cfg, pool, kernel)) {
                    assertEquals(document, fork.length());
                    assertEquals(document / cfg.quest().pageSize(), fork.sharedPages());
                    doc.storeInto(whole, 0, 0, document, 500);
                    mine.storeInto(fork, document, 0, own + child, 3);
                    mine.storeInto(whole, document, 0, own + child, 7);
                    assertSameAttention(fork, whole, rnd, own + child, what + " child " + child);
                    // the fork goes back into the shared document and continues from there
                    int back = document / 2;
                    fork.truncate(back);
                    whole.truncate(back);
                    mine.storeInto(fork, back, 0, own, 5);
                    mine.storeInto(whole, back, 0, own, 5);
                    assertSameAttention(fork, whole, rnd, own, what + " child " + child + " after truncate(" + back + ")");
                }
            }
        }
    }

    @Test
    void parentIsReadOnlyWhileForksLiveAndSharedPagesAreCountedOnce() {
        QuestConfig quest = QuestConfig.quest().withPageSize(16);
        PagedKvCacheConfig cfg = KvFixtures.config(2, 6, 2, 64, 4096, quest);
        try (Parallel pool = new Parallel(1); PagedKvCache parent = new PagedKvCache(cfg, pool, new JavaAttentionKernel())) {
            KvFixtures.fill(parent, new SplittableRandom(5), 1000);
            long parentBytes = parent.allocatedBytes();
            PagedKvCache a = parent.fork(pool);
            PagedKvCache b = parent.fork(pool);
            assertEquals(2, parent.forks());
            // each fork holds only the partial last page (1000 = 62 pages + 8 tokens)
            assertEquals(PagedKvCache.bytesFor(cfg, 16), a.allocatedBytes());
            assertEquals(parentBytes + a.allocatedBytes() + b.allocatedBytes(), parent.budget().used());
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> parent.store(0, 1000, 1, new float[128], new float[128]));
            assertTrue(e.getMessage().contains("2 forked caches"), e.getMessage());
            assertThrows(IllegalStateException.class, () -> parent.truncate(10));
            assertThrows(IllegalStateException.class, () -> a.fork(pool));
            parent.close(); // the storage stays while forks read it
            float[] out = new float[6 * 64];
            a.store(0, 1000, 1, new float[128], new float[128]);
            a.store(1, 1000, 1, new float[128], new float[128]);
            a.advance(1);
            a.attend(1, 1000, 1, KvFixtures.random(new SplittableRandom(1), 6 * 64, 1), out);
            assertTrue(parent.budget().used() > parentBytes);
            a.close();
            b.close();
            assertEquals(0, parent.budget().used());
        }
    }
}
