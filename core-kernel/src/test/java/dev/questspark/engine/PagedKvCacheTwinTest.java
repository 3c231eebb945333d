package dev.questspark.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.questspark.model.ReferenceKvCache;
import dev.questspark.quest.QuestConfig;
import dev.questspark.testing.TestModels;
import org.junit.jupiter.api.Test;

/**
 * The engine's paged KV cache against its slow twin {@link ReferenceKvCache} on stories260K: the paged cache keeps
 * keys and values as binary16, so logits agree within 2e-2 (stories260K's logits are of order 10) and greedy tokens
 * are the same; Quest with a budget covering the whole context attends every page and agrees the same way.
 */
class PagedKvCacheTwinTest {
    private static final float TOLERANCE = 2e-2f;
    private final Engine engine = TestModels.storiesEngine(1);

    @Test
    void pagedDenseAndQuestAtFullBudgetMatchTheReference() {
        int[] prompt = engine.tokenizer().encode("Once upon a time, there was a little girl named Lily. She", true, false);
        float[] reference;
        int[] referenceTokens;
        try (DecoderSession s = engine.newSession(new ReferenceKvCache(engine.model().config(), 128), 1)) {
            s.prefill(prompt);
            reference = s.logits().clone();
            referenceTokens = s.generate(GenerationConfig.greedy(24), null).tokens();
        }
        for (QuestConfig q : new QuestConfig[] {QuestConfig.dense(), QuestConfig.quest().withPageSize(8).withTokenBudget(128)
                .withDenseLayers(0)}) {
            try (DecoderSession s = engine.newSession(q, 128)) {
                s.prefill(prompt);
                float[] logits = s.logits();
                assertEquals(reference.length, logits.length);
                for (int i = 0; i < logits.length; i++) {
                    assertEquals(reference[i], logits[i], TOLERANCE, q.attention() + " logit " + i);
                }
                assertArrayEquals(referenceTokens, s.generate(GenerationConfig.greedy(24), null).tokens(), q.attention().toString());
            }
        }
    }
}
