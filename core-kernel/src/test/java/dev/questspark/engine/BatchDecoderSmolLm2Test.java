package dev.questspark.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.questspark.quest.QuestConfig;
import dev.questspark.testing.TestModels;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The default model (SmolLM2-135M-Instruct, Q4_1 weights through the native kernel's quantized batch paths): five
 * requests of 40 to 300 tokens through a batch of three give each request its lone greedy tokens, with dense attention
 * and with Quest at a budget of 64 tokens (sparse on every prompt above it). The prompts take from less than one to three
 * of the prefill's blocks of 128 tokens.
 */
class BatchDecoderSmolLm2Test {
    private static Engine engine;

    @BeforeAll
    static void load() {
        engine = TestModels.smolLm2Engine(2);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"dense", "quest"})
    void batchedGreedyTokensEqualLoneOnes(String attention) {
        QuestConfig quest = attention.equals("dense") ? QuestConfig.dense() : QuestConfig.quest().withTokenBudget(64);
        List<BatchRequest> reqs = new ArrayList<>();
        int[] lengths = {300, 40, 200, 256, 97};
        int[] limits = {24, 9, 30, 17, 24};
        for (int i = 0; i < lengths.length; i++) {
            int[] filler = EngineBench.syntheticPrompt(engine, lengths[i] - 12);
            int[] ask = engine.encodePrompt("Summarize the text above " + i, true);
            int[] prompt = new int[filler.length + ask.length];
            System.arraycopy(filler, 0, prompt, 0, filler.length);
            System.arraycopy(ask, 0, prompt, filler.length, ask.length);
            reqs.add(new BatchRequest(prompt, GenerationConfig.greedy(limits[i])));
        }
        List<BatchOutcome> got;
        try (BatchDecoder d = engine.newBatchDecoder(quest, 1024, 3)) {
            got = d.generateAll(reqs);
        }
        for (int i = 0; i < reqs.size(); i++) {
            GenerationResult want;
            try (DecoderSession s = engine.newSession(quest, 1024)) {
                s.prefill(reqs.get(i).prompt());
                want = s.generate(reqs.get(i).config(), null);
            }
            BatchOutcome o = got.get(i);
            assertNull(o.error(), () -> "request failed: " + o.error());
            assertArrayEquals(want.tokens(), o.result().tokens(), attention + " request " + i);
            assertEquals(want.text(), o.result().text());
            assertEquals(want.finishReason(), o.result().finishReason());
        }
    }
}
