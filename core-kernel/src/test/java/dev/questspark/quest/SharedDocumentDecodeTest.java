package dev.questspark.quest;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.questspark.engine.Engine;
import dev.questspark.engine.Sampler;
import dev.questspark.kernel.NativeIsa;
import dev.questspark.kernel.Parallel;
import dev.questspark.model.ForwardState;
import dev.questspark.model.KvCache;
import dev.questspark.model.LlamaConfig;
import dev.questspark.model.LlamaModel;
import dev.questspark.testing.BatchVsAlone;
import dev.questspark.testing.TestModels;
import java.util.Random;
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
    private final Engine engine = TestModels.storiesEngine(2);

    @Test
    void questionsOverOneDocumentDecodeAsAlone() {
        QuestConfig[] settings = {QuestConfig.dense().withPageSize(8),
                QuestConfig.quest().withPageSize(8).withTokenBudget(48).withDenseLayers(1),
                QuestConfig.quest().withPageSize(16).withTokenBudget(64).withDenseLayers(0).withGqaPolicy(QuestConfig.GqaPolicy.PER_HEAD),
                QuestConfig.quest().withPageSize(8).withTokenBudget(64).withDenseLayers(0).withRecentPages(2),
                QuestConfig.quest().withPageSize(8).withTokenBudget(48).withDenseLayers(0).withRerankFactor(2),
                QuestConfig.quest().withPageSize(8).withTokenBudget(48).withDenseLayers(0).withRerankFactor(2)
                        .withRerankScore(QuestConfig.RerankScore.HEAD_RELATIVE)};
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

    private void check(AttentionKernel kernel, QuestConfig quest, int questions, String what) {
        LlamaModel model = engine.model();
        LlamaConfig c = model.config();
        int vocab = c.vocabSize();
        PagedKvCacheConfig kv = new PagedKvCacheConfig(c.layers(), c.heads(), c.kvHeads(), c.headDim(), 512, quest, 1L << 30);
        Random rnd = new Random(questions * 31L + quest.pageSize());
        int[] document = BatchVsAlone.randomTokens(rnd, 301, 1, vocab - 1);
        try (Parallel par = new Parallel(2); PagedKvCache parent = new PagedKvCache(kv, par, kernel)) {
            ForwardState s = new ForwardState(c, 64);
            BatchVsAlone.prefill(model, parent, s, par, document);
            KvCache[] forks = new KvCache[questions];
            KvCache[] alone = new KvCache[questions];
            int[] next = new int[questions];
            for (int i = 0; i < questions; i++) {
                int[] question = BatchVsAlone.randomTokens(rnd, 1 + rnd.nextInt(30), 1, vocab - 1);
                forks[i] = parent.fork(par);
                alone[i] = new PagedKvCache(kv, par, kernel);
                BatchVsAlone.prefill(model, alone[i], s, par, document);
                BatchVsAlone.prefill(model, forks[i], s, par, question);
                BatchVsAlone.prefill(model, alone[i], s, par, question);
                next[i] = 1 + rnd.nextInt(vocab - 1);
            }
            SharedPageAttention shared = new SharedPageAttention(c.qDim());
            BatchVsAlone.assertStepsMatch(model, forks, alone, next, 4, s, par, shared,
                    (step, token, logits) -> Sampler.argmax(logits), what);
            SharedPageAttention.Traffic t = shared.traffic();
            if (questions > 1) {
                assertTrue(t.pagesRead() < t.pagesWanted(), what + " " + t);
            }
        }
    }
}
