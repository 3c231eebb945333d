package dev.questspark.engine;

import java.io.Serializable;
import java.util.List;

/**
 * How to pick tokens: first the {@link Penalties} adjust the logits; then temperature 0 is greedy (argmax, lowest id
 * on ties); otherwise logits are divided by the temperature, cut to the top-k (0 = all) and the top-p nucleus, and
 * sampled with a generator seeded by seed. Generation stops at maxTokens, at an end-of-generation token, or when the
 * text ends with a stop string. {@link dev.questspark.settings.Settings#generation()} makes it from the settings table.
 */
public record GenerationConfig(int maxTokens, float temperature, int topK, float topP, long seed, List<String> stopStrings,
                               Penalties penalties) implements Serializable {
    public GenerationConfig {
        if (maxTokens < 0) {
            throw new IllegalArgumentException("maxTokens must be >= 0, got " + maxTokens);
        }
        if (!(temperature >= 0)) {
            throw new IllegalArgumentException("temperature must be >= 0, got " + temperature);
        }
        if (topK < 0) {
            throw new IllegalArgumentException("topK must be >= 0, got " + topK);
        }
        if (!(topP > 0 && topP <= 1)) {
            throw new IllegalArgumentException("topP must be in (0, 1], got " + topP);
        }
        stopStrings = stopStrings == null ? List.of() : List.copyOf(stopStrings);
        penalties = penalties == null ? Penalties.NONE : penalties;
    }

    /** Without repetition controls. */
    public GenerationConfig(int maxTokens, float temperature, int topK, float topP, long seed, List<String> stopStrings) {
        this(maxTokens, temperature, topK, topP, seed, stopStrings, Penalties.NONE);
    }

    /** The same config with other penalties. */
    public GenerationConfig withPenalties(Penalties p) {
        return new GenerationConfig(maxTokens, temperature, topK, topP, seed, stopStrings, p);
    }

    public static GenerationConfig greedy(int maxTokens) {
        return new GenerationConfig(maxTokens, 0f, 0, 1f, 0L, List.of());
    }

    /** The same settings with another seed (each model call of a row gets its own, derived from the row). */
    public GenerationConfig withSeed(long newSeed) {
        return new GenerationConfig(maxTokens, temperature, topK, topP, newSeed, stopStrings, penalties);
    }

    /** The same settings generating at most n tokens. */
    public GenerationConfig withMaxTokens(int n) {
        return new GenerationConfig(n, temperature, topK, topP, seed, stopStrings, penalties);
    }

    public boolean isGreedy() {
        return temperature == 0f;
    }
}
