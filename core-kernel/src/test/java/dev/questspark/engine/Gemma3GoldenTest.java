package dev.questspark.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.questspark.testing.LlamaCppGolden;
import dev.questspark.testing.TestModels;
import org.junit.jupiter.api.Test;

/**
 * Gemma 3 270M (Q4_K_M) against llama.cpp built from source on the same file (fixtures and how they were produced:
 * src/test/resources/golden/README.md): greedy tokens of nine short prompts and two prompts longer than the
 * 512-token sliding window ({@link LlamaCppGolden}); the perplexity fixture is checked by the eval module's
 * Gemma3PerplexityGoldenTest. As for SmolLM2 ({@link SmolLm2GoldenTest}), the engines round differently, so a
 * greedy divergence is accepted only at a step where llama.cpp's two best logits are within {@link #NEAR_TIE} (or
 * where llama.cpp's flash-attention path makes the same choice as ours), and at least {@link #MUST_MATCH_PROMPTS}
 * prompts must equal llama.cpp's first 32 tokens (measured: 7 of 11, both long prompts among them; the other four part at gaps of 0.002 to 0.075, where llama.cpp's
 * flash-attention path itself differs on two of the short prompts).
 */
class Gemma3GoldenTest {
    private static final double NEAR_TIE = 0.25;
    private static final int MUST_MATCH = 32;
    /** The base model meets near-ties often (plain-list's first token has a gap of 0.01): more than half must match. */
    private static final int MUST_MATCH_PROMPTS = 6;

    @Test
    void greedyTokensMatchLlamaCpp() {
        Engine engine = TestModels.gemma3Engine(2);
        JsonNode golden = LlamaCppGolden.fixture("/golden/gemma3-270m-q4_k_m.json", LlamaCppGolden.GEMMA3_SHA256);
        LlamaCppGolden.Matches m = LlamaCppGolden.greedyMatches(engine, golden, NEAR_TIE, MUST_MATCH, c -> assertArrayEquals(
                LlamaCppGolden.ints(c.get("prompt_tokens")), engine.encodePrompt(c.get("prompt").asText(), false),
                c.get("name").asText() + " prompt tokens"));
        assertTrue(m.matched() >= MUST_MATCH_PROMPTS, () -> "only " + m.matched() + " prompts matched llama.cpp on their first "
                + MUST_MATCH + " tokens (" + MUST_MATCH_PROMPTS + " needed); near-tie divergences: " + m.nearTies());
    }
}
