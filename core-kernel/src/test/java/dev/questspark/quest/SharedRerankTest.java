package dev.questspark.quest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.questspark.kernel.NativeIsa;
import dev.questspark.kernel.Parallel;
import dev.questspark.model.KvCache;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A batch of forks of one document reranking their pages through {@link SharedPageAttention}: with a rerank factor
 * that reads every page (no bounds scored) or most of them (one key pass for every sequence's rows), and one that
 * reads few (each sequence's own pass), every sequence selects the same pages and every row's output has the same
 * bits as the sequence attending alone. Java kernel, and the native one at every ISA level; 1 to 16 sequences of 3
 * query rows per KV head (row counts off the native kernel's tile of 4); both scores and both GQA policies.
 */
class SharedRerankTest {
    private static final int HEADS = 6;
    private static final int KV_HEADS = 2;
    private static final int D = 32;
    private static final int DOCUMENT = 397;

    @Test
    void javaKernelSharedRerankAsAlone() {
        checkAll(new JavaAttentionKernel(), "java");
    }

    @ParameterizedTest(name = "isa {0}")
    @MethodSource("dev.questspark.kernel.NativeIsa#levels")
    void nativeKernelSharedRerankAsAlone(int isa) {
        NativeIsa.require(NativeAttentionKernel.unavailableReason());
        NativeIsa.force(isa);
        try {
            checkAll(AttentionKernels.nativeOrNull(), "native isa " + isa);
        } finally {
            NativeIsa.force(NativeIsa.best());
        }
    }

    /** Budget 64 at pages of 8 keeps k = 6 of the document's ~48 ranked pages: factor 16 reads all, 5 most, 2 few. */
    private static void checkAll(AttentionKernel kernel, String what) {
        try (Parallel pool = new Parallel(2)) {
            for (QuestConfig.GqaPolicy gqa : QuestConfig.GqaPolicy.values()) {
                for (QuestConfig.RerankScore score : QuestConfig.RerankScore.values()) {
                    for (int factor : new int[] {16, 5, 2}) {
                        QuestConfig quest = QuestConfig.quest().withPageSize(8).withTokenBudget(64).withDenseLayers(1)
                                .withGqaPolicy(gqa).withRerankFactor(factor).withRerankScore(score);
                        for (int batch = 1; batch <= 16; batch++) {
                            String at = what + " " + gqa + " " + score + " factor " + factor + " batch " + batch;
                            long shared = check(kernel, pool, quest, batch, at);
                            assertEquals(batch > 1 && factor > 2, shared > 0, at + ": shared rerank pages " + shared);
                        }
                    }
                }
            }
        }
    }

    /** Returns the pages the shared rerank pass read. */
    private static long check(AttentionKernel kernel, Parallel pool, QuestConfig quest, int batch, String what) {
        SplittableRandom rnd = new SplittableRandom(batch * 131L + quest.rerankFactor());
        PagedKvCacheConfig cfg = KvFixtures.config(2, HEADS, KV_HEADS, D, 512, quest);
        int qDim = HEADS * D;
        try (PagedKvCache parent = new PagedKvCache(cfg, pool, kernel)) {
            KvFixtures.fill(parent, rnd, DOCUMENT);
            PagedKvCache[] forks = new PagedKvCache[batch];
            int[] positions = new int[batch];
            try {
                for (int i = 0; i < batch; i++) {
                    forks[i] = parent.fork(pool);
                    KvFixtures.fill(forks[i], rnd, DOCUMENT + 1 + rnd.nextInt(20)); // some reach pages of their own
                    positions[i] = forks[i].length() - 1;
                }
                float[] q = KvFixtures.random(rnd, batch * qDim, 2);
                float[] out = new float[batch * qDim];
                SharedPageAttention attention = new SharedPageAttention(qDim);
                attention.attend(1, forks, positions, batch, q, out);
                int[][] selected = selections(forks);
                for (int i = 0; i < batch; i++) {
                    float[] alone = new float[qDim];
                    forks[i].attend(1, positions[i], 1, Arrays.copyOfRange(q, i * qDim, (i + 1) * qDim), alone);
                    assertArrayEquals(selected[i], selections(new PagedKvCache[] {forks[i]})[0], what + ": pages of sequence " + i);
                    for (int j = 0; j < qDim; j++) {
                        assertEquals(Float.floatToIntBits(alone[j]), Float.floatToIntBits(out[i * qDim + j]),
                                what + ": sequence " + i + " output " + j);
                    }
                }
                assertTrue(forks[0].executor().quest().rerankFactor() > 0, what);
                return attention.traffic().rerankShared();
            } finally {
                close(forks);
            }
        }
    }

    /** Each cache's selected pages of its last step, unit after unit. */
    private static int[][] selections(PagedKvCache[] caches) {
        int[][] out = new int[caches.length][];
        for (int i = 0; i < caches.length; i++) {
            AttentionExecutor e = caches[i].executor();
            int units = e.questUnits();
            out[i] = new int[0];
            for (int u = 0; u < units; u++) {
                int[] mine = Arrays.copyOfRange(e.selected(), e.selectedOffset(u), e.selectedOffset(u) + e.selectedCount(u));
                int[] all = Arrays.copyOf(out[i], out[i].length + mine.length + 1);
                all[out[i].length] = -1; // unit boundary
                System.arraycopy(mine, 0, all, out[i].length + 1, mine.length);
                out[i] = all;
            }
        }
        return out;
    }

    private static void close(KvCache[] caches) {
        for (KvCache c : caches) {
            if (c instanceof PagedKvCache p) {
                p.close();
            }
        }
    }
}
