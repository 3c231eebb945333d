package dev.questspark.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.questspark.quest.QuestConfig;
import dev.questspark.testing.TestModels;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * SmolLM2-135M-Instruct greedy decoding against llama.cpp's own tokens on the same file (fixture and how it was
 * produced: src/test/resources/golden/README.md). Both engines quantize activations to 8 bits for the quantized
 * dot products and both round queries to f16 before multiplying f16 keys, but they sum in different orders and
 * llama.cpp's default attention also rounds the softmax weights to f16 (its flash-attention path, like our online
 * softmax, does not), so logits differ by float rounding. Where llama.cpp's two best logits are closer than
 * {@link #NEAR_TIE} the argmax may flip, and everything after such a step legitimately differs. A prompt counts as
 * matched when its first 32 tokens (or all, when llama.cpp stopped earlier) equal llama.cpp's with either of its
 * attention paths; a divergence from both at a clear margin fails the test; at least five prompts must match.
 */
class SmolLm2GoldenTest {
    /**
     * llama.cpp disagrees with itself at such gaps: its flash-attention path flips the argmax of chat-poem at a
     * gap of 0.2247 (fixture field flash_attention_on_first_difference).
     */
    private static final double NEAR_TIE = 0.25;
    private static final int MUST_MATCH = 32;
    private static Engine engine;
    private static JsonNode golden;

    @BeforeAll
    static void load() throws IOException {
        engine = Engine.load(TestModels.smolLm2(), 2);
        try (InputStream in = SmolLm2GoldenTest.class.getResourceAsStream("/golden/smollm2-135m-q4_1.json")) {
            golden = new ObjectMapper().readTree(in);
        }
    }

    @AfterAll
    static void close() {
        if (engine != null) {
            engine.close();
        }
    }

    @Test
    void greedyTokensMatchLlamaCpp() {
        int fullMatches = 0;
        List<String> report = new ArrayList<>();
        for (JsonNode c : golden.get("cases")) {
            String name = c.get("name").asText();
            int[] prompt = ints(c.get("prompt_tokens"));
            int[] expected = ints(c.get("generated_tokens"));
            int[] flash = ints(c.get("generated_tokens_flash_attention"));
            int[] got = greedy(prompt, expected.length);
            int plainMatch = commonPrefix(expected, got);
            int flashMatch = commonPrefix(flash, got);
            int matched = Math.max(plainMatch, flashMatch);
            if (matched >= Math.min(MUST_MATCH, expected.length)) {
                fullMatches++;
            }
            if (plainMatch == expected.length) {
                continue;
            }
            double gap = c.get("top2_logit_gap").get(plainMatch).asDouble();
            report.add(name + ": " + plainMatch + " tokens as llama.cpp, " + flashMatch
                    + " as llama.cpp with flash attention; llama.cpp's top-2 gap at step " + plainMatch + " is " + gap);
            if (gap >= NEAR_TIE && flashMatch <= plainMatch) {
                fail(name + ": token " + plainMatch + " is " + got[plainMatch] + " but llama.cpp chose "
                        + expected[plainMatch] + " with a clear margin of " + gap + "; all: " + report);
            }
        }
        System.getLogger(SmolLm2GoldenTest.class.getName()).log(System.Logger.Level.INFO,
                "explained near-tie divergences: " + report);
        int matched = fullMatches;
        assertTrue(matched >= 5, () -> "only " + matched + " prompts matched llama.cpp on their first " + MUST_MATCH
                + " tokens; near-tie divergences: " + report);
    }

    @Test
    void chatPromptsTokenizeLikeLlamaCpp() {
        for (JsonNode c : golden.get("cases")) {
            int[] expected = ints(c.get("prompt_tokens"));
            int[] ours = c.get("chat").asBoolean()
                    ? engine.encodePrompt(c.get("user_message").asText(), true)
                    : engine.encodePrompt(c.get("prompt").asText(), false);
            assertArrayEquals(expected, ours, c.get("name").asText());
        }
    }

    private static int[] greedy(int[] prompt, int steps) {
        int[] out = new int[steps];
        try (DecoderSession s = engine.newSession(QuestConfig.dense(), prompt.length + steps)) {
            s.prefill(prompt);
            for (int i = 0; i < steps; i++) {
                out[i] = Sampler.argmax(s.logits());
                s.prefill(new int[] {out[i]});
            }
        }
        return out;
    }

    private static int commonPrefix(int[] reference, int[] got) {
        int i = 0;
        while (i < reference.length && i < got.length && reference[i] == got[i]) {
            i++;
        }
        return i;
    }

    private static int[] ints(JsonNode array) {
        assumeTrue(array != null && array.isArray(), "fixture field missing");
        int[] v = new int[array.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = array.get(i).asInt();
        }
        return v;
    }
}
