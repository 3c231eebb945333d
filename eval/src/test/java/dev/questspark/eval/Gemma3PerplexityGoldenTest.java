package dev.questspark.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.questspark.quest.QuestConfig;
import dev.questspark.testing.LlamaCppGolden;
import dev.questspark.testing.TestModels;
import org.junit.jupiter.api.Test;

/**
 * The decode-path perplexity of {@link PerplexityEval} on Gemma 3 270M (Q4_K_M) against llama.cpp built from source
 * on the same file: 640 tokens of long-document.txt, each token given all before it (fixture and how it was
 * produced: core-kernel/src/test/resources/golden/README.md). The engines round differently; the perplexity must
 * agree within 1%. Skipped without the model.
 */
class Gemma3PerplexityGoldenTest {
    @Test
    void perplexityMatchesLlamaCpp() {
        JsonNode golden = LlamaCppGolden.fixture("/golden/gemma3-270m-nll-640.json", LlamaCppGolden.GEMMA3_SHA256);
        int[] tokens = LlamaCppGolden.ints(golden.get("tokens"));
        JsonNode reference = golden.get("nll");
        assertEquals(tokens.length - 1, reference.size());
        double[] nll = PerplexityEval.nlls(TestModels.gemma3Engine(2), tokens, QuestConfig.dense());
        double sum = 0;
        double refSum = 0;
        double worst = 0;
        for (int i = 0; i < nll.length; i++) {
            sum += nll[i];
            refSum += reference.get(i).asDouble();
            worst = Math.max(worst, Math.abs(nll[i] - reference.get(i).asDouble()));
        }
        double ppl = Math.exp(sum / nll.length);
        double refPpl = Math.exp(refSum / nll.length);
        System.getLogger(Gemma3PerplexityGoldenTest.class.getName()).log(System.Logger.Level.INFO, String.format(
                "perplexity over %d tokens: %.4f, llama.cpp %.4f; largest per-token NLL difference %.4f",
                tokens.length, ppl, refPpl, worst));
        assertEquals(refPpl, ppl, 0.01 * refPpl, "perplexity against llama.cpp's");
    }
}
