package dev.questspark.quest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.questspark.engine.Engine;
import dev.questspark.kernel.NativeIsa;
import dev.questspark.kernel.Parallel;
import dev.questspark.model.ForwardState;
import dev.questspark.model.KvCache;
import dev.questspark.model.LlamaConfig;
import dev.questspark.model.LlamaModel;
import dev.questspark.testing.TestModels;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Questions over one shared document, end to end on stories260K: the document is prefilled once, each question is
 * prefilled into a fork of its cache (causal prefill over the shared pages), and the questions decode greedily
 * together through {@link SharedPageAttention}. Every step's logits are bit-identical to each question decoded
 * alone on a cache holding document and question contiguously (so the greedy tokens are identical), dense and
 * Quest, with 1 to 9 questions, on the two best ISA levels and the Java kernel (SharedPageKernelTest covers every
 * level); the shared pass reads fewer pages.
 */
class SharedDocumentDecodeTest {
    private static Engine engine;

    @BeforeAll
    static void load() {
        engine = Engine.load(TestModels.stories(), 2);
    }

    @AfterAll
    static void close() {
        engine.close();
    }

    @Test
    void questionsOverOneDocumentDecodeAsAlone() {
        QuestConfig[] settings = {QuestConfig.dense().withPageSize(8),
                QuestConfig.quest().withPageSize(8).withTokenBudget(48).withDenseLayers(1),
                QuestConfig.quest().withPageSize(16).withTokenBudget(64).withDenseLayers(0).withGqaPolicy(QuestConfig.GqaPolicy.PER_HEAD)};
        for (QuestConfig quest : settings) {
            check(new JavaAttentionKernel(), quest, 3, "java " + quest);
        }
        AttentionKernel nat = AttentionKernels.nativeOrNull();
        if (nat == null) {
            return; // NativeJavaAttentionTest reports a missing library
        }
        try {
            for (int isa = NativeIsa.best(); isa >= Math.max(NativeIsa.SCALAR, NativeIsa.best() - 1); isa--) {
                NativeIsa.force(isa);
                for (QuestConfig quest : settings) {
                    for (int questions : new int[] {1, 2, 9}) {
                        check(nat, quest, questions, nat.name() + " isa " + isa + " " + quest + " x" + questions);
                    }
                }
            }
        } finally {
            NativeIsa.force(NativeIsa.best());
        }
    }

    private static void check(AttentionKernel kernel, QuestConfig quest, int questions, String what) {
        LlamaModel model = engine.model();
        LlamaConfig c = model.config();
        int vocab = c.vocabSize();
        PagedKvCacheConfig kv = new PagedKvCacheConfig(c.layers(), c.heads(), c.kvHeads(), c.headDim(), 512, quest, 1L << 30);
        Random rnd = new Random(questions * 31L + quest.pageSize());
        int[] document = tokens(rnd, 301, vocab);
        try (Parallel par = new Parallel(2); PagedKvCache parent = new PagedKvCache(kv, par, kernel)) {
            ForwardState s = new ForwardState(c, 64);
            prefill(model, parent, s, par, document);
            KvCache[] forks = new KvCache[questions];
            KvCache[] alone = new KvCache[questions];
            int[] next = new int[questions];
            for (int i = 0; i < questions; i++) {
                int[] question = tokens(rnd, 1 + rnd.nextInt(30), vocab);
                forks[i] = parent.fork(par);
                alone[i] = new PagedKvCache(kv, par, kernel);
                prefill(model, alone[i], s, par, document);
                prefill(model, forks[i], s, par, question);
                prefill(model, alone[i], s, par, question);
                next[i] = 1 + rnd.nextInt(vocab - 1);
            }
            SharedPageAttention shared = new SharedPageAttention(c.qDim());
            float[] logits = new float[questions * vocab];
            for (int step = 0; step < 4; step++) {
                model.forwardBatch(forks, next, questions, s, par, shared, logits);
                for (int i = 0; i < questions; i++) {
                    float[] one = model.forward(alone[i], s, par, next, i, 1, true);
                    float[] row = java.util.Arrays.copyOfRange(logits, i * vocab, (i + 1) * vocab);
                    assertArrayEquals(one, row, what + " step " + step + " question " + i);
                    next[i] = argmax(row);
                }
            }
            SharedPageAttention.Traffic t = shared.traffic();
            if (questions > 1) {
                assertTrue(t.pagesRead() < t.pagesWanted(), what + " " + t);
            }
            for (int i = 0; i < questions; i++) {
                forks[i].close();
                alone[i].close();
            }
        }
    }

    private static void prefill(LlamaModel model, KvCache cache, ForwardState s, Parallel par, int[] tokens) {
        for (int off = 0; off < tokens.length; off += s.block()) {
            model.forward(cache, s, par, tokens, off, Math.min(s.block(), tokens.length - off), false);
        }
    }

    private static int[] tokens(Random rnd, int n, int vocab) {
        int[] t = new int[n];
        for (int i = 0; i < n; i++) {
            t[i] = 1 + rnd.nextInt(vocab - 1);
        }
        return t;
    }

    private static int argmax(float[] x) {
        int best = 0;
        for (int i = 1; i < x.length; i++) {
            if (x[i] > x[best]) {
                best = i;
            }
        }
        return best;
    }
}
