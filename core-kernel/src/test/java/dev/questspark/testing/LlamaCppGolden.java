package dev.questspark.testing;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.questspark.engine.DecoderSession;
import dev.questspark.engine.Engine;
import dev.questspark.engine.Sampler;
import dev.questspark.quest.QuestConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/**
 * Greedy decoding against llama.cpp's tokens on the same GGUF file (fixtures and how they were produced:
 * core-kernel/src/test/resources/golden/README.md). The engines round differently, so where llama.cpp's two best
 * logits are closer than a near-tie gap the argmax may flip and everything after that step legitimately differs. A
 * prompt counts as matched when its first tokens equal those of either of llama.cpp's attention paths (plain or
 * flash); a divergence from both at a clear margin fails the test.
 */
public final class LlamaCppGolden {
    /** The sha256 of {@link TestModels#GEMMA3}, which the llama.cpp fixtures made from it record. */
    public static final String GEMMA3_SHA256 = "a5fd3b62230aa5ec60212297dc9d20eaa70578ac519e00d93a17e44c087a6818";

    private LlamaCppGolden() {
    }

    /** How many prompts matched, and the divergences explained by near-ties. */
    public record Matches(int matched, List<String> nearTies) {
    }

    /** A JSON fixture on the test class path; the test is skipped when it is absent or made from another file. */
    public static JsonNode fixture(String resource, String modelSha256) {
        try (InputStream in = LlamaCppGolden.class.getResourceAsStream(resource)) {
            assumeTrue(in != null, "missing test resource " + resource);
            JsonNode golden = new ObjectMapper().readTree(in);
            JsonNode model = golden.get("model");
            assumeTrue(modelSha256 == null || model != null && model.get("sha256").asText().equals(modelSha256),
                    () -> resource + " is a fixture of another file than sha256 " + modelSha256);
            return golden;
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + resource, e);
        }
    }

    /**
     * Decodes every case of the fixture greedily (dense attention) as many tokens as llama.cpp generated, after
     * checkCase has checked the case (its prompt tokens, say); fails at a divergence from both llama.cpp paths where
     * llama.cpp's top-2 logit gap is at least nearTie.
     *
     * @param mustMatch a prompt counts as matched when its first mustMatch tokens (or all, if fewer) agree
     */
    public static Matches greedyMatches(Engine engine, JsonNode golden, double nearTie, int mustMatch, Consumer<JsonNode> checkCase) {
        int matched = 0;
        List<String> report = new ArrayList<>();
        for (JsonNode c : golden.get("cases")) {
            checkCase.accept(c);
            String name = c.get("name").asText();
            int[] expected = ints(c.get("generated_tokens"));
            int[] flash = ints(c.get("generated_tokens_flash_attention"));
            int[] got = greedyWhileMatching(engine, ints(c.get("prompt_tokens")), expected, flash);
            int plainMatch = commonPrefix(expected, got);
            int flashMatch = commonPrefix(flash, got);
            if (Math.max(plainMatch, flashMatch) >= Math.min(mustMatch, expected.length)) {
                matched++;
            }
            if (plainMatch == expected.length) {
                continue;
            }
            double gap = c.get("top2_logit_gap").get(plainMatch).asDouble();
            report.add(name + ": " + plainMatch + " tokens as llama.cpp, " + flashMatch
                    + " as llama.cpp with flash attention; llama.cpp's top-2 gap at step " + plainMatch + " is " + gap);
            if (gap >= nearTie && flashMatch <= plainMatch) {
                fail(name + ": token " + plainMatch + " is " + got[plainMatch] + " but llama.cpp chose "
                        + expected[plainMatch] + " with a clear margin of " + gap + "; all: " + report);
            }
        }
        System.getLogger(LlamaCppGolden.class.getName()).log(System.Logger.Level.INFO,
                engine.info().name() + ": explained near-tie divergences: " + report);
        return new Matches(matched, report);
    }

    /**
     * As many greedy tokens after prompt as plain holds (one single-token forward pass each, dense attention), or
     * fewer: decoding stops at the step where they have parted from both references, since nothing after it is
     * compared. The common prefixes with both references are those of the full decode.
     */
    static int[] greedyWhileMatching(Engine engine, int[] prompt, int[] plain, int[] flash) {
        int steps = plain.length;
        int[] out = new int[steps];
        boolean plainAlive = true;
        boolean flashAlive = true;
        try (DecoderSession s = engine.newSession(QuestConfig.dense(), prompt.length + steps)) {
            s.prefill(prompt);
            for (int i = 0; i < steps && (plainAlive || flashAlive); i++) {
                out[i] = Sampler.argmax(s.logits());
                plainAlive &= i < plain.length && out[i] == plain[i];
                flashAlive &= i < flash.length && out[i] == flash[i];
                if (plainAlive || flashAlive) {
                    s.decode(out[i]);
                } else {
                    return Arrays.copyOf(out, i + 1);
                }
            }
        }
        return out;
    }

    /** The length of the common prefix of two token arrays. */
    public static int commonPrefix(int[] reference, int[] got) {
        int i = 0;
        while (i < reference.length && i < got.length && reference[i] == got[i]) {
            i++;
        }
        return i;
    }

    /** A fixture's integer array; the test is skipped when the field is missing. */
    public static int[] ints(JsonNode array) {
        assumeTrue(array != null && array.isArray(), "fixture field missing");
        int[] v = new int[array.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = array.get(i).asInt();
        }
        return v;
    }
}
