package dev.questspark.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
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
 * Gemma 3 270M (Q4_K_M) against llama.cpp built from source on the same file (fixtures and how they were produced:
 * src/test/resources/golden/README.md): greedy tokens of nine short prompts and two prompts longer than the
 * 512-token sliding window, and the perplexity of 640 tokens of long-document.txt, each token given all before it.
 * As for SmolLM2 ({@link SmolLm2GoldenTest}), the engines round differently, so a greedy divergence is accepted only
 * at a step where llama.cpp's two best logits are within {@link #NEAR_TIE} (or where llama.cpp's flash-attention path
 * makes the same choice as ours), and at least {@link #MUST_MATCH_PROMPTS} prompts must equal llama.cpp's first 32 tokens
 * (measured: 7 of 11, both long prompts among them; the other four part at gaps of 0.002 to 0.075, where llama.cpp's
 * flash-attention path itself differs on two of the short prompts). Perplexity must agree within 1%.
 */
class Gemma3GoldenTest {
    private static final double NEAR_TIE = 0.25;
    private static final int MUST_MATCH = 32;
    /** The base model meets near-ties often (plain-list's first token has a gap of 0.01): more than half must match. */
    private static final int MUST_MATCH_PROMPTS = 6;
    private static Engine engine;

    @BeforeAll
    static void load() {
        engine = Engine.load(TestModels.gemma3(), 2);
    }

    @AfterAll
    static void close() {
        if (engine != null) {
            engine.close();
        }
    }

    @Test
    void greedyTokensMatchLlamaCpp() throws IOException {
        JsonNode golden = fixture("/golden/gemma3-270m-q4_k_m.json");
        int fullMatches = 0;
        List<String> report = new ArrayList<>();
        for (JsonNode c : golden.get("cases")) {
            String name = c.get("name").asText();
            int[] prompt = ints(c.get("prompt_tokens"));
            assertArrayEquals(prompt, engine.encodePrompt(c.get("prompt").asText(), false), name + " prompt tokens");
            int[] expected = ints(c.get("generated_tokens"));
            int[] flash = ints(c.get("generated_tokens_flash_attention"));
            int[] got = greedy(prompt, expected.length);
            int plainMatch = commonPrefix(expected, got);
            int flashMatch = commonPrefix(flash, got);
            if (Math.max(plainMatch, flashMatch) >= Math.min(MUST_MATCH, expected.length)) {
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
        System.getLogger(Gemma3GoldenTest.class.getName()).log(System.Logger.Level.INFO,
                "explained near-tie divergences: " + report);
        int matched = fullMatches;
        int needed = MUST_MATCH_PROMPTS;
        assertTrue(matched >= needed, () -> "only " + matched + " prompts matched llama.cpp on their first " + MUST_MATCH
                + " tokens (" + needed + " needed); near-tie divergences: " + report);
    }

    /** The mean NLL of 639 next tokens, each given all tokens before it, within 1% (in perplexity) of llama.cpp's. */
    @Test
    void perplexityMatchesLlamaCpp() throws IOException {
        JsonNode golden = fixture("/golden/gemma3-270m-nll-640.json");
        int[] tokens = ints(golden.get("tokens"));
        JsonNode reference = golden.get("nll");
        assertEquals(tokens.length - 1, reference.size());
        double sum = 0;
        double refSum = 0;
        double worst = 0;
        try (DecoderSession s = engine.newSession(QuestConfig.dense(), tokens.length)) {
            for (int i = 0; i < tokens.length - 1; i++) {
                s.prefill(new int[] {tokens[i]});
                double nll = nll(s.logits(), tokens[i + 1]);
                sum += nll;
                refSum += reference.get(i).asDouble();
                worst = Math.max(worst, Math.abs(nll - reference.get(i).asDouble()));
            }
        }
        double ppl = Math.exp(sum / (tokens.length - 1));
        double refPpl = Math.exp(refSum / (tokens.length - 1));
        System.getLogger(Gemma3GoldenTest.class.getName()).log(System.Logger.Level.INFO, String.format(
                "perplexity over %d tokens: %.4f, llama.cpp %.4f; largest per-token NLL difference %.4f",
                tokens.length, ppl, refPpl, worst));
        assertEquals(refPpl, ppl, 0.01 * refPpl, "perplexity against llama.cpp's");
    }

    private static double nll(float[] logits, int target) {
        double max = Double.NEGATIVE_INFINITY;
        for (float l : logits) {
            max = Math.max(max, l);
        }
        double sum = 0;
        for (float l : logits) {
            sum += Math.exp(l - max);
        }
        return max + Math.log(sum) - logits[target];
    }

    private static JsonNode fixture(String resource) throws IOException {
        try (InputStream in = Gemma3GoldenTest.class.getResourceAsStream(resource)) {
            assumeTrue(in != null, "missing test resource " + resource);
            JsonNode golden = new ObjectMapper().readTree(in);
            assumeTrue(golden.get("model").get("sha256").asText().equals(
                    "a5fd3b62230aa5ec60212297dc9d20eaa70578ac519e00d93a17e44c087a6818"), "fixture of another file");
            return golden;
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
