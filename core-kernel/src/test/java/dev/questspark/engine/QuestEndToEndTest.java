package dev.questspark.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.questspark.model.AttentionStats;
import dev.questspark.quest.QuestConfig;
import dev.questspark.testing.TestModels;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Quest inside the real model (SmolLM2-135M-Instruct): lossless at full budget, and really sparse below it. */
class QuestEndToEndTest {
    private static Engine engine;

    @BeforeAll
    static void load() {
        engine = TestModels.smolLm2Engine(2);
    }

    @Test
    void questWithABudgetCoveringTheContextGivesDenseTokensFor256Steps() {
        int[] prompt = engine.encodePrompt("Write a long story about a lighthouse keeper and a storm.", true);
        int[] dense = greedy(QuestConfig.dense(), prompt, 256);
        int[] quest = greedy(QuestConfig.quest().withTokenBudget(1024), prompt, 256);
        assertEquals(256, dense.length);
        assertArrayEquals(dense, quest);
    }

    @Test
    void aSmallBudgetReadsOnlyPartOfTheCacheAndStillDecodes() {
        int[] prompt = EngineBench.syntheticPrompt(engine, 600);
        QuestConfig quest = QuestConfig.quest().withTokenBudget(128);
        try (DecoderSession s = engine.newSession(quest, 700)) {
            s.prefill(prompt);
            AttentionStats before = s.stats().snapshot();
            GenerationResult r = s.generate(new GenerationConfig(16, 0f, 0, 1f, 0, java.util.List.of()), null);
            AttentionStats after = s.stats().snapshot();
            long read = after.kvBytesRead() - before.kvBytesRead();
            long dense = after.kvBytesDense() - before.kvBytesDense();
            assertTrue(r.tokens().length > 0, "no tokens generated");
            assertTrue(after.pagesSelected() > before.pagesSelected(), "Quest selected no pages");
            // 28 of 30 layers read 128 of ~600 tokens plus metadata; 2 dense layers read everything
            assertTrue(read < 0.45 * dense, () -> "read " + read + " of " + dense + " dense KV bytes");
        }
    }

    private static int[] greedy(QuestConfig quest, int[] prompt, int steps) {
        try (DecoderSession s = engine.newSession(quest, prompt.length + steps + 1)) {
            s.prefill(prompt);
            int[] out = new int[steps];
            for (int i = 0; i < steps; i++) {
                out[i] = Sampler.argmax(s.logits());
                s.decode(out[i]);
            }
            return out;
        }
    }
}
